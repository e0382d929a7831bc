package dev.tokensampler.vocab;

/**
 * UTF-8 decoding with each maximal ill-formed subpart replaced by one U+FFFD (Unicode's
 * recommended practice, which Rust's {@code String::from_utf8_lossy} follows, and so the Hugging
 * Face tokenizers' {@code ByteLevel} decoder). Written out here so that the comparison with the
 * tokenizer does not depend on how a JDK's decoder counts replacements.
 */
final class Utf8Lossy {
  private Utf8Lossy() {}

  /** @return whether the bytes are well-formed UTF-8 */
  static boolean valid(byte[] bytes) {
    return decode(bytes, true) != null;
  }

  /** @return the text, with U+FFFD for each maximal ill-formed subpart */
  static String decode(byte[] bytes) {
    return decode(bytes, false);
  }

  private static String decode(byte[] bytes, boolean strict) {
    StringBuilder out = new StringBuilder(bytes.length);
    int i = 0;
    int n = bytes.length;
    while (i < n) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        out.append((char) b);
        i++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
      } else if (b == 0xE0) {
        need = 2;
        lo = 0xA0;
      } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
        need = 2;
      } else if (b == 0xED) {
        need = 2;
        hi = 0x9F;
      } else if (b == 0xF0) {
        need = 3;
        lo = 0x90;
      } else if (b >= 0xF1 && b <= 0xF3) {
        need = 3;
      } else if (b == 0xF4) {
        need = 3;
        hi = 0x8F;
      } else {
        if (strict) {
          return null;
        }
        out.append('\uFFFD');
        i++;
        continue;
      }
      int cp = b & (0x3F >> need);
      int j = i + 1;
      boolean ok = true;
      for (int k = 0; k < need; k++, j++) {
        int c = j < n ? bytes[j] & 0xFF : -1;
        int min = k == 0 ? lo : 0x80;
        int max = k == 0 ? hi : 0xBF;
        if (c < min || c > max) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (c & 0x3F);
      }
      if (ok) {
        out.appendCodePoint(cp);
      } else if (strict) {
        return null;
      } else {
        out.append('\uFFFD');
      }
      i = j;
    }
    return out.toString();
  }
}
