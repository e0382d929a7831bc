package dev.tokensampler;

import java.util.Random;

/**
 * Logit vectors for tests, drawn from a caller-seeded {@link Random} so that every test is
 * deterministic.
 */
public final class RandomLogits {
  private RandomLogits() {}

  /**
   * Independent Gaussian logits.
   *
   * @param random the source
   * @param n the vocabulary size
   * @param sigma the standard deviation
   * @return {@code n} logits with mean 0
   */
  public static float[] gaussian(Random random, int n, double sigma) {
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) (sigma * random.nextGaussian());
    }
    return logits;
  }

  /**
   * Gaussian logits (sigma 1) with one token far above the rest.
   *
   * @param random the source
   * @param n the vocabulary size
   * @param lead how far the peak stands above the largest other logit
   * @return the logits
   */
  public static float[] peaked(Random random, int n, float lead) {
    float[] logits = gaussian(random, n, 1);
    int peak = random.nextInt(n);
    float max = Float.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    logits[peak] = max + lead;
    return logits;
  }

  /**
   * Logits with many ties: Gaussian values rounded to a grid of {@code step}.
   *
   * @param random the source
   * @param n the vocabulary size
   * @param sigma the standard deviation before rounding
   * @param step the grid spacing
   * @return the logits
   */
  public static float[] tied(Random random, int n, double sigma, double step) {
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) (step * Math.rint(sigma * random.nextGaussian() / step));
    }
    return logits;
  }

  /**
   * Replaces a random fraction of the logits with {@code -Infinity}, always leaving at least one
   * finite logit.
   *
   * @param random the source
   * @param logits changed in place
   * @param fraction the probability that a logit is masked
   * @return {@code logits}
   */
  public static float[] mask(Random random, float[] logits, double fraction) {
    int keep = random.nextInt(logits.length);
    for (int i = 0; i < logits.length; i++) {
      if (i != keep && random.nextDouble() < fraction) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
    return logits;
  }
}
