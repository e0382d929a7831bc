package dev.tokensampler.stage;

/**
 * Nucleus sampling (Holtzman et al., 2019): keeps the smallest set of most probable candidates
 * whose probability mass reaches {@code p}, under the softmax of the current logits (so a
 * temperature earlier in the chain counts).
 *
 * <p>Rule, for candidate {@code i} with probability {@code q_i}: it is kept iff the mass of the
 * candidates strictly more probable than it is below {@code p}, or fewer than
 * {@code minTokensToKeep} candidates are strictly more probable. So the token that crosses
 * {@code p} is kept, and ties are kept or dropped together (transformers' {@code TopPLogitsWarper}
 * may split a tie by sort order). A tie is two equal logits: two different logits are never tied,
 * even where their float probabilities are equal, so the whole vocabulary and explicit candidates
 * (after top-k) keep the same set. A mass within one part in a million of {@code p} counts as
 * reaching it, so the exact-boundary cases of the transformers and llama.cpp test suites (mass
 * exactly {@code p} before a token: the token is dropped) come out the same despite rounding.
 * {@code p = 1} disables the stage.
 *
 * <p>On the whole vocabulary the stage never sorts and stores nothing: it computes the sum of the
 * weights in one fused pass and leaves the nucleus pending; the final draw samples it by rejection
 * at the cost of about one extra pass over the logits, and a later stage that needs the
 * candidates explicitly gets them by a threshold search. On explicit candidates (after top-k) it sorts those few. Stateless and immutable.
 */
public final class TopP implements Stage {
  private final float p;
  private final int minTokensToKeep;

  /**
   * A top-p stage keeping at least one token.
   *
   * @param p the mass to reach, {@code 0 < p <= 1}
   * @throws IllegalArgumentException if {@code p} is outside {@code (0, 1]} or NaN
   */
  public TopP(float p) {
    this(p, 1);
  }

  /**
   * A top-p stage.
   *
   * @param p the mass to reach, {@code 0 < p <= 1}
   * @param minTokensToKeep the fewest tokens to keep, {@code >= 1}
   * @throws IllegalArgumentException if {@code p} is outside {@code (0, 1]} or NaN, or
   *     {@code minTokensToKeep < 1}
   */
  public TopP(float p, int minTokensToKeep) {
    if (!(p > 0f && p <= 1f)) {
      throw new IllegalArgumentException("top_p must be in (0, 1], got " + p);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("min_tokens_to_keep must be >= 1, got " + minTokensToKeep);
    }
    this.p = p;
    this.minTokensToKeep = minTokensToKeep;
  }

  /**
   * The mass to reach.
   *
   * @return p
   */
  public float p() {
    return p;
  }

  @Override
  public void apply(Candidates c) {
    if (p >= 1f) {
      return;
    }
    if (c.isWholeVocabulary()) {
      c.setNucleus(p, minTokensToKeep);
      return;
    }
    c.truncation().sortExplicit();
    float[] w = c.stepWeights().weights();
    double target = p * c.stepWeights().sum() * (1 - Candidates.MASS_TOLERANCE);
    float[] logits = c.logitView().logits();
    int size = c.size();
    double massBeforeGroup = 0;
    double running = 0;
    int groupStart = 0;
    int keep = size;
    for (int i = 0; i < size; i++) {
      if (i == 0 || logits[i] != logits[i - 1]) {
        massBeforeGroup = running;
        groupStart = i;
      }
      if (!(massBeforeGroup < target || groupStart < minTokensToKeep)) {
        keep = i;
        break;
      }
      running += w[i];
    }
    c.truncation().truncate(keep);
  }

  @Override
  public String toString() {
    return "top_p=" + p + (minTokensToKeep > 1 ? ",min_keep=" + minTokensToKeep : "");
  }
}
