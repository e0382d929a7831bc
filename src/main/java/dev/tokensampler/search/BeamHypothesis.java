package dev.tokensampler.search;

import java.util.Arrays;

/**
 * One finished sequence of a beam search: its generated tokens (without the prompt, with the
 * end-of-sequence token if one ended it) and its score, the sum of its tokens' log-probabilities
 * (after the Hamming penalty in diverse search) divided by {@code length^length_penalty}
 * (transformers' {@code sequence_scores}).
 */
public final class BeamHypothesis {
  private final int[] tokens;
  private final float score;
  private final int group;

  BeamHypothesis(int[] tokens, float score, int group) {
    this.tokens = tokens;
    this.score = score;
    this.group = group;
  }

  /** @return a copy of the generated tokens */
  public int[] tokens() {
    return tokens.clone();
  }

  /** @return the length-penalised score */
  public float score() {
    return score;
  }

  /** @return the beam group that found it (0 without groups) */
  public int group() {
    return group;
  }

  @Override
  public String toString() {
    return Arrays.toString(tokens) + " score=" + score + (group > 0 ? " group=" + group : "");
  }
}
