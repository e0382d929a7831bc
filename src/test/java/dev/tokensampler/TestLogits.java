package dev.tokensampler;

import java.util.Random;

/** Logit vectors for tests, reproducible from a seed. */
final class TestLogits {
  private TestLogits() {}

  /**
   * Independent Gaussian logits.
   *
   * @param n the vocabulary size
   * @param sigma the standard deviation
   * @param seed the seed of {@link Random}
   * @return {@code n} logits with mean 0
   */
  static float[] gaussian(int n, double sigma, long seed) {
    Random random = new Random(seed);
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) (random.nextGaussian() * sigma);
    }
    return logits;
  }

  /**
   * Gaussian logits rounded to multiples of {@code 2^-10} and kept within (-32, 32), so the
   * difference of any two is a float computed without rounding: a softmax of them can be compared
   * with a double-precision reference to a few ulps.
   *
   * @param n the vocabulary size
   * @param sigma the standard deviation, well below 32
   * @param seed the seed of {@link Random}
   * @return {@code n} logits
   */
  static float[] gaussianOnGrid(int n, double sigma, long seed) {
    float[] logits = gaussian(n, sigma, seed);
    for (int i = 0; i < n; i++) {
      double clamped = Math.max(-31, Math.min(31, logits[i]));
      logits[i] = (float) (Math.rint(clamped * 1024) / 1024);
    }
    return logits;
  }
}
