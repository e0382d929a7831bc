package dev.tokensampler.stage;

/**
 * Keeps the {@code k} candidates with the largest logits, and every candidate tied with the k-th
 * (Hugging Face's {@code TopKLogitsWarper}: a token is removed iff its logit is below the k-th
 * largest).
 *
 * <p>{@code k = 0} disables the stage (as {@code top_k=0} does in transformers and llama.cpp);
 * {@code k >= size()} keeps everything; at least {@code minTokensToKeep} candidates are kept (the
 * effective k is {@code max(k, minTokensToKeep)}). When the effective k is below the candidate
 * count, {@code -Infinity} logits are never kept.
 *
 * <p>On the whole vocabulary this is one SIMD pass that compares each block of logits with the
 * current k-th largest and sends the few that pass to a heap of size k: the vocabulary is never
 * sorted. The survivors become explicit candidates sorted by logit (largest first), so later stages
 * work on k tokens. Stateless and immutable.
 */
public final class TopK implements Stage {
  private final int k;
  private final int minTokensToKeep;

  /**
   * A top-k stage keeping at least one token.
   *
   * @param k the number of tokens to keep, {@code >= 0}; 0 disables the stage
   * @throws IllegalArgumentException if {@code k < 0}
   */
  public TopK(int k) {
    this(k, 1);
  }

  /**
   * A top-k stage.
   *
   * @param k the number of tokens to keep, {@code >= 0}; 0 disables the stage
   * @param minTokensToKeep the fewest tokens to keep, {@code >= 1}
   * @throws IllegalArgumentException if {@code k < 0} or {@code minTokensToKeep < 1}
   */
  public TopK(int k, int minTokensToKeep) {
    if (k < 0) {
      throw new IllegalArgumentException("top_k must be >= 0 (0 disables it), got " + k);
    }
    if (minTokensToKeep < 1) {
      throw new IllegalArgumentException("min_tokens_to_keep must be >= 1, got " + minTokensToKeep);
    }
    this.k = k;
    this.minTokensToKeep = minTokensToKeep;
  }

  /**
   * The number of tokens kept (before ties).
   *
   * @return k
   */
  public int k() {
    return k;
  }

  @Override
  public void apply(Candidates c) {
    if (k == 0) {
      return;
    }
    c.keepLargest(Math.max(k, minTokensToKeep));
  }

  @Override
  public String toString() {
    return "top_k=" + k + (minTokensToKeep > 1 ? ",min_keep=" + minTokensToKeep : "");
  }
}
