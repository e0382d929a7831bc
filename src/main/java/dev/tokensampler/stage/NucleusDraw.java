package dev.tokensampler.stage;

import dev.tokensampler.random.Seeds;

/**
 * Top-p over the whole vocabulary without sorting it.
 *
 * <p>With weights {@code w} (unnormalised probabilities) and total {@code S}, token {@code t} is
 * in the nucleus iff the mass of the tokens with a strictly larger logit, {@code A(x_t) = sum of
 * w_i over x_i > x_t}, is below {@code p S (1 - 1e-6)}, or fewer than {@code minKeep} tokens have
 * a strictly larger logit. Both tests only get easier as {@code x_t} grows, so the nucleus is a
 * top set of logits, ties (equal logits) included. Two different logits are never a tie, even
 * where their float weights are equal, so the nucleus is the one {@link TopP} keeps from explicit
 * candidates.
 *
 * <p>{@link #draw} samples it by rejection: draw from the weights of the logits above a floor (at
 * first, all); if the token is in the nucleus, return it; otherwise it and everything below it
 * are out, so its logit becomes the floor. Every accepted token is distributed as the
 * renormalised nucleus, and one round suffices with probability about {@code p}. The weights are
 * never stored: the first draw needs only the block sums of the fused softmax pass and the
 * weights of one block. Each round first bounds {@code A} from above with the cheap exponential
 * of {@link dev.tokensampler.kernel.ExpChord} (a few operations per logit, at most 6.2% above):
 * if the bound is below the target, the token is in, which decides most draws inside the
 * nucleus. Otherwise it computes {@code A} exactly in one pass over the logits that takes the
 * exponential only of the vectors holding a token at or above {@code x_t}; that pass also leaves
 * the block sums above the floor for the next round. The bound only ever skips an exact pass
 * whose answer it already knows, so the tokens are those of the exact test. {@link #materialize}
 * finds the nucleus explicitly for stages that need it: it stores the weights, binary-searches
 * the float bits of the least weight in the nucleus, one pass per bit, and then, only where
 * tokens of different logits share that weight, the logits of those tokens.
 */
final class NucleusDraw {
  private NucleusDraw() {}

  static int draw(Candidates c, long randomBits) {
    double target = target(c);
    double pool = c.weightSum;
    float floor = Float.NEGATIVE_INFINITY;
    for (int round = 0; ; round++) {
      long bits = round == 0 ? randomBits : Seeds.derive(randomBits, round - 1);
      double r = Seeds.uniform(bits) * pool;
      int t = round == 0 ? c.locate(r) : c.locateAbove(r, floor);
      if (c.chordBoundAbove(t) < target) {
        return t;
      }
      float x = c.logits[c.offset + t];
      // An exponent below that of x belongs to a logit below x: nothing it skips counts.
      double above = c.sumWeightsAbove(x, c.exponentOf(t));
      if (inNucleus(c, above, x, target)) {
        return t;
      }
      floor = x;
      pool = above;
    }
  }

  static void materialize(Candidates c) {
    c.ensureWeights();
    float[] w = c.weights;
    int n = c.size;
    double target = target(c);
    // The least weight in the nucleus if equal weights were ties: every token of a larger weight
    // is in the nucleus, and so are those of exactly that weight whose logits are large enough.
    int lo = 0;
    int hi = Float.floatToRawIntBits(1f);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      float v = Float.intBitsToFloat(mid);
      double above = c.kernels.sumAbove(w, 0, n, v);
      if (above < target
          || c.nucleusMinKeep > 1 && c.kernels.countAbove(w, 0, n, v) < c.nucleusMinKeep) {
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
    float lowest = Float.POSITIVE_INFINITY;
    float highest = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < count; j++) {
      float x = c.logits[c.offset + ids[j]];
      logits[j] = x;
      if (w[ids[j]] == threshold) {
        lowest = Math.min(lowest, x);
        highest = Math.max(highest, x);
      }
    }
    if (lowest < highest) {
      count = keepAtLeast(ids, logits, count, leastLogitIn(c, lowest, highest, target));
    }
    c.useExplicit(count, false);
  }

  /**
   * The least logit in {@code [lowest, highest]} whose token would be in the nucleus, searched
   * over the order of the float values; {@code highest} is one.
   */
  private static float leastLogitIn(Candidates c, float lowest, float highest, double target) {
    int lo = orderedBits(lowest);
    int hi = orderedBits(highest);
    while (lo < hi) {
      int mid = (int) (((long) lo + hi) >> 1);
      float v = orderedFloat(mid);
      if (inNucleus(c, c.sumWeightsAbove(v, Float.NEGATIVE_INFINITY), v, target)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return orderedFloat(lo);
  }

  /** Keeps the candidates whose logit is at least {@code cut}, in order; returns how many. */
  private static int keepAtLeast(int[] ids, float[] logits, int count, float cut) {
    int kept = 0;
    for (int j = 0; j < count; j++) {
      if (logits[j] >= cut) {
        ids[kept] = ids[j];
        logits[kept] = logits[j];
        kept++;
      }
    }
    return kept;
  }

  /** The bits of a float as an int that orders like the float (negative zero just below zero). */
  private static int orderedBits(float x) {
    int bits = Float.floatToRawIntBits(x);
    return bits ^ ((bits >> 31) & Integer.MAX_VALUE);
  }

  private static float orderedFloat(int ordered) {
    return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & Integer.MAX_VALUE));
  }

  private static double target(Candidates c) {
    return c.nucleusMass * c.weightSum * (1 - Candidates.MASS_TOLERANCE);
  }

  /**
   * Whether a token of logit {@code logit} is in the nucleus, given the weights of the larger
   * logits.
   */
  private static boolean inNucleus(Candidates c, double above, float logit, double target) {
    return above < target
        || c.nucleusMinKeep > 1
            && c.kernels.countAbove(c.logits, c.offset, c.size, logit) < c.nucleusMinKeep;
  }
}
