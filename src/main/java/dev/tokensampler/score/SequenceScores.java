package dev.tokensampler.score;

import java.util.Objects;

/**
 * The scores of a sequence of positions, filled by {@link LogitScorer}: for each position
 * {@code t}, the raw log-probability and rank of its token, up to {@link #topN()} most likely
 * alternatives (vLLM's {@code prompt_logprobs}) and the log-probabilities of a fixed list of
 * extra token ids (vLLM's {@code logprob_token_ids}). The caller makes one holder for the longest
 * sequence and reuses it: filling it allocates nothing.
 *
 * <p><b>Raw values.</b> Every value is a natural logarithm under the softmax of the logits as
 * given, at temperature 1, before any stage of a sampler chain:
 * {@code (x_i - max) - ln(sum_j exp(x_j - max))}, with the maximum, the sum and the logarithm
 * computed as {@link dev.tokensampler.Softmax#logProbabilities} and the raw values of
 * {@link dev.tokensampler.TokenLogprobs} compute them (the same floats).
 *
 * <p><b>Rank</b> is vLLM's: the number of tokens whose reported log-probability is at least the
 * token's, so the most likely token has rank 1 and tied tokens share the worst rank of their
 * tie (a token of logit {@code -Infinity} has rank {@code V}). <b>Alternatives</b> are listed as
 * {@link dev.tokensampler.TokenLogprobs} lists raw alternatives: most likely first, ties to the
 * lower id, tokens of logit {@code -Infinity} never listed.
 *
 * <p>Not thread-safe.
 */
public final class SequenceScores {
  private final int capacity;
  private final int topN;
  private final int[] extraIds;
  final float[] logprobs;
  final int[] ranks;
  final int[] topCounts;
  final int[] topIds;
  final float[] topLogprobs;
  final float[] extraLogprobs;
  int rows;

  /**
   * A holder for up to {@code maxPositions} positions.
   *
   * @param maxPositions the most positions one fill writes, at least 1
   * @param topN alternatives per position, {@code 0 <= topN <= 1024} (0: none)
   * @param extraIds token ids whose log-probability is reported at every position (may be empty),
   *     each at least 0; checked against the vocabulary when scored
   * @throws NullPointerException if {@code extraIds} is null
   * @throws IllegalArgumentException for a count out of range or a negative id
   */
  public SequenceScores(int maxPositions, int topN, int... extraIds) {
    if (maxPositions < 1) {
      throw new IllegalArgumentException("maxPositions must be at least 1, got " + maxPositions);
    }
    if (topN < 0 || topN > LogitScorer.MAX_TOP_N) {
      throw new IllegalArgumentException(
          "topN must be in [0, " + LogitScorer.MAX_TOP_N + "], got " + topN);
    }
    Objects.requireNonNull(extraIds, "extraIds");
    for (int i = 0; i < extraIds.length; i++) {
      if (extraIds[i] < 0) {
        throw new IllegalArgumentException(
            "extraIds[" + i + "] must be a token id >= 0, got " + extraIds[i]);
      }
    }
    if ((long) maxPositions * Math.max(topN, extraIds.length) > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxPositions " + maxPositions + " times topN " + topN
          + " or extra ids " + extraIds.length + " exceeds an array");
    }
    this.capacity = maxPositions;
    this.topN = topN;
    this.extraIds = extraIds.clone();
    this.logprobs = new float[maxPositions];
    this.ranks = new int[maxPositions];
    this.topCounts = new int[maxPositions];
    this.topIds = new int[maxPositions * topN];
    this.topLogprobs = new float[maxPositions * topN];
    this.extraLogprobs = new float[maxPositions * extraIds.length];
  }

  /** @return the most positions one fill writes */
  public int capacity() {
    return capacity;
  }

  /** @return the alternatives listed per position at most */
  public int topN() {
    return topN;
  }

  /** @return the number of extra token ids */
  public int extraCount() {
    return extraIds.length;
  }

  /**
   * Extra token id {@code j}.
   *
   * @param j {@code 0 <= j < extraCount()}
   * @return the id
   */
  public int extraId(int j) {
    return extraIds[Objects.checkIndex(j, extraIds.length)];
  }

  int[] extraIds() {
    return extraIds;
  }

  /** @return the number of positions of the last fill */
  public int positions() {
    return rows;
  }

  /**
   * The raw log-probability of position {@code t}'s token.
   *
   * @param t {@code 0 <= t < positions()}
   * @return a value {@code <= 0}, {@code -Infinity} if the token's logit is {@code -Infinity}
   */
  public float logprob(int t) {
    return logprobs[Objects.checkIndex(t, rows)];
  }

  /**
   * The rank of position {@code t}'s token, as the class comment says.
   *
   * @param t {@code 0 <= t < positions()}
   * @return {@code 1 <= rank <= V}
   */
  public int rank(int t) {
    return ranks[Objects.checkIndex(t, rows)];
  }

  /**
   * The sum of the tokens' log-probabilities, in double, in position order.
   *
   * @return the sum, {@code -Infinity} if a token has logit {@code -Infinity}
   */
  public double sumLogprob() {
    double sum = 0;
    for (int t = 0; t < rows; t++) {
      sum += logprobs[t];
    }
    return sum;
  }

  /**
   * The perplexity of the scored tokens: {@code exp(-sumLogprob() / positions())}.
   *
   * @return the perplexity, at least 1 up to rounding; {@code +Infinity} if a token has logit
   *     {@code -Infinity}
   * @throws IllegalStateException before the first fill
   */
  public double perplexity() {
    if (rows == 0) {
      throw new IllegalStateException("no positions scored yet");
    }
    return Math.exp(-sumLogprob() / rows);
  }

  /**
   * The number of alternatives listed at position {@code t}.
   *
   * @param t {@code 0 <= t < positions()}
   * @return {@code min(topN, tokens with a finite logit)}
   */
  public int topCount(int t) {
    return topCounts[Objects.checkIndex(t, rows)];
  }

  /**
   * The token id of alternative {@code rank} at position {@code t}.
   *
   * @param t {@code 0 <= t < positions()}
   * @param rank {@code 0 <= rank < topCount(t)}, 0 the most likely
   * @return the id
   */
  public int topId(int t, int rank) {
    return topIds[t * topN + Objects.checkIndex(rank, topCount(t))];
  }

  /**
   * The raw log-probability of alternative {@code rank} at position {@code t}.
   *
   * @param t {@code 0 <= t < positions()}
   * @param rank {@code 0 <= rank < topCount(t)}
   * @return the log-probability
   */
  public float topLogprob(int t, int rank) {
    return topLogprobs[t * topN + Objects.checkIndex(rank, topCount(t))];
  }

  /**
   * The raw log-probability of extra token {@code j} at position {@code t}.
   *
   * @param t {@code 0 <= t < positions()}
   * @param j {@code 0 <= j < extraCount()}
   * @return the log-probability
   */
  public float extraLogprob(int t, int j) {
    Objects.checkIndex(t, rows);
    return extraLogprobs[t * extraIds.length + Objects.checkIndex(j, extraIds.length)];
  }
}
