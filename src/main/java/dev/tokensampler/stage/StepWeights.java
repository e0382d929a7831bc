package dev.tokensampler.stage;

import dev.tokensampler.internal.logits.LogitRule;
import dev.tokensampler.kernel.ExpChord;
import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.random.Seeds;

/**
 * What the softmax of a {@link LogitView} needs, computed once per view and kept until it changes:
 * the validated maximum, the weights {@code exp((x - max) * scale)}, their sum and block sums; and
 * the inversions of the cumulative weights that draw a token. Owns the logit validation of a step:
 * the first maximum pass checks the input rule ({@link LogitRule}).
 *
 * <p>The owner tells it when the view changes: {@link #forget()} after the candidates or logits
 * change, {@link #forgetWeights()} after only the scale changes, {@link #noteWrite} for a single
 * write that may keep the maximum. Not thread-safe.
 */
final class StepWeights {
  private final Kernels kernels;
  private final LogitView view;
  private final float[] blockSums;
  /** Unnormalised probabilities {@code exp((x - max) * scale)}, by candidate position. */
  private float[] weights;
  private final float[] blockWeights = new float[Kernels.BLOCK];
  private final float[] blockWeightSum = new float[1];

  private boolean maxKnown;
  private float max;
  /** The logits of this step were validated, and every write since kept them valid. */
  private boolean validated;
  private boolean weightsKnown;
  private boolean sumKnown;
  private double weightSum;

  StepWeights(Kernels kernels, LogitView view) {
    this.kernels = kernels;
    this.view = view;
    int blocks = (view.vocabularySize() + Kernels.BLOCK - 1) / Kernels.BLOCK;
    this.blockSums = new float[blocks];
  }

  /** A new step: nothing is known. */
  void start() {
    maxKnown = false;
    validated = false;
    weightsKnown = false;
    sumKnown = false;
  }

  /** The candidates or their logits changed: the maximum, weights and sums are unknown. */
  void forget() {
    maxKnown = false;
    forgetWeights();
  }

  /**
   * The scale changed, or the candidates were reordered: the weights and sums are unknown (the
   * block sums and the total depend on the order), the raw maximum is kept.
   */
  void forgetWeights() {
    weightsKnown = false;
    sumKnown = false;
  }

  /**
   * Any number of logits are about to change in ways that may break the input rule (penalties,
   * biases): the maximum is unknown and the next pass validates again.
   */
  void forgetValidation() {
    validated = false;
    forget();
  }

  /** Whether the logits of this step were validated and kept valid since. */
  boolean isValidated() {
    return validated;
  }

  /** The pending scale was folded into the raw logits: so is it into a known maximum. */
  void noteScaleFolded(float factor) {
    if (factor != 1f) {
      // Rounding is monotone and the factor positive, so the largest product is the product of
      // the largest logit, unless it overflowed (which a new pass reports).
      max *= factor;
      maxKnown &= max != Float.POSITIVE_INFINITY;
      validated = maxKnown;
    }
  }

  /**
   * A raw logit is about to change from {@code old} to {@code value} (finite or -Infinity): the
   * maximum stays known unless this candidate held it or the value exceeds it.
   */
  void noteWrite(float old, float value) {
    if (old == max || !(value <= max)) {
      maxKnown = false;
    }
  }

  /** The known raw maximum, or NaN if it is unknown. */
  float knownMax() {
    return maxKnown ? max : Float.NaN;
  }

  /** The maximum is unknown (a write replaced it); the logits stay validated. */
  void forgetMax() {
    maxKnown = false;
  }

  /** The maximum known to be {@code m}, a raw logit of the view, validated. */
  void setMax(float m) {
    max = m;
    maxKnown = true;
    validated = true;
  }

  /** The maximum raw logit of the view, validating the logits on the step's first pass. */
  float rawMax() {
    if (!maxKnown) {
      float m = kernels.max(view.logits(), view.offset(), view.size());
      if (!(m > Float.NEGATIVE_INFINITY && m < Float.POSITIVE_INFINITY)) {
        throw invalidMaximum(m);
      }
      max = m;
      maxKnown = true;
      validated = true;
    }
    return max;
  }

