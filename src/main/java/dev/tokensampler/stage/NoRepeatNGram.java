package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Bans every token that would complete an n-gram already in the history: if the last
 * {@code n - 1} tokens occurred before, followed by token {@code t}, then {@code t} gets the logit
 * {@code -Infinity}.
 *
 * <p>Source: Hugging Face transformers {@code NoRepeatNGramLogitsProcessor}
 * ({@code no_repeat_ngram_size}, an integer {@code >= 1}; transformers' default 0 means no such
 * processor, so here: do not add the stage). {@code n = 1} bans every token of the history. With
 * fewer than {@code n - 1} tokens in the history nothing is banned. llama.cpp has no such sampler.
 *
 * <p>The history is every token {@linkplain #accept accepted} (prompt and generated, as
 * transformers' {@code input_ids}), kept whole: an array that doubles when full (allocation
 * amortises to zero per token; at most 2^28 tokens since the last reset). Each
 * {@code apply} scans it, {@code O(length * n)} comparisons at worst and nothing allocated in
 * steady state; banned tokens are collected in a reused set, then written as {@code -Infinity}
 * (only those logits on the whole vocabulary, after a max pass that validates the logits, so that
 * a NaN or {@code +Infinity} at a banned token is still an error). If every candidate is banned,
 * the sampler throws (see {@link Candidates}).
 *
 * <p>Stateful: each sampler needs its own {@link #copy()}; state is saved and restored.
 */
public final class NoRepeatNGram implements Stage {
  private final int ngramSize;
  private final TokenHistory history;
  private final TokenCounts banned = new TokenCounts();

  /**
   * A no-repeat n-gram stage.
   *
   * @param ngramSize {@code no_repeat_ngram_size} n, {@code >= 1}
   * @throws IllegalArgumentException if {@code ngramSize < 1}
   */
  public NoRepeatNGram(int ngramSize) {
    if (ngramSize < 1) {
      throw new IllegalArgumentException(
          "no_repeat_ngram_size must be >= 1 (leave the stage out to disable it), got "
              + ngramSize);
    }
    this.ngramSize = ngramSize;
    this.history = new TokenHistory(TokenHistory.UNBOUNDED);
  }

  private NoRepeatNGram(NoRepeatNGram other) {
    this.ngramSize = other.ngramSize;
    this.history = other.history.copy();
  }

  /**
   * The n-gram length.
   *
   * @return {@code no_repeat_ngram_size}
   */
  public int ngramSize() {
    return ngramSize;
  }

  @Override
  public void apply(Candidates c) {
    int length = history.size();
    int prefix = ngramSize - 1;
    if (length < prefix) {
      return;
    }
    banned.clear();
    // Every n-gram start whose first n - 1 tokens equal the last n - 1 tokens of the history.
    for (int start = 0; start + ngramSize <= length; start++) {
      int j = prefix - 1;
      while (j >= 0 && history.get(start + j) == history.get(length - prefix + j)) {
        j--;
      }
      if (j < 0) {
        banned.max(history.get(start + prefix), 1);
      }
    }
    HistoryStages.ban(c, banned);
  }

  @Override
  public void accept(int token) {
    history.push(HistoryStages.checkToken(token));
  }

  @Override
  public void reset() {
    history.clear();
  }

  @Override
  public Stage copy() {
    return new NoRepeatNGram(this);
  }

  @Override
  public void saveState(DataOutput out) throws IOException {
    history.write(out);
  }

  @Override
  public void restoreState(DataInput in) throws IOException {
    history.read(in);
  }

  @Override
  public String toString() {
    return "no_repeat_ngram_size=" + ngramSize;
  }
}
