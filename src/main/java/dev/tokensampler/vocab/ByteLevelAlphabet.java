package dev.tokensampler.vocab;

import java.io.ByteArrayOutputStream;

/**
 * The byte-to-character map of byte-level BPE (GPT-2's {@code bytes_to_unicode}, used by GPT-2,
 * Llama 3, Qwen and others): every byte is written as one printable character, the printable
 * bytes {@code !..~}, {@code ¡..¬} and {@code ®..ÿ} as themselves and the other 68 bytes as
 * {@code U+0100} upwards in byte order (so the space {@code 0x20} is {@code Ġ}, U+0120).
 */
final class ByteLevelAlphabet {
  /** The byte of each character below U+0144, or -1. */
  private static final int[] BYTE_OF_CHAR = new int[0x144];

  static {
    java.util.Arrays.fill(BYTE_OF_CHAR, -1);
    int next = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      BYTE_OF_CHAR[printable ? b : 0x100 + next++] = b;
    }
  }

  private ByteLevelAlphabet() {}

  /**
   * The bytes a token string stands for, as the Hugging Face {@code ByteLevel} decoder maps it:
   * each character through the map, or, if any character is outside it, the string's own UTF-8
   * bytes.
   *
   * @param token a token string
   * @return its bytes
   */
  static byte[] decode(String token) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      int b = c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
      if (b < 0) {
        return token.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }
      out.write(b);
    }
    return out.toByteArray();
  }

  /**
   * @param b a byte
   * @return the character that stands for it
   */
  static char encode(byte b) {
    for (int c = 0; c < BYTE_OF_CHAR.length; c++) {
      if (BYTE_OF_CHAR[c] == (b & 0xFF)) {
        return (char) c;
      }
    }
    throw new AssertionError(b);
  }
}
