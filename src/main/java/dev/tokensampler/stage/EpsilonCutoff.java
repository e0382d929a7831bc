package dev.tokensampler.stage;

/**
 * Epsilon sampling (Hewitt, Manning and Liang, 2022, "Truncation Sampling as Language Model
 * Desmoothing"): keeps the candidates whose probability is at least {@code epsilon}.
 *
 * <p>Rule: candidate {@code i} is kept iff {@code p_i >= epsilon} under the softmax of the current
 * candidates (after any earlier temperature), i.e. iff {@code (x_i - max) * s >= ln(epsilon * S)}
 * with {@code S} the sum of {@code exp((x_j - max) * s)}: one fused exp-sum pass, then one
 * comparison pass (no sort). A probability within one part in a million of {@code epsilon} counts
 * as reaching it. Ties are kept or dropped together. If fewer than {@code min_tokens_to_keep}
 * pass, the {@code min_tokens_to_keep} most probable candidates and their ties are kept.
 *
 * <p>Source: Hugging Face's {@code EpsilonLogitsWarper} ({@code epsilon} in {@code (0, 1)},
 * typical values 3e-4 to 9e-4 per the paper; {@code min_tokens_to_keep >= 1}, default 1);
 * llama.cpp has no such stage. transformers keeps the {@code min_tokens_to_keep} first of a sort,
 * which may split a tie; here ties are kept together. Stateless and immutable.
 */
public final class EpsilonCutoff implements Stage {
  private final float epsilon;
  private final int minTokensToKeep;
  private final double logEpsilon;

  /**
   * An epsilon stage keeping at least one token.
   *
   * @param epsilon {@code epsilon}, in {@code (0, 1)}
   * @throws IllegalArgumentException if {@code epsilon} is outside {@code (0, 1)} or NaN
   */
  public EpsilonCutoff(float epsilon) {
    this(epsilon, 1);
  }

  /**
   * An epsilon stage.
   *
   * @param epsilon {@code epsilon}, in {@code (0, 1)}
   * @param minTokensToKeep {@code min_tokens_to_keep}, at least 1
   * @throws IllegalArgumentException if {@code epsilon} is outside {@code (0, 1)} or NaN, or
   *     {@code minTokensToKeep < 1}
   */
  public EpsilonCutoff(float epsilon, int minTokensToKeep) {
    if (!(epsilon > 0f && epsilon < 1f)) {
      throw new IllegalArgumentException("epsilon_cutoff must be in (0, 1), got " + epsilon);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("min_tokens_to_keep must be >= 1, got " + minTokensToKeep);
    }
    this.epsilon = epsilon;
    this.minTokensToKeep = minTokensToKeep;
    this.logEpsilon = Math.log(epsilon * (1 - Candidates.MASS_TOLERANCE));
  }

  /**
   * The probability a candidate must reach.
   *
   * @return {@code epsilon}
   */
  public float epsilon() {
    return epsilon;
  }

  /**
   * The fewest candidates kept.
   *
   * @return {@code min_tokens_to_keep}
   */
  public int minTokensToKeep() {
    return minTokensToKeep;
  }

  @Override
  public void apply(Candidates c) {
    StepWeights weights = c.stepWeights();
    double logSum = Math.log(weights.sum());
    c.truncation().keepAtLeast(weights.rawThreshold(logEpsilon + logSum), minTokensToKeep);
  }

  @Override
  public String toString() {
    return "epsilon_cutoff=" + epsilon
        + (minTokensToKeep > 1 ? ",min_keep=" + minTokensToKeep : "");
  }
}
