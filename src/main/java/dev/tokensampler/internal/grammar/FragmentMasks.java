package dev.tokensampler.internal.grammar;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The token masks of grammar fragments (truncated parse stacks, see {@link FragmentKey}) for one
 * vocabulary, shared by every grammar and thread: for each fragment, the tokens it reads whatever
 * lies below the cut (accepted), and the tokens whose fate depends on it (uncertain, to be
 * checked against the whole stack).
 *
 * <p>Memory is bounded by a budget in bytes ({@link #DEFAULT_BUDGET_BYTES} unless given), counting
 * the masks, their keys and the interned stack keys, each with a fixed overhead per entry. Past the
 * budget, the least recently used masks go first; the table of interned rule and stack keys, once
 * it holds more than a quarter of the budget, is emptied (stack ids are never reused, so a mask
 * keyed by an id from before stays correct; it is only found again by a caller that kept the id). A
 * single mask larger than the budget is not kept. Thread-safe.
 */
final class FragmentMasks {
  /** Fragments with more uncertain tokens than this are walked whole instead. */
  static final int MAX_UNCERTAIN = 3000;
  /** The budget of the masks of one vocabulary: 64 MiB. */
  static final long DEFAULT_BUDGET_BYTES = 64L << 20;
  /** Bytes counted per table entry beyond its arrays (headers, references, map nodes). */
  static final long ENTRY_OVERHEAD = 96;

  /** A fragment's mask; {@code accepted == null} if it has too many uncertain tokens. */
  static final class Entry {
    final long[] accepted;
    final int[] uncertain;

    Entry(long[] accepted, int[] uncertain) {
      this.accepted = accepted;
      this.uncertain = uncertain;
    }

    long bytes() {
      return (accepted == null ? 0 : 8L * accepted.length)
          + (uncertain == null ? 0 : 4L * uncertain.length);
    }
  }

  private final long budget;
  private final LinkedHashMap<FragmentKey, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private final HashMap<FragmentKey, Long> stackIds = new HashMap<>();
  private long entryBytes;
  private long stackBytes;
  private long nextStackId;
  private int generation;

  FragmentMasks() {
    this(DEFAULT_BUDGET_BYTES);
  }

  /** @param budget the most bytes to keep, counted as the class comment says; at least 1 */
  FragmentMasks(long budget) {
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be positive, got " + budget);
    }
    this.budget = budget;
  }

  synchronized Entry get(FragmentKey key) {
    return entries.get(key);
  }

  synchronized void put(FragmentKey key, Entry e) {
    long size = cost(key, e);
    if (size > budget) {
      return;
    }
    Entry old = entries.put(key, e);
    if (old != null) {
      entryBytes -= cost(key, old);
    }
    entryBytes += size;
    var it = entries.entrySet().iterator();
    while (entryBytes + stackBytes > budget && it.hasNext()) {
      Map.Entry<FragmentKey, Entry> oldest = it.next();
      if (oldest.getKey().equals(key)) {
        continue;
      }
      entryBytes -= cost(oldest.getKey(), oldest.getValue());
      it.remove();
    }
  }

  /**
   * The id of a rule's or a truncated stack's key: equal keys get equal ids while the key stays
   * in the table, and an id is never given to another key.
   *
   * @param stack the key ({@link FragmentKey#ofRule}, {@link FragmentKey#ofStack})
   * @return its id
   */
  synchronized long intern(FragmentKey stack) {
    Long id = stackIds.get(stack);
    if (id == null) {
      long size = ENTRY_OVERHEAD + 8L * stack.length();
      if (stackBytes + size > budget / 4) {
        stackIds.clear();
        stackBytes = 0;
        generation++;
      }
      id = nextStackId++;
      stackIds.put(stack, id);
      stackBytes += size;
      while (entryBytes + stackBytes > budget && !entries.isEmpty()) {
        var it = entries.entrySet().iterator();
        Map.Entry<FragmentKey, Entry> oldest = it.next();
        entryBytes -= cost(oldest.getKey(), oldest.getValue());
        it.remove();
      }
    }
    return id;
  }

  /** @return a number that changes whenever the stack-key table is emptied */
  synchronized int generation() {
    return generation;
  }

  /** @return the bytes counted against the budget */
  synchronized long bytes() {
    return entryBytes + stackBytes;
  }

  /** @return the budget in bytes */
  long budget() {
    return budget;
  }

  /** @return the number of masks kept */
  synchronized int size() {
    return entries.size();
  }

  private static long cost(FragmentKey key, Entry e) {
    return 2 * ENTRY_OVERHEAD + 8L * key.length() + e.bytes();
  }
}
