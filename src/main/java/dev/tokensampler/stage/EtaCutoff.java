package dev.tokensampler.stage;

/**
 * Eta sampling (Hewitt, Manning and Liang, 2022, "Truncation Sampling as Language Model
 * Desmoothing"): an entropy-dependent probability cutoff.
 *
 * <p>Rule: with {@code H} the entropy (nats) of the current candidates' softmax, the cutoff is
 * {@code eta = min(epsilon, sqrt(epsilon) * exp(-H))}, and candidate {@code i} is kept iff
 * {@code p_i >= eta} (a probability within one part in a million of {@code eta} counts as
 * reaching it). {@code H} costs two fused passes ({@link Candidates}: the exp-sum and the sum of
 * {@code w * (x - max)}), the cut one comparison pass; nothing is sorted. Ties are kept or dropped
 * together. If fewer than {@code min_tokens_to_keep} pass, the {@code min_tokens_to_keep} most
 * probable candidates and their ties are kept.
 *
 * <p>Source: Hugging Face's {@code EtaLogitsWarper} ({@code epsilon} in {@code (0, 1)}, typical
 * values 3e-4 to 2e-3 per the paper; {@code min_tokens_to_keep >= 1}, default 1); llama.cpp has no
 * such stage. transformers removes {@code p < eta} and keeps the {@code min_tokens_to_keep} first
 * of a sort, which may split a tie; here ties are kept together. Stateless and immutable.
 */
public final class EtaCutoff implements Stage {
  private final float epsilon;
  private final int minTokensToKeep;
  private final double sqrtEpsilon;

  /**
   * An eta stage keeping at least one token.
   *
   * @param epsilon {@code epsilon} (transformers' {@code eta_cutoff}), in {@code (0, 1)}
   * @throws IllegalArgumentException if {@code epsilon} is outside {@code (0, 1)} or NaN
   */
  public EtaCutoff(float epsilon) {
    this(epsilon, 1);
  }

  /**
   * An eta stage.
   *
   * @param epsilon {@code epsilon} (transformers' {@code eta_cutoff}), in {@code (0, 1)}
   * @param minTokensToKeep {@code min_tokens_to_keep}, at least 1
   * @throws IllegalArgumentException if {@code epsilon} is outside {@code (0, 1)} or NaN, or
   *     {@code minTokensToKeep < 1}
   */
  public EtaCutoff(float epsilon, int minTokensToKeep) {
    if (!(epsilon > 0f && epsilon < 1f)) {
      throw new IllegalArgumentException("eta_cutoff must be in (0, 1), got " + epsilon);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("min_tokens_to_keep must be >= 1, got " + minTokensToKeep);
    }
    this.epsilon = epsilon;
    this.minTokensToKeep = minTokensToKeep;
    this.sqrtEpsilon = Math.sqrt(epsilon);
  }

  /**
   * The largest cutoff.
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

  /**
   * The cutoff for a distribution of entropy {@code h}.
   *
   * @param entropy the entropy in nats
   * @return {@code min(epsilon, sqrt(epsilon) * exp(-entropy))}
   */
  public double cutoff(double entropy) {
    return Math.min(epsilon, sqrtEpsilon * Math.exp(-entropy));
  }

  @Override
  public void apply(Candidates c) {
    StepWeights weights = c.stepWeights();
    double eta = cutoff(weights.entropy());
    double logBound = Math.log(eta * (1 - Candidates.MASS_TOLERANCE)) + Math.log(weights.sum());
    c.truncation().keepAtLeast(weights.rawThreshold(logBound), minTokensToKeep);
  }

  @Override
  public String toString() {
    return "eta_cutoff=" + epsilon + (minTokensToKeep > 1 ? ",min_keep=" + minTokensToKeep : "");
  }
}
