package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * DRY ("don't repeat yourself"): penalises the tokens that would extend a repetition of the recent
 * text, more the longer the repetition. A token that would continue a repeated sequence of length
 * {@code L >= allowed_length} gets {@code logit -= multiplier * base^(L - allowed_length)} (with
 * the largest such L).
 *
 * <p>Source: llama.cpp's DRY sampler ({@code llama_sampler_init_dry}, ported there from koboldcpp;
 * parameters {@code dry_multiplier} default 0 = off, {@code dry_base} default 1.75,
 * {@code dry_allowed_length} default 2, {@code dry_penalty_last_n} default -1, and sequence
 * breakers, default {@code "\n", ":", "\"", "*"}). transformers has no DRY. The algorithm is
 * llama.cpp's, step by step:
 * <ol>
 *   <li>Over the last N tokens, scanning back from the newest, the first place where a sequence
 *       breaker occurs caps the repetition length: a repetition may not reach across it (with
 *       several breakers starting at that token, the longest that matches is used).
 *   <li>A Z-algorithm over the reversed window gives, for each earlier position, the length of the
 *       longest suffix of the window that also ends there (capped as above).
 *   <li>For each such length {@code >= allowed_length}, the token that followed that position gets
 *       the largest length seen.
 *   <li>Each candidate with a length gets the penalty, computed in double and stored as a float,
 *       unless it is itself a one-token breaker; the exponent is capped at
 *       {@code (int) (88.7228391f / ln(base))} (for {@code base > 1.000001}), which keeps
 *       {@code base^exponent} near the float range (with a large multiplier the penalty can still
 *       round to infinity, which bans the token, as in llama.cpp).
 * </ol>
 * Nothing happens while the window holds at most {@code allowed_length} tokens.
 *
 * <p>Differences from llama.cpp: sequence breakers are given as token-id sequences (llama.cpp's
 * {@code llama_sampler_init_dry_testing} form; llama.cpp's public constructor tokenises strings,
 * which needs the vocabulary: tokenise them yourself, every tokenisation you want to match);
 * the window holds at most {@link #MAX_WINDOW} tokens: {@code dry_penalty_last_n = -1} (llama.cpp:
 * the model's context size) and any larger value mean the last {@link #MAX_WINDOW} tokens, as a
 * context of that size would in llama.cpp; {@code dry_base < 1}, which llama.cpp treats as "off",
 * is an error (use multiplier 0).
 *
 * <p>Cost: one pass of the Z-algorithm over the window per {@code apply} (linear in the window,
 * so at most {@link #MAX_WINDOW} tokens however long the history), plus the breaker scan (linear
 * times the longest breaker). The window and the reused int array and hash map grow by doubling
 * with the tokens actually seen, up to the window, so nothing is allocated per token in steady
 * state. Only the penalised logits are edited on the whole vocabulary. Changes logits only.
 *
 * <p>Stateful: each sampler needs its own {@link #copy()}; state is saved and restored.
 */
public final class Dry implements Stage {
  /**
   * The most tokens the window holds (32,768): the cap of {@code dry_penalty_last_n}, which bounds
   * the cost of each {@code apply} and the memory of the stage.
   */
  public static final int MAX_WINDOW = 1 << 15;

  private static final float FLOAT_MAX_LOG = 88.7228391f;

  private final float multiplier;
  private final float base;
  private final int allowedLength;
  private final int penaltyLastN;
  /** Breakers sorted by head token; those with the same head are adjacent. */
  private final int[][] breakers;
  /** Head token to 1 + the index of its first breaker; read only after construction. */
  private final TokenCounts firstBreaker;
  /** The one-token breakers (value 1); read only after construction. */
  private final TokenCounts singleBreakers;
  private final int maxExponent;
  /** The largest id of any breaker, -1 without breakers. */
  private final int largestBreakerId;
  /** Null when the stage is disabled. */
  private final TokenHistory history;
  private int[] repeatCount = new int[0];
  private final TokenCounts maxRepeat = new TokenCounts();
  private final HistoryStages.CountedEdit edit = this::penalize;

  /**
   * A DRY stage.
   *
   * @param multiplier {@code dry_multiplier}, finite and {@code >= 0}; 0 disables the stage
   * @param base {@code dry_base}, finite and {@code >= 1}
   * @param allowedLength {@code dry_allowed_length}, {@code >= 1}: repetitions up to this length
   *     are free
   * @param penaltyLastN {@code dry_penalty_last_n}: {@code > 0} for the last N tokens, -1 for the
   *     whole history, 0 to disable the stage; either way at most the last {@link #MAX_WINDOW}
   * @param sequenceBreakers {@code dry_sequence_breakers} as token-id sequences, each non-empty
   *     (may be an empty list); copied
   * @throws NullPointerException if the list or a breaker is null
   * @throws IllegalArgumentException if a parameter is out of range, a breaker is empty or holds a
   *     negative id
   */
  public Dry(float multiplier, float base, int allowedLength, int penaltyLastN,
      List<int[]> sequenceBreakers) {
    if (!(multiplier >= 0f) || multiplier == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "dry_multiplier must be finite and >= 0 (0 disables it), got " + multiplier);
    }
    if (!(base >= 1f) || base == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("dry_base must be finite and >= 1, got " + base);
    }
    if (allowedLength < 1) {
      throw new IllegalArgumentException("dry_allowed_length must be >= 1, got " + allowedLength);
    }
    int capacity = HistoryStages.windowCapacity("dry_penalty_last_n", penaltyLastN);
    Objects.requireNonNull(sequenceBreakers, "dry_sequence_breakers");
    List<int[]> copies = new ArrayList<>();
    for (int b = 0; b < sequenceBreakers.size(); b++) {
      int[] breaker = Objects.requireNonNull(
          sequenceBreakers.get(b), "dry_sequence_breakers[" + b + "]");
      if (breaker.length == 0) {
        throw new IllegalArgumentException(
            "dry_sequence_breakers[" + b + "] must not be empty, got []");
      }
      for (int j = 0; j < breaker.length; j++) {
        if (breaker[j] < 0) {
          throw new IllegalArgumentException("dry_sequence_breakers[" + b + "][" + j
              + "] must be >= 0, got " + breaker[j]);
        }
      }
      copies.add(breaker.clone());
    }
    this.multiplier = multiplier;
    this.base = base;
    this.allowedLength = allowedLength;
    this.penaltyLastN = penaltyLastN;
    this.breakers = copies.stream()
        .sorted(Comparator.comparingInt((int[] s) -> s[0])).toArray(int[][]::new);
    this.firstBreaker = new TokenCounts();
    this.singleBreakers = new TokenCounts();
    for (int b = breakers.length - 1; b >= 0; b--) {
      int head = breakers[b][0];
      firstBreaker.put(head, b + 1);
      if (breakers[b].length == 1) {
        singleBreakers.put(head, 1);
      }
    }
    this.maxExponent = base > 1.000001f ? (int) (FLOAT_MAX_LOG / (float) Math.log(base)) : 0;
    int largest = -1;
    for (int[] breaker : breakers) {
      for (int id : breaker) {
        largest = Math.max(largest, id);
      }
    }
    this.largestBreakerId = largest;
    boolean enabled = multiplier != 0f && capacity != 0;
    int window = capacity == TokenHistory.UNBOUNDED ? MAX_WINDOW : Math.min(capacity, MAX_WINDOW);
    this.history = enabled ? new TokenHistory(window) : null;
  }

  private Dry(Dry other) {
    this.multiplier = other.multiplier;
    this.base = other.base;
    this.allowedLength = other.allowedLength;
    this.penaltyLastN = other.penaltyLastN;
    this.breakers = other.breakers;
    this.maxExponent = other.maxExponent;
    this.largestBreakerId = other.largestBreakerId;
    this.firstBreaker = other.firstBreaker;
    this.singleBreakers = other.singleBreakers;
    this.history = other.history == null ? null : other.history.copy();
  }

  /**
   * The penalty scale.
   *
   * @return {@code dry_multiplier}
   */
  public float multiplier() {
    return multiplier;
  }

  /**
   * The growth of the penalty per token of repetition.
   *
   * @return {@code dry_base}
   */
  public float base() {
    return base;
  }

  /**
   * The longest repetition that is not penalised.
   *
   * @return {@code dry_allowed_length}
   */
  public int allowedLength() {
    return allowedLength;
  }

  /**
   * The window length.
   *
   * @return {@code dry_penalty_last_n}: N, -1 for the whole history, 0 when disabled
   */
  public int penaltyLastN() {
    return penaltyLastN;
  }

  /**
   * The sequence breakers.
   *
   * @return copies of the breakers, ordered by their first token
   */
  public List<int[]> sequenceBreakers() {
    List<int[]> copies = new ArrayList<>(breakers.length);
    for (int[] breaker : breakers) {
      copies.add(breaker.clone());
    }
    return copies;
  }

  /**
   * Penalises the tokens that would extend a repetition.
   *
   * @param c the candidates
   * @throws IllegalArgumentException if a breaker id is not below the vocabulary size, or a logit
   *     is to be edited and the logits are invalid
   */
  @Override
  public void apply(Candidates c) {
    if (history == null) {
      return;
    }
    if (largestBreakerId >= c.vocabularySize()) {
      throw new IllegalArgumentException("dry_sequence_breakers token " + largestBreakerId
          + " is outside the vocabulary of size " + c.vocabularySize());
    }
    int n = history.size();
    if (n <= allowedLength) {
      return;
    }
    int limit = repetitionLimit(n);
    if (limit < allowedLength) {
      return;
    }
    countRepeats(n, limit);
    maxRepeat.clear();
    for (int i = 0; i < n - 1; i++) {
      int length = repeatCount[i];
      if (length >= allowedLength) {
        maxRepeat.max(history.fromEnd(n - 2 - i), length);
      }
    }
    HistoryStages.editCounted(c, maxRepeat, edit, this);
  }

  /**
   * Step 1: the longest repetition allowed by the newest sequence breaker in the window.
   *
   * @param n the window length
   * @return at most {@code n}
   */
  private int repetitionLimit(int n) {
    for (int i = 0; i < n; i++) {
      int token = history.fromEnd(i);
      int first = firstBreaker.get(token) - 1;
      if (first < 0) {
        continue;
      }
      int longest = -1;
      for (int b = first; b < breakers.length && breakers[b][0] == token; b++) {
        int tail = breakers[b].length - 1;
        if (tail > longest && tail <= i && tailMatches(breakers[b], i)) {
          longest = tail;
        }
      }
      if (longest >= 0) {
        return i - longest;
      }
    }
    return n;
  }

  /** Whether the breaker's tokens after its head follow the head at {@code i} from the end. */
  private boolean tailMatches(int[] breaker, int i) {
    for (int offset = 0; offset < breaker.length - 1; offset++) {
      if (breaker[offset + 1] != history.fromEnd(i - offset - 1)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Step 2: {@code repeatCount[n - 1 - k]} = the length, capped at {@code limit}, of the longest
   * common prefix of the reversed window and the reversed window from {@code k} (Z-algorithm).
   */
  private void countRepeats(int n, int limit) {
    if (repeatCount.length < n) {
      repeatCount = new int[Math.max(n, repeatCount.length * 2)];
    }
    Arrays.fill(repeatCount, 0, n, 0);
    int last = n - 1;
    int left = 0;
    int right = 0;
    for (int k = 1; k < n; k++) {
      if (k > right) {
        int m = 0;
        while (m + k < n && history.fromEnd(m) == history.fromEnd(m + k)) {
          m++;
        }
        repeatCount[last - k] = Math.min(m, limit);
        if (m > 0) {
          left = k;
          right = k + m - 1;
        }
      } else {
        int pair = k - left;
        int rightPart = right - k + 1;
        if (repeatCount[last - pair] < rightPart) {
          repeatCount[last - k] = Math.min(repeatCount[last - pair], limit);
        } else {
          int i = right + 1;
          while (i < n && history.fromEnd(i) == history.fromEnd(i - k)) {
            i++;
          }
          repeatCount[last - k] = Math.min(i - k, limit);
          left = k;
          right = i - 1;
        }
      }
    }
  }

  /** Penalises a token by its longest repeat, unless it is a one-token sequence breaker. */
  private float penalize(float logit, int token, int length) {
    return singleBreakers.get(token) == 0 ? logit - penalty(length) : logit;
  }

  /** Step 4: the penalty for a repetition of this length, in float as llama.cpp stores it. */
  private float penalty(int length) {
    int exponent = length - allowedLength;
    if (maxExponent > 0 && exponent > maxExponent) {
      exponent = maxExponent;
    }
    return (float) (multiplier * Math.pow(base, exponent));
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
    return new Dry(this);
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
        throw new IOException("a disabled DRY stage keeps no history, got " + count + " tokens");
      }
    } else {
      history.read(in);
    }
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("dry_multiplier=").append(multiplier)
        .append(",dry_base=").append(base)
        .append(",dry_allowed_length=").append(allowedLength)
        .append(",dry_penalty_last_n=").append(penaltyLastN)
        .append(",dry_sequence_breakers=");
    if (breakers.length > 16) {
      return text.append(breakers.length).append(" sequences #")
          .append(Integer.toHexString(Arrays.deepHashCode(breakers))).toString();
    }
    text.append('[');
    for (int b = 0; b < breakers.length; b++) {
      text.append(b == 0 ? "" : ",").append(Arrays.toString(breakers[b]).replace(" ", ""));
    }
    return text.append(']').toString();
  }
}
