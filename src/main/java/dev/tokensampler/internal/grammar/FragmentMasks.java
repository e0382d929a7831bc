package dev.tokensampler.internal.grammar;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The token masks of grammar fragments (truncated parse stacks, see {@link FragmentKey}) for one
 * vocabulary, shared by every grammar and thread: for each fragment, the tokens it reads whatever
 * lies below the cut (accepted), and the tokens whose fate depends on it (uncertain, to be
 * checked against the whole stack). Least recently used entries go first past a memory budget.
 */
final class FragmentMasks {
  /** Fragments with more uncertain tokens than this are walked whole instead. */
  static final int MAX_UNCERTAIN = 3000;
  private static final long BUDGET_BYTES = 64L << 20;

  /** A fragment's mask; {@code accepted == null} if it has too many uncertain tokens. */
  static final class Entry {
    final long[] accepted;
    final int[] uncertain;

    Entry(long[] accepted, int[] uncertain) {
      this.accepted = accepted;
      this.uncertain = uncertain;
    }

    long bytes() {
      return 64 + (accepted == null ? 0 : 8L * accepted.length)
          + (uncertain == null ? 0 : 4L * uncertain.length);
    }
  }

  private final LinkedHashMap<FragmentKey, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  synchronized Entry get(FragmentKey key) {
    return entries.get(key);
  }

  synchronized void put(FragmentKey key, Entry e) {
    Entry old = entries.put(key, e);
    if (old != null) {
      bytes -= old.bytes();
    }
    bytes += e.bytes();
    var it = entries.entrySet().iterator();
    while (bytes > BUDGET_BYTES && it.hasNext()) {
      Map.Entry<FragmentKey, Entry> oldest = it.next();
      if (oldest.getKey().equals(key)) {
        continue;
      }
      bytes -= oldest.getValue().bytes();
      it.remove();
    }
  }
}
