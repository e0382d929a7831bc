package dev.tokensampler.stage;

/**
 * Top-H (transformers' {@code TopHLogitsWarper}, {@code top_h}; Potraghloo et al., 2025, "Top-H
 * Decoding"): entropy-bounded truncation over the 100 most likely candidates.
 *
 * <p>Rule: take the {@code n = min(100, candidates)} largest logits, most likely first (ties to
 * the lower token id), and their probabilities {@code p_i} renormalised over these {@code n};
 * the entropy terms {@code h_i = -p_i ln p_i} summed in that order give {@code H}, their entropy.
 * Keep the longest prefix whose running sum of terms is at most {@code top_h * H}, at least the
 * first candidate; a candidate of probability 0 ends the prefix (in transformers its term is
 * NaN). Everything else, the candidates beyond the first 100 included, is removed.
 *
 * <p>Differences from transformers: sums are in double (transformers: float32), and {@code H} is
 * the sum of the terms in order, so {@code top_h = 1} keeps every candidate of positive
 * probability among the first 100 exactly (transformers computes {@code H} by a separate
 * reduction, equal up to rounding); ties at the 100th logit go to the lower ids (transformers:
 * {@code torch.topk}'s order). Stateless.
 */
public final class TopH implements Stage {
  /** The most candidates considered, transformers' {@code top_n}. */
  public static final int TOP_N = 100;

  private final float topH;
  private int[] order = new int[0];
  private float[] logits = new float[0];
  private int[] kept = new int[0];

  /**
   * A top-H stage.
   *
   * @param topH {@code top_h}, in {@code (0, 1]}
   * @throws IllegalArgumentException if {@code topH} is outside {@code (0, 1]}
   */
  public TopH(float topH) {
    if (!(topH > 0f && topH <= 1f)) {
      throw new IllegalArgumentException("top_h must be in (0, 1], got " + topH);
    }
    this.topH = topH;
  }

  /** @return {@code top_h} */
  public float topH() {
    return topH;
  }

  @Override
  public void apply(Candidates c) {
    c.keepLargest(TOP_N);
    int m = c.size();
    if (order.length < m) {
      order = new int[m];
      logits = new float[m];
      kept = new int[m];
    }
    // Candidate positions by logit, largest first, ties to the lower id (insertion sort, m ~ 100).
    for (int i = 0; i < m; i++) {
      float x = c.logit(i);
      int id = c.id(i);
      int slot = i;
      while (slot > 0 && (x > logits[slot - 1]
          || (x == logits[slot - 1] && id < c.id(order[slot - 1])))) {
        order[slot] = order[slot - 1];
        logits[slot] = logits[slot - 1];
        slot--;
      }
      order[slot] = i;
      logits[slot] = x;
    }
    int n = Math.min(TOP_N, m);
    double max = logits[0];
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += Math.exp(logits[j] - max);
    }
    double entropy = 0;
    for (int j = 0; j < n; j++) {
      double p = Math.exp(logits[j] - max) / sum;
      if (p > 0) {
        entropy -= p * Math.log(p);
      }
    }
    double tau = entropy * topH;
    int count = 1;
    double cumulative = term(logits[0], max, sum);
    for (int j = 1; j < n; j++) {
      double p = Math.exp(logits[j] - max) / sum;
      if (!(p > 0)) {
        break;
      }
      cumulative -= p * Math.log(p);
      if (!(cumulative <= tau)) {
        break;
      }
      count = j + 1;
    }
    for (int j = 0; j < count; j++) {
      kept[j] = c.id(order[j]);
    }
    java.util.Arrays.sort(kept, 0, count);
    c.rawMax();
    c.truncation().keepTokens(kept, count);
  }

  private static double term(float logit, double max, double sum) {
    double p = Math.exp(logit - max) / sum;
    return p > 0 ? -p * Math.log(p) : 0;
  }

  @Override
  public String toString() {
    return "top_h=" + topH;
  }
}
