package dev.tokensampler.stage;

import dev.tokensampler.random.Seeds;

/**
 * Exclude Top Choices (XTC): with probability {@code xtc_probability}, removes every candidate
 * whose probability is at least {@code xtc_threshold} except the least probable of them, steering
 * away from the most predictable tokens while keeping one viable choice.
 *
 * <p>Rule: under the softmax of the current candidates, let {@code A} be the candidates with
 * {@code p_i >= xtc_threshold} (within one part in a million). With probability
 * {@code xtc_probability}, if {@code A} holds at least two candidates, every candidate of
 * {@code A} strictly more probable than the least probable member of {@code A} is removed; the
 * least probable members (all of them, if tied) and every candidate below the threshold stay.
 * Nothing is removed if that would leave fewer than {@code min_tokens_to_keep} unmasked
 * candidates (a logit of {@code -Infinity} does not count, as for the other stages'
 * {@code min_tokens_to_keep}), or if the candidates of {@code A} are all tied. Removing also drops
 * the masked candidates. Probabilities are renormalised over the survivors by any later stage or
 * the draw.
 *
 * <p>Randomness: the gate is applied iff {@code u < xtc_probability} with
 * {@code u = Seeds.uniform(Seeds.derive(candidates.randomBits(), SALT))}, so it is a deterministic
 * function of the step's one random value and independent of the final draw; with
 * {@code xtc_probability = 1} no random value is used. The logits are validated before the value
 * is taken.
 *
 * <p>Source: llama.cpp's {@code xtc} sampler ({@code xtc_probability} in {@code [0, 1]}, default 0
 * (off); {@code xtc_threshold} default 0.1, and above 0.5 it does nothing since at most one token
 * can exceed it). llama.cpp keeps exactly one token of a tie at the least probable level (whichever
 * its unstable sort puts last) and uses a generator of its own; here ties are kept together and
 * the step's value is used. Hugging Face transformers has no such stage. Stateless and immutable.
 */
public final class Xtc implements Stage {
  /** The derivation index of the gate's random value ({@link Seeds#derive(long, int)}). */
  public static final int SALT = 0x58544300;

  private final float probability;
  private final float threshold;
  private final int minTokensToKeep;
  private final double logThreshold;

  /**
   * An XTC stage keeping at least one token.
   *
   * @param probability {@code xtc_probability}, in {@code [0, 1]}; 0 disables the stage
   * @param threshold {@code xtc_threshold}, in {@code (0, 1]}
   * @throws IllegalArgumentException if a parameter is outside its range or NaN
   */
  public Xtc(float probability, float threshold) {
    this(probability, threshold, 1);
  }

  /**
   * An XTC stage.
   *
   * @param probability {@code xtc_probability}, in {@code [0, 1]}; 0 disables the stage
   * @param threshold {@code xtc_threshold}, in {@code (0, 1]}
   * @param minTokensToKeep {@code min_keep}, at least 1
   * @throws IllegalArgumentException if a parameter is outside its range or NaN
   */
  public Xtc(float probability, float threshold, int minTokensToKeep) {
    if (!(probability >= 0f && probability <= 1f)) {
      throw new IllegalArgumentException("xtc_probability must be in [0, 1], got " + probability);
    }
    if (!(threshold > 0f && threshold <= 1f)) {
      throw new IllegalArgumentException("xtc_threshold must be in (0, 1], got " + threshold);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("min_tokens_to_keep must be >= 1, got " + minTokensToKeep);
    }
    this.probability = probability;
    this.threshold = threshold;
    this.minTokensToKeep = minTokensToKeep;
    this.logThreshold = Math.log(threshold * (1 - Candidates.MASS_TOLERANCE));
  }

  /**
   * The chance that the stage acts on a step.
   *
   * @return {@code xtc_probability}
   */
  public float probability() {
    return probability;
  }

  /**
   * The probability from which a candidate counts as a top choice.
   *
   * @return {@code xtc_threshold}
   */
  public float threshold() {
    return threshold;
  }

  /**
   * The fewest candidates left.
   *
   * @return {@code min_tokens_to_keep}
   */
  public int minTokensToKeep() {
    return minTokensToKeep;
  }

  @Override
  public void apply(Candidates c) {
    if (probability == 0f) {
      return;
    }
    if (c.size() < 2) {
      return;
    }
    float max = c.rawMax();
    if (probability < 1f
        && !(Seeds.uniform(Seeds.derive(c.randomBits(), SALT)) < probability)) {
      return;
    }
    StepWeights weights = c.stepWeights();
    float bound = weights.rawThreshold(logThreshold + Math.log(weights.sum()));
    float least = Float.POSITIVE_INFINITY;
    int top = 0;
    int[] above = c.scratch().order();
    top = c.truncation().selectAtLeast(bound, above);
    LogitView view = c.logitView();
    float[] x = view.logits();
    int offset = view.offset();
    for (int j = 0; j < top; j++) {
      least = Math.min(least, x[offset + above[j]]);
    }
    if (top < 2 || least == max) {
      return;
    }
    if (minTokensToKeep > 1 && survivors(c, least) < minTokensToKeep) {
      return;
    }
    c.truncation().keepAtMost(least);
  }

  /**
   * The candidates that removing every logit above {@code least} would leave: those of logit at
   * most {@code least} that are not masked (one pass; at least 1, the least itself).
   */
  private static int survivors(Candidates c, float least) {
    int n = 0;
    LogitView view = c.logitView();
    float[] logits = view.logits();
    for (int i = view.offset(), end = i + view.size(); i < end; i++) {
      float x = logits[i];
      n += x != Float.NEGATIVE_INFINITY && x <= least ? 1 : 0;
    }
    return n;
  }

  @Override
  public String toString() {
    return "xtc_probability=" + probability + ",xtc_threshold=" + threshold
        + (minTokensToKeep > 1 ? ",min_keep=" + minTokensToKeep : "");
  }
}
