package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The OpenAI frequency and presence penalties, as one stage: a token that occurs {@code c > 0}
 * times in the history gets {@code logit -= c * frequency_penalty + presence_penalty}, computed in
 * float.
 *
 * <p>Source: the OpenAI API ({@code frequency_penalty}, {@code presence_penalty}, each in
 * {@code [-2, 2]} there, default 0) as llama.cpp applies them in its penalties sampler
 * ({@code penalty_freq}, {@code penalty_present}, default 0, any finite value). transformers has no
 * such processor. One stage for both, as in llama.cpp, because they read the same counts: one pass
 * over the same window. Positive values discourage repetition, negative ones encourage it; both 0
 * disable the stage. llama.cpp's penalties sampler is {@link RepetitionPenalty} followed by this
 * stage with the same {@code penalty_last_n}.
 *
 * <p>The history is every token {@linkplain #accept accepted}, or the last {@code penalty_last_n}
 * of them (llama.cpp, default 64; 0 disables the stage; -1 means all). The OpenAI API and vLLM
 * count only generated tokens: with {@code generatedOnly} ({@code penalty_generated_only}) the
 * stage counts only the tokens accepted after it first ran since the last reset, so a prompt fed
 * through {@code Sampler.accept} before the first token does not count (a token forced into the
 * sequence later does). Token ids outside the vocabulary are ignored.
 *
 * <p>Cost and state as {@link RepetitionPenalty}: counts are kept incrementally, nothing is
 * allocated per token in steady state, and on the whole vocabulary only the logits of the
 * window's distinct tokens are edited. Changes logits only. Each sampler needs its own
 * {@link #copy()}; state is saved and restored.
 */
public final class FrequencyPresencePenalty implements Stage {
  private final float frequencyPenalty;
  private final float presencePenalty;
  private final int penaltyLastN;
  private final boolean generatedOnly;
  private boolean generating;
  private final CountedWindow window;
  private final HistoryStages.CountedEdit edit =
      (logit, token, count) -> logit - penalty(count);

  /**
   * Penalties over the whole history.
   *
   * @param frequencyPenalty {@code frequency_penalty}, finite
   * @param presencePenalty {@code presence_penalty}, finite
   * @throws IllegalArgumentException if a penalty is NaN or infinite
   */
  public FrequencyPresencePenalty(float frequencyPenalty, float presencePenalty) {
    this(frequencyPenalty, presencePenalty, RepetitionPenalty.WHOLE_HISTORY);
  }

  /**
   * Penalties over the last {@code penaltyLastN} accepted tokens (llama.cpp).
   *
   * @param frequencyPenalty {@code frequency_penalty} / {@code penalty_freq}, finite
   * @param presencePenalty {@code presence_penalty} / {@code penalty_present}, finite
   * @param penaltyLastN {@code penalty_last_n}: {@code > 0} for the last N tokens, -1 for all, 0
   *     to disable the stage
   * @throws IllegalArgumentException if a penalty is NaN or infinite, or {@code penaltyLastN < -1}
   */
  public FrequencyPresencePenalty(float frequencyPenalty, float presencePenalty, int penaltyLastN) {
    this(frequencyPenalty, presencePenalty, penaltyLastN, false);
  }

  /**
   * Penalties over the last {@code penaltyLastN} tokens, counting every accepted token or, as the
   * OpenAI API and vLLM do, only generated ones.
   *
   * @param frequencyPenalty {@code frequency_penalty}, finite
   * @param presencePenalty {@code presence_penalty}, finite
   * @param penaltyLastN {@code penalty_last_n}, as {@link #FrequencyPresencePenalty(float, float,
   *     int)}
   * @param generatedOnly {@code penalty_generated_only}: count only the tokens accepted after the
   *     stage first ran since the last reset
   * @throws IllegalArgumentException if a penalty is NaN or infinite, or {@code penaltyLastN < -1}
   */
  public FrequencyPresencePenalty(float frequencyPenalty, float presencePenalty, int penaltyLastN,
      boolean generatedOnly) {
    this.generatedOnly = generatedOnly;
    checkFinite("frequency_penalty", frequencyPenalty);
    checkFinite("presence_penalty", presencePenalty);
    this.frequencyPenalty = frequencyPenalty;
    this.presencePenalty = presencePenalty;
    this.penaltyLastN = penaltyLastN;
    this.window = new CountedWindow(HistoryStages.windowCapacity("penalty_last_n", penaltyLastN));
  }

  private FrequencyPresencePenalty(FrequencyPresencePenalty other) {
    this.frequencyPenalty = other.frequencyPenalty;
    this.presencePenalty = other.presencePenalty;
    this.penaltyLastN = other.penaltyLastN;
    this.generatedOnly = other.generatedOnly;
    this.generating = other.generating;
    this.window = other.window.copy();
  }

  private static void checkFinite(String name, float value) {
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be finite, got " + value);
    }
  }

  /**
   * The penalty per occurrence.
   *
   * @return {@code frequency_penalty}
   */
  public float frequencyPenalty() {
    return frequencyPenalty;
  }

  /**
   * The penalty for occurring at all.
   *
   * @return {@code presence_penalty}
   */
  public float presencePenalty() {
    return presencePenalty;
  }

  /**
   * The window length.
   *
   * @return {@code penalty_last_n}: N, -1 for the whole history, 0 when disabled
   */
  public int penaltyLastN() {
    return penaltyLastN;
  }

  /** @return {@code penalty_generated_only} */
  public boolean generatedOnly() {
    return generatedOnly;
  }

  @Override
  public void apply(Candidates c) {
    generating = true;
    if (!(frequencyPenalty == 0f && presencePenalty == 0f)) {
      HistoryStages.editCounted(c, window.counts(), edit, this);
    }
  }

  private float penalty(int count) {
    return (float) count * frequencyPenalty + presencePenalty;
  }

  @Override
  public void accept(int token) {
    if (generatedOnly && !generating) {
      return;
    }
    window.accept(token);
  }

  @Override
  public void reset() {
    window.reset();
    generating = false;
  }

  @Override
  public Stage copy() {
    return new FrequencyPresencePenalty(this);
  }

  @Override
  public void saveState(DataOutput out) throws IOException {
    window.write(out);
    if (generatedOnly) {
      out.writeBoolean(generating);
    }
  }

  @Override
  public void restoreState(DataInput in) throws IOException {
    window.read(in);
    if (generatedOnly) {
      generating = in.readBoolean();
    }
  }

  @Override
  public String toString() {
    return "frequency_penalty=" + frequencyPenalty + ",presence_penalty=" + presencePenalty
        + ",penalty_last_n=" + penaltyLastN
        + (generatedOnly ? ",penalty_generated_only=true" : "");
  }
}
