package dev.tokensampler.stage;

import java.util.Arrays;

/**
 * Hugging Face's top-k and top-p rules, written with a sort and double precision, over the
 * candidates whose logit is not {@code -Infinity} (the others have probability 0 and are never
 * compared).
 *
 * <p>Top-k keeps every token whose logit is at least the k-th largest. Top-p keeps token
 * {@code i} iff the probability mass of the tokens strictly more probable than {@code i} is
 * below {@code p}, or fewer than {@code minKeep} tokens are strictly more probable; {@code p = 1}
 * keeps everything. Both keep a prefix of the candidates sorted by decreasing logit, so results
 * are prefix lengths.
 */
final class ReferenceSelection {
  /** A boundary mass within this relative distance of {@code p} is float-fragile. */
  static final double FRAGILE = 1e-5;

  private ReferenceSelection() {}

  /**
   * The ids whose logit is not {@code -Infinity}, by decreasing logit (ties by increasing id).
   *
   * @param logits the logits of the whole vocabulary
   * @param ids the candidate ids
   * @return the sorted ids
   */
  static int[] sortedByLogit(float[] logits, int[] ids) {
    long[] keys = new long[ids.length];
    int n = 0;
    for (int id : ids) {
      if (logits[id] != Float.NEGATIVE_INFINITY) {
        // A float's bits, flipped for negative values, order as signed ints; negate for
        // decreasing order. The id breaks ties.
        int bits = Float.floatToIntBits(logits[id] + 0f);
        int ordered = bits >= 0 ? bits : bits ^ 0x7fffffff;
        keys[n++] = (-(long) ordered << 32) + id;
      }
    }
    Arrays.sort(keys, 0, n);
    int[] sorted = new int[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = (int) (keys[i] & 0xffffffffL);
    }
    return sorted;
  }

  /**
   * Top-k.
   *
   * @param logits the logits of the whole vocabulary
   * @param sorted the candidates from {@link #sortedByLogit}
   * @param k the number to keep, 0 for all
   * @return how many of {@code sorted} survive
   */
  static int topK(float[] logits, int[] sorted, int k) {
    if (k == 0 || k >= sorted.length) {
      return sorted.length;
    }
    float kth = logits[sorted[k - 1]];
    int count = k;
    while (count < sorted.length && logits[sorted[count]] == kth) {
      count++;
    }
    return count;
  }

  /**
   * Top-p over the first {@code n} of {@code sorted}, with probabilities renormalised over them.
   *
   * @param logits the logits of the whole vocabulary
   * @param sorted the candidates from {@link #sortedByLogit}
   * @param n how many of them are candidates
   * @param p the mass
   * @param minKeep the fewest to keep
   * @return the number of survivors and whether the decision is float-fragile
   */
  static Nucleus topP(float[] logits, int[] sorted, int n, double p, int minKeep) {
    if (p >= 1) {
      return new Nucleus(n, false);
    }
    double max = logits[sorted[0]];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.exp(logits[sorted[i]] - max);
    }
    double massBefore = 0;
    double running = 0;
    boolean fragile = false;
    int keep = n;
    for (int i = 0; i < n; i++) {
      boolean groupStart = i == 0 || logits[sorted[i]] != logits[sorted[i - 1]];
      if (groupStart) {
        massBefore = running;
        if (i >= minKeep && Math.abs(massBefore - p) <= FRAGILE * p) {
          fragile = true;
        }
        if (!(massBefore < p || i < minKeep)) {
          keep = i;
          break;
        }
      }
      running += Math.exp(logits[sorted[i]] - max) / sum;
    }
    return new Nucleus(keep, fragile);
  }

  /**
   * The result of top-p.
   *
   * @param count how many of the sorted candidates survive
   * @param fragile whether a group's preceding mass lies within {@link #FRAGILE} of {@code p},
   *     so that float rounding may decide it either way
   */
  record Nucleus(int count, boolean fragile) {}
}
