package dev.tokensampler.djl;

import java.util.Arrays;
import java.util.Objects;

/** The tokens one generation produced (without the prompt) and why it stopped. */
public final class GenerationResult {
  private final int[] tokens;
  private final StopReason stopReason;

  GenerationResult(int[] tokens, StopReason stopReason) {
    this.tokens = tokens;
    this.stopReason = Objects.requireNonNull(stopReason, "stopReason");
  }

  /**
   * @return a copy of the generated token ids, in order, including a final end-of-sequence or
   *     stop-string token
   */
  public int[] tokens() {
    return tokens.clone();
  }

  /** @return why generation stopped */
  public StopReason stopReason() {
    return stopReason;
  }

  @Override
  public String toString() {
    return "GenerationResult[tokens=" + Arrays.toString(tokens) + ", stopReason=" + stopReason
        + "]";
  }
}
