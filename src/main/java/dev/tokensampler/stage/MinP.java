package dev.tokensampler.stage;

/**
 * Min-p sampling (Nguyen et al., 2024): keeps the candidates whose probability is at least
 * {@code min_p} times the largest probability, under the softmax of the current logits.
 *
 * <p>Rule: candidate {@code i} is kept iff {@code p_i >= min_p * p_max}, i.e. iff
 * {@code (x_i - max) * s >= ln(min_p)} for the current logits {@code x} and pending temperature
 * factor {@code s}. A probability within one part in a million of the bound counts as reaching it,
 * so a token exactly at {@code min_p * p_max} is kept despite rounding. Ties are kept or dropped
 * together; the most probable token (and its ties) always passes. If fewer than
 * {@code min_tokens_to_keep} pass, the {@code min_tokens_to_keep} most probable candidates and
 * their ties are kept instead. {@code min_p = 0} disables the stage.
 *
 * <p>Sources: Hugging Face's {@code MinPLogitsWarper} (parameters {@code min_p} in
 * {@code [0, 1]}, {@code min_tokens_to_keep >= 1}, default 1) compares probabilities after the
 * temperature, since transformers applies temperature first; llama.cpp's {@code min_p} compares
 * raw logits with {@code max + ln(min_p)}, which is the same rule at temperature 1, because
 * llama.cpp applies temperature last. Both follow from the order of the chain: put this stage
 * after {@link Temperature} for transformers' behaviour and before it for llama.cpp's. llama.cpp
 * treats {@code min_p > 1} as an error-free no-op edge case; here it is rejected.
 *
 * <p>On the whole vocabulary this is one comparison pass against a logit threshold (no
 * exponentials, no sort); the survivors become explicit candidates in id order. On explicit
 * candidates the survivors keep their order. Stateless and immutable.
 */
public final class MinP implements Stage {
  private final float minP;
  private final int minTokensToKeep;
  private final double logBound;

  /**
   * A min-p stage keeping at least one token.
   *
   * @param minP {@code min_p}, in {@code [0, 1]}; 0 disables the stage
   * @throws IllegalArgumentException if {@code minP} is outside {@code [0, 1]} or NaN
   */
  public MinP(float minP) {
    this(minP, 1);
  }

  /**
   * A min-p stage.
   *
   * @param minP {@code min_p}, in {@code [0, 1]}; 0 disables the stage
   * @param minTokensToKeep {@code min_tokens_to_keep}, at least 1
   * @throws IllegalArgumentException if {@code minP} is outside {@code [0, 1]} or NaN, or
   *     {@code minTokensToKeep < 1}
   */
  public MinP(float minP, int minTokensToKeep) {
    if (!(minP >= 0f && minP <= 1f)) {
      throw new IllegalArgumentException("min_p must be in [0, 1], got " + minP);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("min_tokens_to_keep must be >= 1, got " + minTokensToKeep);
    }
    this.minP = minP;
    this.minTokensToKeep = minTokensToKeep;
    this.logBound = Math.log(minP * (1 - Candidates.MASS_TOLERANCE));
  }

  /**
   * The fraction of the largest probability a candidate must reach.
   *
   * @return {@code min_p}
   */
  public float minP() {
    return minP;
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
    if (minP == 0f) {
      return;
    }
    c.truncation().keepAtLeast(c.stepWeights().rawThreshold(logBound), minTokensToKeep);
  }

  @Override
  public String toString() {
    return "min_p=" + minP + (minTokensToKeep > 1 ? ",min_keep=" + minTokensToKeep : "");
  }
}
