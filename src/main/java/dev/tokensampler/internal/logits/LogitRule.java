package dev.tokensampler.internal.logits;

/**
 * The input rule for logits, stated and worded in this one place: every logit is finite or
 * {@code -Infinity} (a masked token), and at least one is finite. Every check of the library, on
 * the sampler's input, a speculative target row or the raw values of log-probabilities, throws
 * the exceptions made here, so a caller sees the same words whichever path found the value.
 *
 * <p>Not part of the public API: the package is not exported.
 */
public final class LogitRule {
  private static final String RULE = "logits must be finite or -Infinity";

  private LogitRule() {}

  /**
   * Whether a logit obeys the rule on its own: finite or {@code -Infinity}.
   *
   * @param x the logit
   * @return false for NaN and {@code +Infinity}
   */
  public static boolean isValid(float x) {
    return x == x && x != Float.POSITIVE_INFINITY;
  }

  /**
   * The error for an invalid logit.
   *
   * @param name where the value is, e.g. {@code logits[7]}
   * @param value the value, NaN or {@code +Infinity}
   * @return the exception, naming the place and the value
   */
  public static IllegalArgumentException invalid(String name, float value) {
    if (value != value) {
      return new IllegalArgumentException(name + " is NaN; " + RULE);
    }
    return new IllegalArgumentException(
        name + " is +Infinity; " + RULE + " (to force a token, mask the others with -Infinity)");
  }

  /**
   * The error for logits that are all {@code -Infinity}.
   *
   * @param context what was checked, prefixed to the message, or empty
   * @return the exception
   */
  public static IllegalArgumentException noneFinite(String context) {
    return new IllegalArgumentException((context.isEmpty() ? "" : context + ": ")
        + "every logit is -Infinity: at least one token must be allowed");
  }

  /**
   * Checks row {@code row} of a matrix of logits, {@code a[off, off + len)}, in index order: the
   * first invalid value throws, named {@code matrix[row][j]}; then all {@code -Infinity} throws.
   * Builds no message unless it throws.
   *
   * @param a the logits
   * @param off index of the row's first logit
   * @param len the row length, at least 1
   * @param matrix the name of the matrix in messages, e.g. {@code targetLogits}
   * @param row the row index in messages
   * @throws IllegalArgumentException if the rule is broken
   */
  public static void checkRow(float[] a, int off, int len, String matrix, int row) {
    boolean anyFinite = false;
    for (int j = 0; j < len; j++) {
      float x = a[off + j];
      if (!isValid(x)) {
        throw invalid(matrix + "[" + row + "][" + j + "]", x);
      }
      anyFinite |= x != Float.NEGATIVE_INFINITY;
    }
    if (!anyFinite) {
      throw noneFinite(matrix + " row " + row);
    }
  }
}
