package dev.tokensampler.kernel;

/**
 * The range {@code array[off, off + len)} given to a kernel. The array holds {@code NaN} outside
 * the range, so that a kernel reading past it reports a {@code NaN} that is not there.
 *
 * @param name what the input is, for failure messages
 * @param array the values, with {@code NaN} padding
 * @param off the first index of the range
 * @param len the length of the range
 */
record KernelInput(String name, float[] array, int off, int len) {
  /**
   * A copy of the range alone, followed by {@code pad} {@code NaN}s.
   *
   * @param pad how many {@code NaN}s follow the values
   * @return the new array
   */
  float[] copyOfRange(int pad) {
    float[] copy = new float[len + pad];
    System.arraycopy(array, off, copy, 0, len);
    java.util.Arrays.fill(copy, len, len + pad, Float.NaN);
    return copy;
  }

  @Override
  public String toString() {
    return name;
  }
}
