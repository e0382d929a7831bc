package dev.tokensampler.vocab;

import java.util.Arrays;
import java.util.Objects;

/**
 * Turns generated token ids into text as they come, one token at a time, without ever splitting a
 * character: a UTF-8 character whose bytes are spread over several byte-level tokens is held back
 * until its last byte arrives, so no U+FFFD appears in the middle of a stream for a character that
 * is merely incomplete.
 *
 * <p>Each {@link #append(int)} returns the text its token completes: every complete character of
 * the bytes so far, minus what earlier calls returned. Bytes that can never be part of a
 * well-formed character (a stray continuation byte, {@code 0xFF}, an overlong or surrogate
 * encoding) are returned at once, each maximal ill-formed subpart as one U+FFFD, as the Hugging
 * Face tokenizers library decodes them. Only the bytes of a character that could still be
 * completed (at most three) are held back; {@link #finish()} returns them as U+FFFD when the
 * stream ends. Special tokens add no text. The concatenation of every returned text and
 * {@code finish()} equals {@link TextTokenizer#decode} of all the ids. Not thread-safe.
 */
public final class StreamingDecoder {
  private final TokenVocabulary vocabulary;
  private byte[] pending = new byte[64];
  private int pendingLength;

  /**
   * A decoder at the start of a text.
   *
   * @param vocabulary the byte strings of the ids
   * @throws NullPointerException if {@code vocabulary} is null
   */
  public StreamingDecoder(TokenVocabulary vocabulary) {
    this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
  }

  /**
   * Adds one token.
   *
   * @param id a token id in {@code [0, vocabulary.size())}
   * @return the text it completes, possibly empty
   * @throws IllegalArgumentException if the id is outside the vocabulary
   */
  public String append(int id) {
    int length = vocabulary.tokenLength(id);
    if (vocabulary.isSpecial(id) || length == 0) {
      return "";
    }
    if (pendingLength + length > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + length));
    }
    for (int i = 0; i < length; i++) {
      pending[pendingLength++] = vocabulary.byteAt(id, i);
    }
    int complete = pendingLength - incompleteTail(pending, pendingLength);
    if (complete == 0) {
      return "";
    }
    String text = lossy(pending, 0, complete);
    System.arraycopy(pending, complete, pending, 0, pendingLength - complete);
    pendingLength -= complete;
    return text;
  }

  /**
   * Ends the text.
   *
   * @return the held-back bytes of an unfinished character as U+FFFD, or an empty string
   */
  public String finish() {
    String text = lossy(pending, 0, pendingLength);
    pendingLength = 0;
    return text;
  }

  /**
   * The length of the longest suffix of {@code bytes[0, length)} that is a proper, so far
   * well-formed, prefix of a UTF-8 character (0 to 3 bytes).
   */
  static int incompleteTail(byte[] bytes, int length) {
    for (int back = 1; back <= 3 && back <= length; back++) {
      int lead = bytes[length - back] & 0xFF;
      if (lead >= 0x80 && lead < 0xC0) {
        continue;
      }
      int need = lead >= 0xC2 && lead <= 0xDF ? 2
          : lead >= 0xE0 && lead <= 0xEF ? 3
          : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
      if (need <= back) {
        return 0;
      }
      if (back >= 2 && !validSecond(lead, bytes[length - back + 1] & 0xFF)) {
        return 0;
      }
      return back;
    }
    return 0;
  }

  /**
   * Decodes UTF-8 with each maximal ill-formed subpart as one U+FFFD (Unicode's recommended
   * practice, which the Hugging Face tokenizers library follows; Java's decoder can replace an
   * encoded surrogate, three bytes, by one U+FFFD).
   */
  static String lossy(byte[] bytes, int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      int lead = bytes[i] & 0xFF;
      if (lead < 0x80) {
        out.append((char) lead);
        i++;
        continue;
      }
      int need = lead >= 0xC2 && lead <= 0xDF ? 2
          : lead >= 0xE0 && lead <= 0xEF ? 3
          : lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
      int codePoint = lead & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
      int j = i + 1;
      for (int k = 1; k < need && j < to; k++, j++) {
        int next = bytes[j] & 0xFF;
        if (k == 1 ? !validSecond(lead, next) : (next & 0xC0) != 0x80) {
          break;
        }
        codePoint = (codePoint << 6) | (next & 0x3F);
      }
      if (need > 0 && j - i == need) {
        out.appendCodePoint(codePoint);
      } else {
        out.append('\uFFFD');
      }
      i = j;
    }
    return out.toString();
  }

  /** Whether {@code second} may follow {@code lead} in a well-formed character. */
  private static boolean validSecond(int lead, int second) {
    switch (lead) {
      case 0xE0:
        return second >= 0xA0 && second <= 0xBF;
      case 0xED:
        return second >= 0x80 && second <= 0x9F;
      case 0xF0:
        return second >= 0x90 && second <= 0xBF;
      case 0xF4:
        return second >= 0x80 && second <= 0x8F;
      default:
        return second >= 0x80 && second <= 0xBF;
    }
  }
}