  /**
   * The position of the largest logit, ties to the lowest token id, validating the logits. On the
   * whole vocabulary one SIMD pass ({@link Kernels#argmax}), which also makes the maximum known.
   */
  int maxPosition() {
    if (view.isWhole()) {
      int p = kernels.argmax(view.logits(), view.offset(), view.size());
      if (p < 0) {
        throw invalidAt(-1 - p);
      }
      float m = view.raw(p);
      if (!(m > Float.NEGATIVE_INFINITY && m < Float.POSITIVE_INFINITY)) {
        throw invalidMaximum(m);
      }
      setMax(m);
      return p;
    }
    rawMax();
    float[] x = view.logits();
    int[] ids = view.ids();
    int best = 0;
    for (int i = 1, n = view.size(); i < n; i++) {
      if (x[i] > x[best] || (x[i] == x[best] && ids[i] < ids[best])) {
        best = i;
      }
    }
    return best;
  }

  /**
   * The raw-logit threshold (before the view's scale) equivalent to {@code (logit - max) * scale
   * >= exponent}: the smallest float {@code t} with {@code t >= max + exponent / scale} in double
   * precision, so that {@code logit >= t} holds for exactly the floats at or above the real bound.
   * Never below {@code -Float.MAX_VALUE}, so {@code -Infinity} logits never pass.
   */
  float rawThreshold(double exponent) {
    double bound = rawMax() + exponent / view.scale();
    float t = (float) bound;
    if (t < bound) {
      t = Math.nextUp(t);
    }
    return Math.max(t, -Float.MAX_VALUE);
  }

  /** The error for a maximum that breaks the input rule: names the first NaN or +Infinity. */
  IllegalArgumentException invalidMaximum(float m) {
    if (m == Float.NEGATIVE_INFINITY) {
      return LogitRule.noneFinite("");
    }
    for (int i = 0, n = view.size(); i < n; i++) {
      float x = view.raw(i);
      if (m != m ? x != x : x == m) {
        return invalidAt(i);
      }
    }
    throw new IllegalStateException("no " + m + " found");
  }

  /** The error for logits known to break the input rule: names the first NaN or +Infinity. */
  IllegalArgumentException invalidLogit() {
    return invalidMaximum(kernels.max(view.logits(), view.offset(), view.size()));
  }

  /**
   * The view now holds new logits, the pending scale folded in, whose maximum is {@code m}:
   * validated if {@code m} is finite; if folding the scale overflowed ({@code m} is
   * {@code +Infinity}), unvalidated, so that the next pass reports it.
   */
  void noteMasked(float m) {
    forgetWeights();
    if (m == Float.POSITIVE_INFINITY) {
      maxKnown = false;
      validated = false;
    } else {
      setMax(m);
    }
  }

  /** The error for the invalid raw logit at a position. */
  IllegalArgumentException invalidAt(int position) {
    return LogitRule.invalid(view.nameOf(position), view.raw(position));
  }

  /** The weights of the view, computed if unknown; indexed by position. */
  float[] weights() {
    if (!weightsKnown) {
      float[] w = weightsArray();
      weightSum = kernels.expSum(
          view.logits(), view.offset(), view.size(), rawMax(), view.scale(), w, blockSums);
      weightsKnown = true;
      sumKnown = true;
    }
    return weights;
  }

  private float[] weightsArray() {
    if (weights == null) {
      weights = new float[view.vocabularySize()];
    }
    return weights;
  }

  /** The sum {@code S} of the weights; at least 1. */
  double sum() {
    if (!sumKnown) {
      weightSum = kernels.expSum(
          view.logits(), view.offset(), view.size(), rawMax(), view.scale(), null, blockSums);
      sumKnown = true;
    }
    return weightSum;
  }

  /**
   * The Shannon entropy, in nats, of the probabilities: {@code H = ln S - (sum of w_i y_i) / S},
   * with {@code y_i} the scaled logit minus the maximum, {@code w_i = exp(y_i)} and {@code S}
   * their sum (two fused passes; no logarithm per token).
   */
  double entropy() {
    return Math.log(sum()) - meanExponent();
  }

