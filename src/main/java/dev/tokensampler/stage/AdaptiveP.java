package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Adaptive-p (llama.cpp's {@code adaptive_p} sampler, {@code llama_sampler_init_adaptive_p}):
 * steers selection towards tokens of a target probability, adapting the target to the
 * probabilities of the tokens selected so far. It draws the token itself and selects it, so it
 * ends a chain, like mirostat.
 *
 * <p>Rule, each step, with {@code p_i} the probabilities of the current candidates (after the
 * stages before it): the adapted target is {@code clamp(2 * target - S / W, 0, 1)} (just
 * {@code target} while {@code W = 0}); every candidate whose logit is not {@code -Infinity} gets
 * the logit {@code 5 - 10 d^2 / (1 + d)} with {@code d = |p_i - adapted| / 0.3}; one token is
 * drawn from the softmax of these logits and selected. When the sampler then accepts that token,
 * {@code S <- p_selected + decay * S} and {@code W <- 1 + decay * W}, where {@code p_selected} is
 * its probability before the transform. {@code S} starts at {@code target / (1 - decay)} and
 * {@code W} at {@code 1 / (1 - decay)} (as if every earlier token had the target probability),
 * and return there on {@link #reset()}. A negative target disables the transform: the stage then
 * draws from the current distribution. Float arithmetic throughout, as in llama.cpp.
 *
 * <p>Differences from llama.cpp: the draw uses the step's random value ({@link
 * Candidates#randomBits()}, inverting the cumulative distribution in candidate order) instead of
 * a {@code std::mt19937} of its own, so for equal inputs the probabilities are llama.cpp's but the
 * drawn tokens are not; {@code decay} outside {@code [0, 0.99]} and a target above 1 are errors
 * here (llama.cpp clamps them silently); probabilities are computed by the library's kernels
 * (within a few float ulps of llama.cpp's softmax). Stateful: {@code S}, {@code W} and the
 * pending token are saved and restored with the sampler.
 */
public final class AdaptiveP implements Stage {
  private static final float DISTRIBUTION_WIDTH = 0.3f;
  private static final float PEAK_LOGIT_VALUE = 5.0f;
  private static final float SHARPNESS = 10.0f;
  private static final float INV_WIDTH = 1.0f / DISTRIBUTION_WIDTH;

  private final float target;
  private final float decay;
  private float weightedSum;
  private float totalWeight;
  private int pendingToken = -1;
  private float pendingProbability;
  private float[] original = new float[0];

  /**
   * An adaptive-p stage.
   *
   * @param target {@code adaptive_target}: the probability to steer towards, at most 1; negative
   *     disables the transform (a plain draw)
   * @param decay {@code adaptive_decay}: the EMA decay, in {@code [0, 0.99]} (history about
   *     {@code 1 / (1 - decay)} tokens)
   * @throws IllegalArgumentException for a target above 1 or NaN, or a decay out of range
   */
  public AdaptiveP(float target, float decay) {
    if (!(target <= 1f)) {
      throw new IllegalArgumentException(
          "adaptive_target must be <= 1 (negative: off), got " + target);
    }
    if (!(decay >= 0f && decay <= 0.99f)) {
      throw new IllegalArgumentException("adaptive_decay must be in [0, 0.99], got " + decay);
    }
    this.target = target;
    this.decay = decay;
    reset();
  }

  /** @return {@code adaptive_target} */
  public float target() {
    return target;
  }

  /** @return {@code adaptive_decay} */
  public float decay() {
    return decay;
  }

  /**
   * The target of the next step: {@code clamp(2 * target - S / W, 0, 1)}.
   *
   * @return the adapted target
   */
  public float adaptedTarget() {
    float t = Math.max(0f, Math.min(1f, target));
    float adapted = totalWeight == 0f ? t : 2.0f * t - (weightedSum / totalWeight);
    return Math.max(0f, Math.min(1f, adapted));
  }

  @Override
  public void apply(Candidates c) {
    if (target < 0f) {
      c.select(c.stepWeights().drawPosition(c.randomBits()));
      return;
    }
    transform(c);
    int position = c.stepWeights().drawPosition(c.randomBits());
    pendingToken = c.id(position);
    pendingProbability = original[position];
    c.select(position);
  }

  /** Writes the transformed logits: everything of {@link #apply} but the draw. */
  void transform(Candidates c) {
    int n = c.size();
    if (original.length < n) {
      original = new float[c.vocabularySize()];
    }
    c.writeProbabilities(original);
    float adapted = adaptedTarget();
    c.writes().edit();
    for (int i = 0; i < n; i++) {
      if (c.logit(i) == Float.NEGATIVE_INFINITY) {
        continue;
      }
      float dist = Math.abs((original[i] - adapted) * INV_WIDTH);
      c.writes().write(i, PEAK_LOGIT_VALUE - SHARPNESS * dist * dist / (1.0f + dist));
    }
  }

  @Override
  public void accept(int token) {
    if (pendingToken >= 0 && pendingToken == token) {
      weightedSum = pendingProbability + decay * weightedSum;
      totalWeight = 1.0f + decay * totalWeight;
    }
    pendingToken = -1;
  }

  @Override
  public void reset() {
    weightedSum = target / (1.0f - decay);
    totalWeight = 1.0f / (1.0f - decay);
    pendingToken = -1;
  }

  @Override
  public void saveState(DataOutput out) throws IOException {
    out.writeFloat(weightedSum);
    out.writeFloat(totalWeight);
    out.writeInt(pendingToken);
    out.writeFloat(pendingProbability);
  }

  @Override
  public void restoreState(DataInput in) throws IOException {
    float s = in.readFloat();
    float w = in.readFloat();
    int token = in.readInt();
    float p = in.readFloat();
    if (!Float.isFinite(s) || !Float.isFinite(w) || w < 0f || token < -1 || !(p >= 0f && p <= 1f)) {
      throw new IOException("not an adaptive-p state: S=" + s + ", W=" + w + ", token=" + token
          + ", p=" + p);
    }
    weightedSum = s;
    totalWeight = w;
    pendingToken = token;
    pendingProbability = p;
  }

  @Override
  public Stage copy() {
    AdaptiveP copy = new AdaptiveP(target, decay);
    copy.weightedSum = weightedSum;
    copy.totalWeight = totalWeight;
    copy.pendingToken = pendingToken;
    copy.pendingProbability = pendingProbability;
    return copy;
  }

  @Override
  public String toString() {
    return "adaptive_target=" + target + ",adaptive_decay=" + decay;
  }
}
