package dev.tokensampler.stage;

/**
 * Top-n-sigma sampling (Tang et al., 2024, "Top-nσ: Not All Logits Are You Need"): keeps the
 * candidates whose logit is within {@code n} standard deviations of the largest.
 *
 * <p>Rule: over the finite logits of the current candidates, {@code mu} is the mean and
 * {@code sigma} the population standard deviation ({@code sqrt(sum (x - mu)^2 / count)}); candidate
 * {@code i} is kept iff {@code x_i >= max - n * sigma}. The rule does not depend on the
 * temperature (a factor scales {@code max} and {@code sigma} alike), so the raw logits are used.
 * Ties are kept or dropped together; the largest logit and its ties always pass, so {@code n = 0}
 * keeps only them (greedy, as in the llama.cpp test vector {@code top_n_sigma(0)}). Two passes in
 * double precision (mean, then squared deviations) and one comparison pass; no sort.
 *
 * <p>Source: llama.cpp's {@code top_n_sigma} sampler (parameter {@code top_n_sigma}; the command
 * line default {@code -1} disables it there, as does omitting this stage here), in its later form
 * (llama.cpp PR 13345) that leaves {@code -Infinity} logits out of the mean and deviation. llama.cpp
 * masks the removed tokens with {@code -Infinity}; here they leave the candidates, which gives the
 * same probabilities (but a smaller candidate count for a {@link DynamicTemperature} right after
 * it: see there). llama.cpp treats {@code n <= 0} as disabled; here
 * {@code n = 0} keeps the formula's meaning. Hugging Face transformers has no such stage.
 * Stateless and immutable.
 */
public final class TopNSigma implements Stage {
  private final float n;

  /**
   * A top-n-sigma stage.
   *
   * @param n {@code top_n_sigma}, the number of standard deviations, finite and {@code >= 0}
   * @throws IllegalArgumentException if {@code n} is negative, NaN or infinite
   */
  public TopNSigma(float n) {
    if (!(n >= 0f) || n == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("top_n_sigma must be finite and >= 0, got " + n);
    }
    this.n = n + 0f;
  }

  /**
   * The number of standard deviations.
   *
   * @return {@code n}
   */
  public float n() {
    return n;
  }

  @Override
  public void apply(Candidates c) {
    float max = c.rawMax();
    LogitView view = c.logitView();
    float[] x = view.logits();
    int from = view.offset();
    int to = from + c.size();
    double sum = 0;
    int count = 0;
    for (int i = from; i < to; i++) {
      if (x[i] != Float.NEGATIVE_INFINITY) {
        sum += x[i];
        count++;
      }
    }
    double mean = sum / count;
    double squares = 0;
    for (int i = from; i < to; i++) {
      if (x[i] != Float.NEGATIVE_INFINITY) {
        double d = x[i] - mean;
        squares += d * d;
      }
    }
    double sigma = Math.sqrt(squares / count);
    double bound = max - n * sigma;
    float threshold = (float) bound;
    if (threshold < bound) {
      threshold = Math.nextUp(threshold);
    }
    c.truncation().keepAtLeast(Math.max(threshold, -Float.MAX_VALUE), 1);
  }

  @Override
  public String toString() {
    return "top_n_sigma=" + n;
  }
}
