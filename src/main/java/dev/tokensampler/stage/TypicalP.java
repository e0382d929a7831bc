package dev.tokensampler.stage;

/**
 * Locally typical sampling (Meister et al., 2022): keeps the candidates whose surprise is closest
 * to the expected surprise (the entropy), up to a probability mass.
 *
 * <p>Rule: with {@code p} the softmax of the current candidates and {@code H = -sum p ln p}, each
 * candidate scores {@code |-ln p_i - H|}; candidates are taken by increasing score until their
 * mass reaches {@code typical_p}, and every candidate whose score is at most that of the one that
 * crosses the mass is kept (so ties in score are kept together). A mass within one part in a
 * million of {@code typical_p} counts as reaching it. If fewer than {@code min_tokens_to_keep}
 * candidates are kept, the {@code min_tokens_to_keep} of lowest score, and their ties, are kept.
 * {@code typical_p = 1} disables the stage. Note that the most probable token can be dropped.
 *
 * <p>Since {@code -ln p_i - H = ln S - H - y_i} with {@code y_i = (x_i - max) * s}, the score is
 * {@code |y_i - E[y]|}: the entropy and the scores come from the logits without a logarithm per
 * token. On the whole vocabulary nothing is sorted: fused passes for the weights and
 * {@code E[y]}, one pass for the scores, then the score threshold by a bucket pass and a
 * quickselect within one bucket (expected linear time).
 *
 * <p>Sources: Hugging Face's {@code TypicalLogitsWarper} ({@code typical_p} in {@code (0, 1]},
 * {@code min_tokens_to_keep >= 1}, default 1; transformers keeps the first
 * {@code min_tokens_to_keep} of a sort, which may split a tie) and llama.cpp's {@code typical}
 * sampler (its cut keeps the shortest prefix whose mass exceeds {@code p} strictly; its
 * {@code min_keep = 0} default acts as 1; this class follows transformers). Stateless and
 * immutable.
 */
public final class TypicalP implements Stage {
  private final float mass;
  private final int minTokensToKeep;

  /**
   * A typical-p stage keeping at least one token.
   *
   * @param mass {@code typical_p}, in {@code (0, 1]}; 1 disables the stage
   * @throws IllegalArgumentException if {@code mass} is outside {@code (0, 1]} or NaN
   */
  public TypicalP(float mass) {
    this(mass, 1);
  }

  /**
   * A typical-p stage.
   *
   * @param mass {@code typical_p}, in {@code (0, 1]}; 1 disables the stage
   * @param minTokensToKeep {@code min_tokens_to_keep}, at least 1
   * @throws IllegalArgumentException if {@code mass} is outside {@code (0, 1]} or NaN, or
   *     {@code minTokensToKeep < 1}
   */
  public TypicalP(float mass, int minTokensToKeep) {
    if (!(mass > 0f && mass <= 1f)) {
      throw new IllegalArgumentException("typical_p must be in (0, 1], got " + mass);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("min_tokens_to_keep must be >= 1, got " + minTokensToKeep);
    }
    this.mass = mass;
    this.minTokensToKeep = minTokensToKeep;
  }

  /**
   * The mass to reach.
   *
   * @return {@code typical_p}
   */
  public float mass() {
    return mass;
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
    if (mass >= 1f) {
      return;
    }
    float max = c.rawMax();
    StepWeights stepWeights = c.stepWeights();
    float[] w = stepWeights.weights();
    double mean = stepWeights.meanExponent();
    int n = c.size();
    LogitView view = c.logitView();
    float[] x = view.logits();
    int offset = view.offset();
    float scale = view.scale();
    StageScratch scratch = c.scratch();
    float[] score = scratch.keys();
    float maxScore = 0f;
    for (int i = 0; i < n; i++) {
      float y = (x[offset + i] - max) * scale;
      if (w[i] > 0f) {
        score[i] = (float) Math.abs(y - mean);
        maxScore = Math.max(maxScore, score[i]);
      } else {
        score[i] = Float.POSITIVE_INFINITY;
      }
    }
    float[] keys = scratch.selectionKeys();
    float[] weights = scratch.selectionWeights();
    double target = mass * c.stepWeights().sum() * (1 - Candidates.MASS_TOLERANCE);
    float bound = WeightedSelection.smallestKeyReaching(
        score, w, n, target, maxScore, scratch.buckets(), keys, weights);
    if (Float.isNaN(bound)) {
      return;
    }
    if (minTokensToKeep > 1) {
      System.arraycopy(score, 0, keys, 0, n);
      float kth =
          WeightedSelection.smallestKeyReaching(keys, null, n, Math.min(minTokensToKeep, n));
      bound = Math.max(bound, kth);
    }
    c.truncation().keepKeysAtMost(score, bound);
  }

  @Override
  public String toString() {
    return "typical_p=" + mass + (minTokensToKeep > 1 ? ",min_keep=" + minTokensToKeep : "");
  }
}
