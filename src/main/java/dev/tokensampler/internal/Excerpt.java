package dev.tokensampler.internal;

/**
 * How error messages quote input that came from outside (spec text, JSON values, names read from a
 * saved state): at most {@link #MAX_CHARS} characters of it, with control and format characters
 * escaped, so that a huge value gives a short message and a value holding line breaks cannot
 * forge lines in a log.
 */
public final class Excerpt {
  /** The most characters of the input a message quotes. */
  public static final int MAX_CHARS = 80;

  private Excerpt() {}

  /**
   * The text as a message quotes it: the text itself if short, else its first {@link #MAX_CHARS}
   * characters followed by {@code ... (N characters)}; {@code \n}, {@code \r}, {@code \t} and
   * {@code \\} written as such and every other control or format character (NUL, U+FEFF, bidi
   * controls, ...) as {@code \\uXXXX}.
   *
   * @param text any text; null gives {@code "null"}
   * @return the excerpt
   */
  public static String of(CharSequence text) {
    if (text == null) {
      return "null";
    }
    int length = text.length();
    int shown = Math.min(length, MAX_CHARS);
    if (shown < length && Character.isHighSurrogate(text.charAt(shown - 1))) {
      shown--;
    }
    StringBuilder out = new StringBuilder(shown + 24);
    for (int i = 0; i < shown; i++) {
      appendEscaped(out, text.charAt(i));
    }
    if (shown < length) {
      out.append("... (").append(length).append(" characters)");
    }
    return out.toString();
  }

  /**
   * {@link #of(CharSequence)} of {@code String.valueOf(value)}, for values whose text may be long
   * (JSON elements), built only up to what is shown.
   *
   * @param value any object
   * @return the excerpt
   */
  public static String of(Object value) {
    return of(value == null ? null : String.valueOf(value));
  }

  /**
   * One character as {@link #of(CharSequence)} writes it.
   *
   * @param c the character
   * @return the character, or its escape
   */
  public static String character(char c) {
    StringBuilder out = new StringBuilder(6);
    appendEscaped(out, c);
    return out.toString();
  }

  /**
   * Whether {@link #of(CharSequence)} escapes the character (a control or format character).
   *
   * @param c the character
   * @return true for a control or format character
   */
  public static boolean isEscaped(char c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT
        || c == '\u2028' || c == '\u2029';
  }

  private static void appendEscaped(StringBuilder out, char c) {
    switch (c) {
      case '\n':
        out.append("\\n");
        return;
      case '\r':
        out.append("\\r");
        return;
      case '\t':
        out.append("\\t");
        return;
      case '\\':
        out.append("\\\\");
        return;
      default:
        if (isEscaped(c)) {
          out.append(String.format("\\u%04X", (int) c));
        } else {
          out.append(c);
        }
    }
  }
}
