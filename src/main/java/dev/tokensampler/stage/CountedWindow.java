package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The last N accepted tokens and how often each occurs among them (llama.cpp's penalty window: a
 * ring buffer and incremental counts). N is fixed: {@code > 0}, the whole history, or 0 (nothing
 * is kept). Storage grows with the tokens actually seen, never with N (see {@link TokenHistory}).
 * Not thread-safe.
 */
final class CountedWindow {
  /** Null when the window is empty by definition (N = 0). */
  private final TokenHistory history;
  private final TokenCounts counts;

  /**
   * An empty window.
   *
   * @param capacity a {@link TokenHistory} capacity, or 0 to keep nothing
   */
  CountedWindow(int capacity) {
    this.history = capacity == 0 ? null : new TokenHistory(capacity);
    this.counts = new TokenCounts();
  }

  private CountedWindow(CountedWindow other) {
    this.history = other.history == null ? null : other.history.copy();
    this.counts = other.counts.copy();
  }

  CountedWindow copy() {
    return new CountedWindow(this);
  }

  void accept(int token) {
    HistoryStages.checkToken(token);
    if (history == null) {
      return;
    }
    int dropped = history.push(token);
    if (dropped >= 0) {
      counts.add(dropped, -1);
    }
    counts.add(token, 1);
  }

  void reset() {
    if (history != null) {
      history.clear();
    }
    counts.clear();
  }

  /** The count of each token in the window. */
  TokenCounts counts() {
    return counts;
  }

  void write(DataOutput out) throws IOException {
    if (history == null) {
      out.writeInt(0);
    } else {
      history.write(out);
    }
  }

  void read(DataInput in) throws IOException {
    if (history == null) {
      int count = in.readInt();
      if (count != 0) {
        throw new IOException("a disabled window holds no tokens, got " + count);
      }
      return;
    }
    history.read(in);
    counts.clear();
    for (int i = 0; i < history.size(); i++) {
      counts.add(history.get(i), 1);
    }
  }
}
