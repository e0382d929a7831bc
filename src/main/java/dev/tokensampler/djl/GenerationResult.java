package dev.tokensampler.djl;

import java.util.Arrays;
import java.util.Objects;

/**
 * The tokens one generation produced (without the prompt), why it stopped, and, with a
 * tokenizer, their text.
 */
public final class GenerationResult {
  private final int[] tokens;
  private final StopReason stopReason;
  private final String text;

  GenerationResult(int[] tokens, StopReason stopReason) {
    this(tokens, stopReason, null);
  }

  GenerationResult(int[] tokens, StopReason stopReason, String text) {
    this.tokens = tokens;
    this.stopReason = Objects.requireNonNull(stopReason, "stopReason");
    this.text = text;
  }

  /**
   * The generated text, as {@link TokenStream#generatedText()}: cut where a stop string begins
   * (the tokens keep the one that completed it, as transformers' {@code generate} does).
   *
   * @return the text
   * @throws IllegalStateException if the generator had no tokenizer
   */
  public String text() {
    if (text == null) {
      throw new IllegalStateException(
          "the generator has no tokenizer: set one with CausalLMGenerator.Builder#tokenizer");
    }
    return text;
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
        + (text == null ? "" : ", text=" + dev.tokensampler.internal.Excerpt.of(text)) + "]";
  }
}
