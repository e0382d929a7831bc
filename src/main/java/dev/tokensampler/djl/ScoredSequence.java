package dev.tokensampler.djl;

import java.util.Arrays;
import java.util.Objects;

/**
 * One of several sequences generated for a prompt: its tokens (without the prompt), its score and
 * why it ended. For sampling the score is the sum of the tokens' raw log-probabilities; for beam
 * search the length-penalised beam score (see {@link dev.tokensampler.search.BeamSearch}).
 */
public final class ScoredSequence {
  private final int[] tokens;
  private final double score;
  private final StopReason stopReason;

  ScoredSequence(int[] tokens, double score, StopReason stopReason) {
    this.tokens = tokens;
    this.score = score;
    this.stopReason = Objects.requireNonNull(stopReason, "stopReason");
  }

  /** @return a copy of the generated token ids, an ending end-of-sequence token included */
  public int[] tokens() {
    return tokens.clone();
  }

  /** @return the score: cumulative raw log-probability (sampling) or beam score (beam search) */
  public double score() {
    return score;
  }

  /** @return why the sequence ended */
  public StopReason stopReason() {
    return stopReason;
  }

  @Override
  public String toString() {
    return "ScoredSequence[tokens=" + Arrays.toString(tokens) + ", score=" + score
        + ", stopReason=" + stopReason + "]";
  }
}