  /** Draws a position with {@code randomBits}, as the chain's draw does ({@link #locate}). */
  int drawPosition(long randomBits) {
    rawMax();
    return locate(Seeds.uniform(randomBits) * sum());
  }

  /** The mean under the current probabilities of {@code (logit - max) * scale}; at most 0. */
  double meanExponent() {
    float m = rawMax();
    double s = sum();
    return kernels.expExponentSum(view.logits(), view.offset(), view.size(), m, view.scale()) / s;
  }

  /**
   * Writes the probabilities, in position order: 1 at {@code selected} and 0 elsewhere if a
   * position is selected ({@code selected >= 0}).
   */
  void writeProbabilities(float[] out, int selected) {
    int n = view.size();
    if (selected >= 0) {
      java.util.Arrays.fill(out, 0, n, 0f);
      out[selected] = 1f;
      return;
    }
    double s = kernels.expSum(view.logits(), view.offset(), n, rawMax(), view.scale(), out,
        blockSums);
    kernels.multiply(out, n, (float) (1.0 / s));
  }

  /**
   * Writes the natural log-probabilities, in position order: 0 at {@code selected} and
   * {@code -Infinity} elsewhere if a position is selected ({@code selected >= 0}).
   */
  void writeLogProbabilities(float[] out, int selected) {
    if (selected >= 0) {
      java.util.Arrays.fill(out, 0, view.size(), Float.NEGATIVE_INFINITY);
      out[selected] = 0f;
      return;
    }
    float logSum = (float) Math.log(sum());
    kernels.logSoftmax(
        view.logits(), view.offset(), view.size(), rawMax(), view.scale(), logSum, out);
  }

  /**
   * The draw's inversion: the first position whose cumulative weight exceeds {@code target}
   * (for a draw, {@code u = (randomBits >>> 11) * 2^-53} times the total), adding block sums (in
   * double) and then the weights of one block (in double, in order). A target at or past the
   * total, which rounding can produce, gives the last candidate of positive weight.
   */
  int locate(double target) {
    sum();
    int size = view.size();
    int blocks = (size + Kernels.BLOCK - 1) / Kernels.BLOCK;
    double cumulative = 0;
    int block = 0;
    for (; block < blocks - 1; block++) {
      double next = cumulative + blockSums[block];
      if (target < next) {
        break;
      }
      cumulative = next;
    }
    int start = block * Kernels.BLOCK;
    int end = Math.min(start + Kernels.BLOCK, size);
    float[] w = weightsOfBlock(start, end);
    int base = weightsKnown ? 0 : start;
    for (int i = start; i < end; i++) {
      float x = w[i - base];
      if (x > 0f) {
        cumulative += x;
        if (target < cumulative) {
          return i;
        }
      }
    }
    // Rounding put the target at or past the total: take the last candidate of positive weight.
    for (; block >= 0; block--) {
      if (blockSums[block] > 0f) {
        start = block * Kernels.BLOCK;
        end = Math.min(start + Kernels.BLOCK, size);
        w = weightsOfBlock(start, end);
        base = weightsKnown ? 0 : start;
        for (int i = end - 1; i >= start; i--) {
          if (w[i - base] > 0f) {
            return i;
          }
        }
      }
    }
    throw new IllegalStateException("no candidate has a positive weight");
  }

  /**
   * The exponent {@code (x - max) * scale} of the weight of a position, as the kernels compute it.
   */
  float exponentOf(int position) {
    return (view.raw(position) - rawMax()) * view.scale();
  }

  /**
   * The weights of positions {@code [start, end)} of one block: the stored weights (indexed by
   * position) if known, else recomputed by the kernel into a block-sized scratch (indexed from
   * {@code start}, see {@link #blockBase}); elementwise, so the values are the same either way.
   */
  float[] weightsOfBlock(int start, int end) {
    if (weightsKnown) {
      return weights;
    }
    kernels.expSum(view.logits(), view.offset() + start, end - start, max, view.scale(),
        blockWeights, blockWeightSum);
    return blockWeights;
  }

  /** The index in {@link #weightsOfBlock} of position 0: 0 if stored, else {@code -start}. */
  int blockBase(int start) {
    return weightsKnown ? 0 : start;
  }
}
