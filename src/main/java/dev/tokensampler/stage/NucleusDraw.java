package dev.tokensampler.stage;

import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.random.Seeds;

/**
 * Top-p over the whole vocabulary without sorting it.
 *
 * <p>With weights {@code w} (unnormalised probabilities) and total {@code S}, token {@code t} is
 * in the nucleus iff the mass strictly above it, {@code A(w_t) = sum of w_i > w_t}, is below
 * {@code p S (1 - 1e-6)}, or fewer than {@code minKeep} tokens lie strictly above it. Both tests
 * only get easier as {@code w_t} grows, so the nucleus is a top set, ties included.
 *
 * <p>{@link #draw} samples it by rejection: draw from the weights above a floor (at first, all);
 * if the token is in the nucleus, return it; otherwise it and everything below it are out, so its
 * weight becomes the floor. Every accepted token is distributed as the renormalised nucleus, and
 * one round suffices with probability about {@code p}. Each round costs one pass computing
 * {@code A}. {@link #materialize} finds the nucleus explicitly for stages that need it: a binary
 * search over the float bits of the threshold, one pass per bit.
 */
final class NucleusDraw {
  private NucleusDraw() {}

  static int draw(Candidates c, long randomBits) {
    float[] w = c.weights;
    int n = c.size;
    double target = target(c);
    double pool = c.weightSum;
    float floor = -1f;
    for (int round = 0; ; round++) {
      long bits = round == 0 ? randomBits : Seeds.derive(randomBits, round - 1);
      double r = Seeds.uniform(bits) * pool;
      int t = round == 0 ? c.locate(r) : locateAbove(c.kernels, w, n, r, floor);
      float wt = w[t];
      double above = c.kernels.sumAbove(w, 0, n, wt);
      if (inNucleus(c, above, wt, target)) {
        return t;
      }
      floor = wt;
      pool = above;
    }
  }

  static void materialize(Candidates c) {
    float[] w = c.weights;
    int n = c.size;
    double target = target(c);
    int lo = 0;
    int hi = Float.floatToRawIntBits(1f);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      float v = Float.intBitsToFloat(mid);
      if (inNucleus(c, c.kernels.sumAbove(w, 0, n, v), v, target)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    if (lo == 0) {
      // Fewer than minKeep tokens have a positive weight: the others are in through minKeep
      // alone, so the nucleus is the minKeep largest logits with their ties.
      TopK.selectFromVocabulary(c, c.nucleusMinKeep);
      return;
    }
    float threshold = Float.intBitsToFloat(lo);
    int[] ids = c.explicitIds();
    float[] logits = c.explicitLogits();
    int count = c.kernels.selectAtLeast(w, 0, n, threshold, ids);
    for (int j = 0; j < count; j++) {
      logits[j] = c.logits[c.offset + ids[j]];
    }
    c.useExplicit(count, false);
  }

  private static double target(Candidates c) {
    return c.nucleusMass * c.weightSum * (1 - Candidates.MASS_TOLERANCE);
  }

  private static boolean inNucleus(Candidates c, double above, float weight, double target) {
    return above < target
        || (c.nucleusMinKeep > 1
            && c.kernels.countAbove(c.weights, c.size, weight) < c.nucleusMinKeep);
  }

  /** Inverts the cumulative weight of the elements above {@code floor}, block by block. */
  private static int locateAbove(Kernels kernels, float[] w, int n, double target, float floor) {
    double cumulative = 0;
    for (int start = 0; start < n; start += Kernels.BLOCK) {
      int end = Math.min(start + Kernels.BLOCK, n);
      double blockSum = kernels.sumAbove(w, start, end, floor);
      if (target < cumulative + blockSum) {
        int last = -1;
        for (int i = start; i < end; i++) {
          if (w[i] > floor) {
            last = i;
            cumulative += w[i];
            if (target < cumulative) {
              return i;
            }
          }
        }
        return last;
      }
      cumulative += blockSum;
    }
    for (int i = n - 1; i >= 0; i--) {
      if (w[i] > floor) {
        return i;
      }
    }
    throw new IllegalStateException("no weight above " + floor);
  }
}
