package dev.tokensampler.stage;

import dev.tokensampler.kernel.Kernels;
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
 *
 * <p>Owns the pending state: {@link #set} leaves a nucleus pending on the whole vocabulary, and
 * the owner resolves it ({@link #materialize}) before anything else reads the candidates.
 * Logits here are raw (without the view's pending scale), as in {@link LogitView#raw}.
 */
final class Nucleus {
  private final LogitView view;
  private final StepWeights weights;
  private final WeightsAbove weightsAbove;
  private final Truncation truncation;
  /** The least and greatest raw logits of the tokens that share the least nucleus weight. */
  private final float[] tiedLogits = new float[2];
  private boolean pending;
  private double mass;
  private int minKeep;

  Nucleus(Kernels kernels, LogitView view, StepWeights weights, Truncation truncation) {
    this.view = view;
    this.weights = weights;
    this.weightsAbove = new WeightsAbove(kernels, view, weights);
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
    float floor = Float.NEGATIVE_INFINITY;
    for (int round = 0; ; round++) {
      long bits = round == 0 ? randomBits : Seeds.derive(randomBits, round - 1);
      double r = Seeds.uniform(bits) * pool;
      int t = round == 0 ? weights.locate(r) : weightsAbove.locateAbove(r, floor);
      if (weightsAbove.chordBoundAbove(t) < target) {
        return t;
      }
      float x = view.raw(t);
      // An exponent below that of x belongs to a logit below x: nothing it skips counts.
      double above = weightsAbove.sumWeightsAbove(x, weights.exponentOf(t));
      if (inNucleus(above, x, target)) {
        return t;
      }
      floor = x;
      pool = above;
    }
  }

  /** Turns the pending nucleus into explicit candidates. */
  void materialize() {
    pending = false;
    weights.weights();
    double target = target();
    // The least weight in the nucleus if equal weights were ties: every token of a larger weight
    // is in the nucleus, and so are those of exactly that weight whose logits are large enough.
    int lo = 0;
    int hi = Float.floatToRawIntBits(1f);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      float v = Float.intBitsToFloat(mid);
      if (weightsAbove.sumStoredAbove(v) < target
          || minKeep > 1 && weightsAbove.countStoredAbove(v) < minKeep) {
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
    int count = truncation.selectWeightsAtLeast(Float.intBitsToFloat(lo), tiedLogits);
    float lowest = tiedLogits[0];
    float highest = tiedLogits[1];
    float cut = lowest < highest
        ? leastLogitIn(lowest, highest, target)
        : Float.NEGATIVE_INFINITY;
    truncation.keepSelectedAtLeast(count, cut);
  }

  /**
   * The least raw logit in {@code [lowest, highest]} whose token would be in the nucleus, searched
   * over the order of the float values; {@code highest} is one.
   */
  private float leastLogitIn(float lowest, float highest, double target) {
    int lo = orderedBits(lowest);
    int hi = orderedBits(highest);
    while (lo < hi) {
      int mid = (int) (((long) lo + hi) >> 1);
      float v = orderedFloat(mid);
      if (inNucleus(weightsAbove.sumWeightsAbove(v, Float.NEGATIVE_INFINITY), v, target)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return orderedFloat(lo);
  }

  /** The bits of a float as an int that orders like the float (negative zero just below zero). */
  private static int orderedBits(float x) {
    int bits = Float.floatToRawIntBits(x);
    return bits ^ ((bits >> 31) & Integer.MAX_VALUE);
  }

  private static float orderedFloat(int ordered) {
    return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & Integer.MAX_VALUE));
  }

  private double target() {
    return mass * weights.sum() * (1 - Candidates.MASS_TOLERANCE);
  }

  /**
   * Whether a token of raw logit {@code logit} is in the nucleus, given the weights of the larger
   * logits.
   */
  private boolean inNucleus(double above, float logit, double target) {
    return above < target || minKeep > 1 && weightsAbove.countRawAbove(logit) < minKeep;
  }
}
