package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The CTRL repetition penalty: every token that occurs in the history gets its logit divided by
 * the penalty if positive, multiplied by it if negative or zero, however often it occurred.
 *
 * <p>Source: Hugging Face transformers {@code RepetitionPenaltyLogitsProcessor}
 * ({@code repetition_penalty}, default 1.0) and llama.cpp's penalties sampler
 * ({@code penalty_repeat}, default 1.0; {@code logit <= 0 ? logit * penalty : logit / penalty},
 * the same result). {@code penalty > 1} discourages repetition, {@code 0 < penalty < 1} encourages
 * it, {@code 1} disables the stage.
 *
 * <p>The history is every token {@linkplain #accept accepted} (prompt tokens the caller feeds
 * through {@code Sampler.accept}, then each sampled token): all of them, as transformers does with
 * its {@code input_ids}, or the last {@code penalty_last_n} of them, as llama.cpp does (its default
 * is 64). {@code penalty_last_n = 0} disables the stage (llama.cpp); {@code -1} means the whole
 * history (llama.cpp's "-1 = context size"). Token ids outside the vocabulary are ignored.
 *
 * <p>Options: {@code prompt_ignore_length = n}, an argument of transformers' processor (not a
 * {@code GenerationConfig} key), leaves the first {@code n} accepted tokens after a reset out of
 * the history (transformers drops {@code input_ids[:, :n]}: the prompt); {@code normalize}
 * ({@code repetition_penalty_normalize}), the opt-in variant proposed for that processor in
 * transformers pull request 48642 (open, not in a release), penalises log-probabilities instead
 * of logits: a token of the history gets
 * {@code log p * penalty} (more negative for {@code penalty > 1}, whatever the sign of its logit),
 * the others keep {@code log p}, where {@code log p} is the log-softmax of the current candidates.
 * The proposal then passes log-probabilities to the next processor; here every other logit is
 * left as it is and the edited ones are shifted back by the same constant
 * ({@code logit = (log p) * penalty + max + ln sum}), which gives the same distribution and the
 * same input to every later stage, as they depend on logit differences only.
 *
 * <p>Cost: the window's distinct tokens are kept with their counts (a ring buffer and a hash map,
 * both grown by doubling with the tokens actually seen, never sized from {@code penalty_last_n}, so
 * nothing is allocated per token in steady state; any window holds up to 2^28 tokens since the
 * last reset). On the whole
 * vocabulary, {@code apply} edits only the logits of those tokens, after the one copy of the
 * caller's logits that any first write of a step costs; on explicit candidates, it looks up each
 * candidate. Changes logits only; to be used before truncation (llama.cpp and transformers
 * order), or after it, with the same result for the surviving tokens.
 *
 * <p>Stateful: each sampler needs its own {@link #copy()}; state is saved and restored.
 */
public final class RepetitionPenalty implements Stage {
  /** {@code penalty_last_n} meaning every accepted token. */
  public static final int WHOLE_HISTORY = -1;

  private final float penalty;
  private final int penaltyLastN;
  private final boolean normalize;
  private final int promptIgnoreLength;
  private final CountedWindow window;
  private final HistoryStages.CountedEdit edit = (logit, token, count) -> penalize(logit);
  private final HistoryStages.CountedEdit normalizedEdit =
      (logit, token, count) -> normalized(logit);
  private float shift;
  private int ignored;

  /**
   * A penalty over the whole history (transformers).
   *
   * @param penalty {@code repetition_penalty}, positive and finite; 1 disables the stage
   * @throws IllegalArgumentException if {@code penalty} is not positive and finite
   */
  public RepetitionPenalty(float penalty) {
    this(penalty, WHOLE_HISTORY);
  }

  /**
   * A penalty over the last {@code penaltyLastN} accepted tokens (llama.cpp).
   *
   * @param penalty {@code repetition_penalty} / {@code penalty_repeat}, positive and finite; 1
   *     disables the stage
   * @param penaltyLastN {@code penalty_last_n}: {@code > 0} for the last N tokens,
   *     {@link #WHOLE_HISTORY} (-1) for all, 0 to disable the stage
   * @throws IllegalArgumentException if {@code penalty} is not positive and finite, or
   *     {@code penaltyLastN < -1}
   */
  public RepetitionPenalty(float penalty, int penaltyLastN) {
    this(penalty, penaltyLastN, false, 0);
  }

  /**
   * A penalty with transformers' options.
   *
   * @param penalty {@code repetition_penalty}, positive and finite; 1 disables the stage
   * @param penaltyLastN {@code penalty_last_n}, as {@link #RepetitionPenalty(float, int)}
   * @param normalize {@code repetition_penalty_normalize}: penalise log-probabilities
   * @param promptIgnoreLength {@code prompt_ignore_length}: accepted tokens left out after each
   *     reset, at least 0
   * @throws IllegalArgumentException for a value out of range
   */
  public RepetitionPenalty(float penalty, int penaltyLastN, boolean normalize,
      int promptIgnoreLength) {
    if (promptIgnoreLength < 0) {
      throw new IllegalArgumentException(
          "prompt_ignore_length must be >= 0, got " + promptIgnoreLength);
    }
    this.normalize = normalize;
    this.promptIgnoreLength = promptIgnoreLength;
    if (!(penalty > 0f) || penalty == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "repetition_penalty must be positive and finite (1 disables it), got " + penalty);
    }
    this.penalty = penalty;
    this.penaltyLastN = penaltyLastN;
    this.window = new CountedWindow(HistoryStages.windowCapacity("penalty_last_n", penaltyLastN));
  }

  private RepetitionPenalty(RepetitionPenalty other) {
    this.penalty = other.penalty;
    this.penaltyLastN = other.penaltyLastN;
    this.normalize = other.normalize;
    this.promptIgnoreLength = other.promptIgnoreLength;
    this.ignored = other.ignored;
    this.window = other.window.copy();
  }

  /**
   * The penalty.
   *
   * @return {@code repetition_penalty}
   */
  public float penalty() {
    return penalty;
  }

  /**
   * The window length.
   *
   * @return {@code penalty_last_n}: N, -1 for the whole history, 0 when disabled
   */
  public int penaltyLastN() {
    return penaltyLastN;
  }

  @Override
  public void apply(Candidates c) {
    if (penalty == 1f) {
      return;
    }
    if (normalize) {
      if (window.counts().size() > 0) {
        shift = c.maxLogit() + c.logNormalizer();
        HistoryStages.editCounted(c, window.counts(), normalizedEdit, this);
      }
    } else {
      HistoryStages.editCounted(c, window.counts(), edit, this);
    }
  }

  private float normalized(float logit) {
    return (logit - shift) * penalty + shift;
  }

  private float penalize(float logit) {
    return logit <= 0f ? logit * penalty : logit / penalty;
  }

  /** @return {@code repetition_penalty_normalize} */
  public boolean normalize() {
    return normalize;
  }

  /** @return {@code prompt_ignore_length} */
  public int promptIgnoreLength() {
    return promptIgnoreLength;
  }

  @Override
  public void accept(int token) {
    if (ignored < promptIgnoreLength) {
      ignored++;
      return;
    }
    window.accept(token);
  }

  @Override
  public void reset() {
    window.reset();
    ignored = 0;
  }

  @Override
  public Stage copy() {
    return new RepetitionPenalty(this);
  }

  @Override
  public void saveState(DataOutput out) throws IOException {
    window.write(out);
    if (promptIgnoreLength > 0) {
      out.writeInt(ignored);
    }
  }

  @Override
  public void restoreState(DataInput in) throws IOException {
    window.read(in);
    if (promptIgnoreLength > 0) {
      int n = in.readInt();
      if (n < 0 || n > promptIgnoreLength) {
        throw new IOException("ignored prompt tokens " + n + " outside [0, "
            + promptIgnoreLength + "]");
      }
      ignored = n;
    }
  }

  @Override
  public String toString() {
    return "repetition_penalty=" + penalty + ",penalty_last_n=" + penaltyLastN
        + (normalize ? ",repetition_penalty_normalize=true" : "")
        + (promptIgnoreLength > 0 ? ",prompt_ignore_length=" + promptIgnoreLength : "");
  }
}
