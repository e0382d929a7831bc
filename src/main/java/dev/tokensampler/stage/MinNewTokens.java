package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Forbids ending too early: every EOS token gets the logit {@code -Infinity} until
 * {@code min_new_tokens} new tokens have been generated.
 *
 * <p>Source: Hugging Face transformers {@code MinNewTokensLengthLogitsProcessor}
 * ({@code min_new_tokens}, {@code >= 0}, default 0 = no effect; {@code eos_token_id}, one id or
 * several). transformers counts {@code input_ids} length minus the prompt length; llama.cpp has
 * no such sampler (its {@code min_keep} is unrelated).
 *
 * <p><b>Which tokens count.</b> Prompt tokens reach a stage through {@code Sampler.accept} before
 * the first {@code sample}, generated tokens through the sampler's own accept after each draw. So
 * the rule is: the prompt is what this stage is told before it is first applied; every token
 * accepted after its first {@code apply} (since construction or {@link #reset()}) is a new token,
 * including tokens the caller feeds mid-generation, which transformers also counts. A first
 * step that fails (invalid logits, or a later stage of the {@link Chain} throws) leaves the stage
 * reading the prompt: the chain undoes the end of the prompt. This needs no
 * change to the sampler, but the stage must be applied on every step: put it before any stage
 * that may select the token (such as greedy), as transformers and llama.cpp put their
 * constraints first. Call {@code Sampler.reset()} before a new prompt.
 *
 * <p>Stateful (one counter, saved and restored, capped at {@code min_new_tokens}); each sampler
 * needs its own {@link #copy()}. Nothing is allocated per token. Before it masks an EOS token it
 * validates the logits (one max pass, unless a stage before it already made one), so that a NaN
 * or {@code +Infinity} at an EOS token is still an error. If every candidate is an EOS token, the
 * sampler throws (see {@link Candidates}).
 */
public final class MinNewTokens extends StepUndo implements Stage {
  /** The count before the first apply: still reading the prompt. */
  private static final int PROMPT = -1;

  private final int minNewTokens;
  private final int[] eosTokenIds;
  private int generated = PROMPT;
  /** Whether the last apply ended the prompt, for {@link #undoStep()}. */
  private boolean endedPrompt;

  /**
   * A minimum-length stage.
   *
   * @param minNewTokens {@code min_new_tokens}, {@code >= 0}; 0 disables the stage
   * @param eosTokenIds {@code eos_token_id}: one or more ids {@code >= 0}; copied
   * @throws NullPointerException if {@code eosTokenIds} is null
   * @throws IllegalArgumentException if {@code minNewTokens < 0}, no EOS id is given, or one is
   *     negative
   */
  public MinNewTokens(int minNewTokens, int... eosTokenIds) {
    Objects.requireNonNull(eosTokenIds, "eos_token_id");
    if (minNewTokens < 0) {
      throw new IllegalArgumentException("min_new_tokens must be >= 0, got " + minNewTokens);
    }
    if (eosTokenIds.length == 0) {
      throw new IllegalArgumentException("eos_token_id must name at least one token, got []");
    }
    for (int id : eosTokenIds) {
      if (id < 0) {
        throw new IllegalArgumentException("eos_token_id must be >= 0, got " + id);
      }
    }
    this.minNewTokens = minNewTokens;
    this.eosTokenIds = eosTokenIds.clone();
  }

  private MinNewTokens(MinNewTokens other) {
    this.minNewTokens = other.minNewTokens;
    this.eosTokenIds = other.eosTokenIds;
    this.generated = other.generated;
  }

  /**
   * The minimum number of new tokens.
   *
   * @return {@code min_new_tokens}
   */
  public int minNewTokens() {
    return minNewTokens;
  }

  /**
   * The EOS token ids.
   *
   * @return a copy of {@code eos_token_id}
   */
  public int[] eosTokenIds() {
    return eosTokenIds.clone();
  }

  /**
   * Starts counting new tokens on the first call, and bans the EOS tokens while fewer than
   * {@code min_new_tokens} have been accepted since.
   *
   * @param c the candidates
   * @throws IllegalArgumentException if an EOS id is not below the vocabulary size, or an EOS
   *     token is to be masked and the logits are invalid (NaN, +Infinity, all -Infinity)
   */
  @Override
  public void apply(Candidates c) {
    endedPrompt = false;
    if (generated == PROMPT) {
      if (minNewTokens > 0) {
        // Invalid logits fail here, before the prompt ends: the caller may go on feeding it.
        c.maxLogit();
      }
      generated = 0;
      endedPrompt = true;
    }
    if (generated >= minNewTokens) {
      return;
    }
    for (int id : eosTokenIds) {
      if (id >= c.vocabularySize()) {
        throw new IllegalArgumentException("eos_token_id " + id
            + " is outside the vocabulary of size " + c.vocabularySize());
      }
    }
    for (int id : eosTokenIds) {
      int position = c.logitView().positionOf(id);
      if (position >= 0 && c.logit(position) != Float.NEGATIVE_INFINITY) {
        c.mask(position);
      }
    }
  }

  /** The chain's step failed: a prompt that this step's apply ended goes on. */
  @Override
  void undoStep() {
    if (endedPrompt) {
      generated = PROMPT;
      endedPrompt = false;
    }
  }

  @Override
  public void accept(int token) {
    HistoryStages.checkToken(token);
    endedPrompt = false;
    if (generated != PROMPT && generated < minNewTokens) {
      generated++;
    }
  }

  @Override
  public void reset() {
    generated = PROMPT;
    endedPrompt = false;
  }

  @Override
  public Stage copy() {
    return new MinNewTokens(this);
  }

  /** Writes the count of new tokens (capped at {@code min_new_tokens}), or -1 before the first apply. */
  @Override
  public void saveState(DataOutput out) throws IOException {
    out.writeInt(generated);
  }

  @Override
  public void restoreState(DataInput in) throws IOException {
    int value = in.readInt();
    if (value < PROMPT || value > minNewTokens) {
      throw new IOException("new token count out of range [-1, " + minNewTokens + "]: " + value);
    }
    generated = value;
  }

  @Override
  public String toString() {
    return "min_new_tokens=" + minNewTokens + ",eos_token_id=" + Arrays.toString(eosTokenIds);
  }
}
