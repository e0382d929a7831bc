package dev.tokensampler.samples.experiments;

import java.util.HashSet;
import java.util.Set;

/**
 * The measures of one strategy over all its continuations.
 *
 * <ul>
 *   <li><b>mean entropy</b>: the entropy {@code -sum p ln p} (nats) of the model's next-token
 *       distribution (raw logits, temperature 1) at each generated position, averaged over
 *       positions: how uncertain the model is along the paths the strategy takes;
 *   <li><b>distinct-1, distinct-2</b>: distinct tokens and distinct token pairs over the total
 *       number of each, pooled over all continuations (Li et al., 2016); pairs do not cross
 *       continuations;
 *   <li><b>repetition rate</b>: the share of generated tokens that already occurred earlier in the
 *       same continuation;
 *   <li><b>mean log-probability</b>: the model's log-probability (raw, temperature 1) of each
 *       chosen token, averaged;
 *   <li><b>microseconds per token</b>: wall-clock time of the sampling call alone (tensor read
 *       included, model excluded), measured with {@link System#nanoTime()} around each call and
 *       averaged. It is a reported property of the experiment on whatever machine runs it, not a
 *       benchmark: the library's benchmarks are the JMH ones in {@code bench/}.
 * </ul>
 */
public final class StrategyMetrics {
  private long positions;
  private double entropySum;
  private double logProbabilitySum;
  private long samplingNanos;
  private long tokens;
  private long repeated;
  private long pairs;
  private final Set<Integer> distinctTokens = new HashSet<>();
  private final Set<Long> distinctPairs = new HashSet<>();

  /**
   * Records one generated position.
   *
   * @param entropy the entropy of the model's next-token distribution there, in nats
   * @param logProbability the model's log-probability of the chosen token
   * @param nanos the time of the sampling call
   */
  public void addStep(double entropy, double logProbability, long nanos) {
    positions++;
    entropySum += entropy;
    logProbabilitySum += logProbability;
    samplingNanos += nanos;
  }

  /**
   * Records the tokens of one continuation (the generated tokens only, without the prompt).
   *
   * @param generated the tokens
   * @param count how many entries of {@code generated} are the continuation
   */
  public void addContinuation(int[] generated, int count) {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < count; i++) {
      tokens++;
      distinctTokens.add(generated[i]);
      if (!seen.add(generated[i])) {
        repeated++;
      }
      if (i > 0) {
        pairs++;
        distinctPairs.add(((long) generated[i - 1] << 32) | (generated[i] & 0xffff_ffffL));
      }
    }
  }

  /**
   * The mean entropy of the model's next-token distribution, in nats.
   *
   * @return the mean, or NaN before any step
   */
  public double meanEntropy() {
    return entropySum / positions;
  }

  /**
   * Distinct tokens over generated tokens.
   *
   * @return distinct-1 in [0, 1], NaN before any token
   */
  public double distinct1() {
    return (double) distinctTokens.size() / tokens;
  }

  /**
   * Distinct adjacent pairs over adjacent pairs.
   *
   * @return distinct-2 in [0, 1], NaN before any pair
   */
  public double distinct2() {
    return (double) distinctPairs.size() / pairs;
  }

  /**
   * The share of generated tokens already seen earlier in their continuation.
   *
   * @return the rate in [0, 1], NaN before any token
   */
  public double repetitionRate() {
    return (double) repeated / tokens;
  }

  /**
   * The mean log-probability of the chosen tokens under the model.
   *
   * @return the mean (at most 0), NaN before any step
   */
  public double meanLogProbability() {
    return logProbabilitySum / positions;
  }

  /**
   * The mean wall-clock time of one sampling call.
   *
   * @return microseconds, NaN before any step
   */
  public double microsPerToken() {
    return samplingNanos / 1e3 / positions;
  }

  /**
   * The number of generated tokens.
   *
   * @return the count
   */
  public long tokens() {
    return tokens;
  }
}
