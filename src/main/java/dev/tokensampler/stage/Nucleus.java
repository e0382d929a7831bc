package dev.tokensampler.stage;

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
 * one round suffices with probability about {@code p}. The weights are never stored: the first
 * draw needs only the block sums of the fused softmax pass and the weights of one block. Each
 * round first bounds {@code A} from above with the cheap exponential of {@link
 * dev.tokensampler.kernel.ExpChord} (a few operations per logit, at most 6.2% above): if the bound
 * is below the target, the token is in, which decides most draws inside the nucleus. Otherwise it
 * computes {@code A} exactly in one pass over the logits that takes the exponential only of the
 * vectors holding a token near or above {@code w_t}; that pass also leaves the block sums above
 * the floor for the next round. The bound only ever skips an exact pass whose answer it already
 * knows, so the tokens are those of the exact test. {@link #materialize} finds the nucleus
 * explicitly for stages that need it: it stores the weights, then binary-searches the float bits of
 * the threshold, one pass per bit.
 *
 * <p>Owns the pending state: {@link #set} leaves a nucleus pending on the whole vocabulary, and
 * the owner resolves it ({@link #materialize}) before anything else reads the candidates.
 */
final class Nucleus {
  /**
   * Exponents this far below the drawn token's are skipped when summing the weights above it. The
   * exponential is non-decreasing and within 2 ulp (about 2.4e-7 relative) of {@code e^y}, so a
   * weight whose exponent is 1e-4 lower is far below the drawn one.
   */
  private static final float SKIP_MARGIN = 1e-4f;
  /**
   * Below this exponent a weight may be subnormal, with a coarser relative error: nothing is
   * skipped.
   */
  private static final float SKIP_LIMIT = -80f;

  private final StepWeights weights;
  private final Truncation truncation;
  private boolean pending;
  private double mass;
  private int minKeep;

  Nucleus(StepWeights weights, Truncation truncation) {
    this.weights = weights;
    this.truncation = truncation;
  }

  boolean isPending() {
    return pending;
  }

  void clear() {
    pending = false;
  }

  /** Leaves pending the nucleus of mass {@code p} over the whole vocabulary's weights. */
  void set(double p, int keep) {
    weights.sum();
    pending = true;
    mass = p;
    minKeep = keep;
  }

  /** Draws a position of the pending nucleus with {@code randomBits}. */
  int draw(long randomBits) {
    double target = target();
    double pool = weights.sum();
    float floor = 0f;
    for (int round = 0; ; round++) {
      long bits = round == 0 ? randomBits : Seeds.derive(randomBits, round - 1);
      double r = Seeds.uniform(bits) * pool;
      int t = round == 0 ? weights.locate(r) : weights.locateAbove(r, floor);
      if (weights.chordBoundAbove(t) < target) {
        return t;
      }
      float wt = weights.weightOf(t);
      float y = weights.exponentOf(t);
      float skipBelow = y < SKIP_LIMIT ? Float.NEGATIVE_INFINITY : y - SKIP_MARGIN;
      double above = weights.sumWeightsAbove(wt, skipBelow);
      if (inNucleus(above, wt, target)) {
        return t;
      }
      floor = wt;
      pool = above;
    }
  }

  /** Turns the pending nucleus into explicit candidates. */
  void materialize() {
    pending = false;
    weights.weights();
    double target = target();
    int lo = 0;
    int hi = Float.floatToRawIntBits(1f);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      float v = Float.intBitsToFloat(mid);
      if (inNucleus(weights.sumStoredAbove(v), v, target)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    if (lo == 0) {
      // Fewer than minKeep tokens have a positive weight: the others are in through minKeep
      // alone, so the nucleus is the minKeep largest logits with their ties.
      truncation.keepLargestOfVocabulary(minKeep);
      return;
    }
    truncation.keepWeightsAtLeast(Float.intBitsToFloat(lo));
  }

  private double target() {
    return mass * weights.sum() * (1 - Candidates.MASS_TOLERANCE);
  }

  private boolean inNucleus(double above, float weight, double target) {
    if (above < target) {
      return true;
    }
    if (minKeep > 1) {
      return weights.countStoredAbove(weight) < minKeep;
    }
    return false;
  }
}
