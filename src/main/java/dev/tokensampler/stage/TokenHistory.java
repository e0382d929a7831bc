package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The most recent tokens accepted by a stage, in a ring buffer.
 *
 * <p>The array grows with the tokens actually held, never with the capacity asked for: it starts
 * small and doubles when full, so its allocation amortises to zero per token and stops once the
 * history stops growing. A bounded history keeps the last {@code capacity} tokens (once it holds
 * that many, each new token replaces the oldest); an unbounded history ({@link #UNBOUNDED}) keeps
 * every token. Either holds at most {@link #MAX_UNBOUNDED} tokens: a capacity above it behaves as
 * the unbounded history (which throws when full). Not thread-safe.
 */
final class TokenHistory {
  /** The capacity of a history that keeps every token. */
  static final int UNBOUNDED = -1;
  /** The most tokens an unbounded history holds (2^28, 1 GiB of ids). */
  static final int MAX_UNBOUNDED = 1 << 28;
  private static final int INITIAL = 64;

  private final int capacity;
  private int[] tokens;
  /** Index of the oldest token. */
  private int first;
  private int size;

  /**
   * An empty history.
   *
   * @param capacity the number of tokens kept, at least 1, or {@link #UNBOUNDED}
   */
  TokenHistory(int capacity) {
    if (capacity != UNBOUNDED && capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1 or UNBOUNDED, got " + capacity);
    }
    this.capacity = capacity > MAX_UNBOUNDED ? UNBOUNDED : capacity;
    this.tokens = new int[this.capacity == UNBOUNDED ? INITIAL : Math.min(this.capacity, INITIAL)];
  }

  private TokenHistory(TokenHistory other) {
    this.capacity = other.capacity;
    this.tokens = other.tokens.clone();
    this.first = other.first;
    this.size = other.size;
  }

  /**
   * An independent copy.
   *
   * @return a history with the same capacity and tokens
   */
  TokenHistory copy() {
    return new TokenHistory(this);
  }

  /**
   * Appends a token, dropping the oldest one of a full bounded history.
   *
   * @param token the token id
   * @return the dropped token, or -1 if none was dropped
   * @throws IllegalStateException if an unbounded history already holds {@link #MAX_UNBOUNDED}
   */
  int push(int token) {
    if (size == tokens.length) {
      if (size == capacity) {
        int dropped = tokens[first];
        tokens[first] = token;
        first = next(first);
        return dropped;
      }
      grow();
    }
    tokens[index(size)] = token;
    size++;
    return -1;
  }

  private void grow() {
    if (tokens.length >= MAX_UNBOUNDED) {
      throw new IllegalStateException(
          "token history is full: " + MAX_UNBOUNDED + " tokens since the last reset");
    }
    int limit = capacity == UNBOUNDED ? MAX_UNBOUNDED : capacity;
    int[] grown = new int[(int) Math.min(tokens.length * 2L, limit)];
    for (int i = 0; i < size; i++) {
      grown[i] = tokens[index(i)];
    }
    tokens = grown;
    first = 0;
  }

  private int next(int i) {
    return i + 1 == tokens.length ? 0 : i + 1;
  }

  private int index(int i) {
    int j = first + i;
    return j >= tokens.length ? j - tokens.length : j;
  }

  /**
   * The number of tokens held.
   *
   * @return at most the capacity
   */
  int size() {
    return size;
  }

  /**
   * A token counted from the oldest held.
   *
   * @param i 0 for the oldest, {@code size() - 1} for the newest
   * @return the token id
   */
  int get(int i) {
    return tokens[index(i)];
  }

  /**
   * A token counted from the newest (llama.cpp's {@code ring_buffer::rat}).
   *
   * @param i 0 for the newest, {@code size() - 1} for the oldest
   * @return the token id
   */
  int fromEnd(int i) {
    return tokens[index(size - 1 - i)];
  }

  /** Forgets every token; keeps the array. */
  void clear() {
    first = 0;
    size = 0;
  }

  /**
   * Writes the tokens held, oldest first: an int count, then the ids.
   *
   * @param out where they go
   * @throws IOException if {@code out} fails
   */
  void write(DataOutput out) throws IOException {
    out.writeInt(size);
    for (int i = 0; i < size; i++) {
      out.writeInt(get(i));
    }
  }

  /**
   * Replaces the tokens with ones written by {@link #write}; a bounded history keeps the newest
   * {@code capacity} of them.
   *
   * @param in where they come from
   * @throws IOException if {@code in} fails, or the count or an id is negative
   */
  void read(DataInput in) throws IOException {
    int count = in.readInt();
    if (count < 0 || (capacity == UNBOUNDED && count > MAX_UNBOUNDED)) {
      throw new IOException("token history length out of range: " + count);
    }
    if (capacity != UNBOUNDED && count > capacity) {
      throw new IOException(
          "token history length " + count + " exceeds the window of " + capacity);
    }
    // No array is sized from the count: a damaged count fails at the end of the input, having
    // grown the history only as far as the tokens actually present.
    clear();
    for (int i = 0; i < count; i++) {
      int token = in.readInt();
      if (token < 0) {
        throw new IOException("negative token id in history: " + token);
      }
      if (in instanceof StageStateInput) {
        ((StageStateInput) in).checkToken(token);
      }
      push(token);
    }
  }

  @Override
  public String toString() {
    int[] held = new int[size];
    for (int i = 0; i < size; i++) {
      held[i] = get(i);
    }
    return Arrays.toString(held);
  }
}
