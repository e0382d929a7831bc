package dev.tokensampler.score;

/** The error for a row of logits that breaks the input rule, naming the row and position. */
final class LogitCheck {
  private LogitCheck() {}

  /**
   * The exception for row {@code row} at {@code a[off, off + n)} whose maximum {@code max} is
   * NaN, {@code +Infinity} or {@code -Infinity}.
   */
  static IllegalArgumentException invalidRow(float[] a, int off, int n, int row, float max) {
    if (max == Float.NEGATIVE_INFINITY) {
      return new IllegalArgumentException("logits row " + row
          + ": all V = " + n + " logits are -Infinity; scoring needs one finite logit per row");
    }
    int p = 0;
    while (p < n - 1 && a[off + p] == a[off + p] && a[off + p] != Float.POSITIVE_INFINITY) {
      p++;
    }
    return new IllegalArgumentException("logits row " + row + ", position " + p + ": "
        + a[off + p] + " (scoring needs logits that are finite or -Infinity)");
  }
}
