package dev.tokensampler.stage;

import dev.tokensampler.kernel.ExpChord;
import dev.tokensampler.kernel.Kernels;

/**
 * Sums, counts and a draw over the weights of the logits above a floor, for the whole-vocabulary
 * nucleus ({@link Nucleus}): the weights are those of a {@link StepWeights}, computed from the
 * logits or read where stored. Owns the block sums above the floor of the last
 * {@link #sumWeightsAbove}, which {@link #locateAbove} reads. Logits are raw (without the view's
 * pending scale). Not thread-safe.
 */
final class WeightsAbove {
  private final Kernels kernels;
  private final LogitView view;
  private final StepWeights weights;
  /** Block sums of the weights of the logits above a floor, left by {@link #sumWeightsAbove}. */
  private final float[] aboveSums;

  WeightsAbove(Kernels kernels, LogitView view, StepWeights weights) {
    this.kernels = kernels;
    this.view = view;
    this.weights = weights;
    this.aboveSums = new float[(view.vocabularySize() + Kernels.BLOCK - 1) / Kernels.BLOCK];
  }

  /**
   * The sum of the weights of the logits above {@code floor}, a raw logit (without the pending
   * scale), computed from the logits (see {@link Kernels#sumWeightsAbove}); leaves the block sums
   * for {@link #locateAbove} with the same floor.
   */
  double sumWeightsAbove(float floor, float skipBelow) {
    return kernels.sumWeightsAbove(view.logits(), view.offset(), view.size(), weights.rawMax(),
        view.scale(), floor, skipBelow, aboveSums);
  }

  /** The sum of the stored weights above {@code floor} (see {@link Kernels#sumAbove}). */
  double sumStoredAbove(float floor) {
    return kernels.sumAbove(weights.weights(), 0, view.size(), floor);
  }

  /** The number of stored weights above {@code floor} (see {@link Kernels#countAbove}). */
  int countStoredAbove(float floor) {
    return kernels.countAbove(weights.weights(), 0, view.size(), floor);
  }

  /** The number of candidates whose raw logit is above {@code logit}. */
  int countRawAbove(float logit) {
    return kernels.countAbove(view.logits(), view.offset(), view.size(), logit);
  }

  /**
   * An upper bound on the weights of the logits strictly above that of {@code position}, from the
   * cheap exponential of {@link Kernels#chordSumAbove}: at least the sum {@link #sumWeightsAbove}
   * would return for that logit. Zero, with no pass, for the largest logit; infinite when the
   * position's exponent is below the approximation's domain ({@link ExpChord#MIN_INPUT}).
   */
  double chordBoundAbove(int position) {
    float x = view.raw(position);
    if (x == weights.rawMax()) {
      return 0;
    }
    if (!(weights.exponentOf(position) >= ExpChord.MIN_INPUT)) {
      return Double.POSITIVE_INFINITY;
    }
    return kernels.chordSumAbove(view.logits(), view.offset(), view.size(), weights.rawMax(),
        view.scale(), x) * (1 + ExpChord.SLACK);
  }

  /**
   * Like {@link StepWeights#locate}, over the positions whose raw logit (without the pending scale) is above
   * {@code floor} only: needs the block sums of the last {@link #sumWeightsAbove} with that floor.
   * A target at or past their total, which rounding can produce, gives the last position above
   * the floor.
   */
  int locateAbove(double target, float floor) {
    int size = view.size();
    float[] x = view.logits();
    int o = view.offset();
    int blocks = (size + Kernels.BLOCK - 1) / Kernels.BLOCK;
    double cumulative = 0;
    for (int block = 0; block < blocks; block++) {
      double blockSum = aboveSums[block];
      if (target < cumulative + blockSum) {
        int start = block * Kernels.BLOCK;
        int end = Math.min(start + Kernels.BLOCK, size);
        float[] w = weights.weightsOfBlock(start, end);
        int base = weights.blockBase(start);
        int last = -1;
        for (int i = start; i < end; i++) {
          if (x[o + i] > floor) {
            last = i;
            cumulative += w[i - base];
            if (target < cumulative) {
              return i;
            }
          }
        }
        return last;
      }
      cumulative += blockSum;
    }
    for (int block = blocks - 1; block >= 0; block--) {
      if (aboveSums[block] > 0f) {
        int start = block * Kernels.BLOCK;
        int end = Math.min(start + Kernels.BLOCK, size);
        for (int i = end - 1; i >= start; i--) {
          if (x[o + i] > floor) {
            return i;
          }
        }
      }
    }
    throw new IllegalStateException("no logit above " + floor);
  }
}
