package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Bans token sequences: the last token of a banned sequence gets the logit {@code -Infinity}
 * whenever the history ends with the rest of it. A one-token sequence is always banned.
 *
 * <p>Source: Hugging Face transformers {@code NoBadWordsLogitsProcessor} ({@code bad_words_ids},
 * a list of non-empty token-id lists), which is {@code SequenceBiasLogitsProcessor} with a bias of
 * {@code -Infinity}. transformers drops the one-token sequences equal to an EOS id
 * ({@code [eos_token_id]}); here the caller leaves those out. llama.cpp has no such sampler
 * (its {@code logit_bias} covers single tokens, see {@link LogitBias}).
 *
 * <p>The stage keeps the last {@code L - 1} accepted tokens, where L is the longest sequence, in a
 * ring buffer allocated once (nothing when every sequence is one token). Each {@code apply}
 * compares every multi-token sequence with the end of the history ({@code O(total length)}),
 * collects the banned tokens in a reused set, and writes {@code -Infinity} to those logits only
 * (on the whole vocabulary, after the one copy of the caller's logits that any first write of a
 * step costs, and a max pass that validates the logits first, so that a NaN or {@code +Infinity}
 * at a banned token is still an error). A sequence id not below the vocabulary size is an error
 * at {@code apply}; if every candidate is banned, the sampler throws (see {@link Candidates}).
 *
 * <p>Stateful: each sampler needs its own {@link #copy()}; state is saved and restored.
 */
public final class BannedSequences implements Stage {
  private final int[][] sequences;
  /** The largest id of any sequence. */
  private final int largestId;
  /** Null when every sequence is one token long. */
  private final TokenHistory history;
  private final TokenCounts banned = new TokenCounts();

  /**
   * A stage banning the given sequences.
   *
   * @param badWordsIds {@code bad_words_ids}: non-empty sequences of token ids {@code >= 0};
   *     copied
   * @throws NullPointerException if the list or a sequence is null
   * @throws IllegalArgumentException if the list or a sequence is empty, or an id is negative
   */
  public BannedSequences(List<int[]> badWordsIds) {
    Objects.requireNonNull(badWordsIds, "bad_words_ids");
    if (badWordsIds.isEmpty()) {
      throw new IllegalArgumentException("bad_words_ids must not be empty, got []");
    }
    this.sequences = new int[badWordsIds.size()][];
    int longest = 0;
    int largest = 0;
    for (int s = 0; s < sequences.length; s++) {
      int[] sequence = Objects.requireNonNull(badWordsIds.get(s), "bad_words_ids[" + s + "]");
      if (sequence.length == 0) {
        throw new IllegalArgumentException("bad_words_ids[" + s + "] must not be empty, got []");
      }
      for (int j = 0; j < sequence.length; j++) {
        if (sequence[j] < 0) {
          throw new IllegalArgumentException(
              "bad_words_ids[" + s + "][" + j + "] must be >= 0, got " + sequence[j]);
        }
      }
      sequences[s] = sequence.clone();
      longest = Math.max(longest, sequence.length);
      for (int id : sequence) {
        largest = Math.max(largest, id);
      }
    }
    this.largestId = largest;
    this.history = longest > 1 ? new TokenHistory(longest - 1) : null;
  }

  private BannedSequences(BannedSequences other) {
    this.sequences = other.sequences;
    this.largestId = other.largestId;
    this.history = other.history == null ? null : other.history.copy();
  }

  /**
   * The banned sequences.
   *
   * @return copies of the sequences, in the order given
   */
  public List<int[]> badWordsIds() {
    List<int[]> copies = new ArrayList<>(sequences.length);
    for (int[] sequence : sequences) {
      copies.add(sequence.clone());
    }
    return copies;
  }

  /**
   * Bans the last token of every sequence whose other tokens end the history.
   *
   * @param c the candidates
   * @throws IllegalArgumentException if an id of a sequence is not below the vocabulary size, or
   *     a token is to be banned and the logits are invalid
   */
  @Override
  public void apply(Candidates c) {
    if (largestId >= c.vocabularySize()) {
      throw new IllegalArgumentException("bad_words_ids token " + largestId
          + " is outside the vocabulary of size " + c.vocabularySize());
    }
    banned.clear();
    int length = history == null ? 0 : history.size();
    for (int[] sequence : sequences) {
      int prefix = sequence.length - 1;
      if (prefix > length) {
        continue;
      }
      int j = 0;
      while (j < prefix && history.fromEnd(j) == sequence[prefix - 1 - j]) {
        j++;
      }
      if (j == prefix) {
        banned.max(sequence[prefix], 1);
      }
    }
    HistoryStages.ban(c, banned);
  }

  @Override
  public void accept(int token) {
    HistoryStages.checkToken(token);
    if (history != null) {
      history.push(token);
    }
  }

  @Override
  public void reset() {
    if (history != null) {
      history.clear();
    }
  }

  @Override
  public Stage copy() {
    return new BannedSequences(this);
  }

  @Override
  public void saveState(DataOutput out) throws IOException {
    if (history == null) {
      out.writeInt(0);
    } else {
      history.write(out);
    }
  }

  @Override
  public void restoreState(DataInput in) throws IOException {
    if (history == null) {
      int count = in.readInt();
      if (count != 0) {
        throw new IOException("one-token bans keep no history, got " + count + " tokens");
      }
    } else {
      history.read(in);
    }
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("bad_words_ids=");
    int total = 0;
    for (int[] sequence : sequences) {
      total += sequence.length;
    }
    if (total > 32) {
      return text.append(sequences.length).append(" sequences #")
          .append(Integer.toHexString(Arrays.deepHashCode(sequences))).toString();
    }
    text.append('[');
    for (int s = 0; s < sequences.length; s++) {
      text.append(s == 0 ? "" : ",").append(Arrays.toString(sequences[s]).replace(" ", ""));
    }
    return text.append(']').toString();
  }
}
