package dev.tokensampler.score;

import dev.tokensampler.internal.logits.LogitRule;

/** The error for a row of logits that breaks the input rule, in the words of {@link LogitRule}. */
final class LogitCheck {
  private LogitCheck() {}

  /**
   * The exception for row {@code row} at {@code a[off, off + n)} whose maximum {@code max} is
   * NaN, {@code +Infinity} or {@code -Infinity}; the value is named {@code logits[row][j]}.
   */
  static IllegalArgumentException invalidRow(float[] a, int off, int n, int row, float max) {
    if (max == Float.NEGATIVE_INFINITY) {
      return LogitRule.noneFinite("logits row " + row);
    }
    int p = 0;
    while (p < n - 1 && LogitRule.isValid(a[off + p])) {
      p++;
    }
    return LogitRule.invalid("logits[" + row + "][" + p + "]", a[off + p]);
  }
}
