package dev.tokensampler.djl;

import java.util.Arrays;

/** For the adapter tests: 16-bit roundings of logits, one row of a {@code [B, T, V]} array. */
final class DjlRows {
  private DjlRows() {}

  /**
   * Each value rounded to the nearest bfloat16 (ties to even), as a float; finite inputs only.
   *
   * @param values the floats
   * @return a new array of bfloat16 values
   */
  static float[] roundToBfloat16(float[] values) {
    float[] rounded = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      int bits = Float.floatToRawIntBits(values[i]);
      int roundingBias = 0x7fff + ((bits >>> 16) & 1);
      rounded[i] = Float.intBitsToFloat(((bits + roundingBias) >>> 16) << 16);
    }
    return rounded;
  }

  /**
   * The last-position row {@code r} of a row-major {@code [B, T, V]} array.
   *
   * @param values the {@code B * T * V} values
   * @param r the batch row
   * @param positions T
   * @param vocabulary V
   * @return a new array of V values
   */
  static float[] lastPosition(float[] values, int r, int positions, int vocabulary) {
    int start = (r * positions + positions - 1) * vocabulary;
    return Arrays.copyOfRange(values, start, start + vocabulary);
  }
}
