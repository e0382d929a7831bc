package dev.tokensampler.internal.grammar;

import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * What grammar fragments can read, written out canonically so that equal keys read exactly the
 * same byte strings and escape at the same places, in any grammar; their token masks can then be
 * shared across grammars. Three kinds:
 *
 * <ul>
 *   <li>a rule ({@link #ofRule}): its alternatives, then every rule they reach, numbered in order
 *       of first reference, with byte classes written as their bits (a rule too large to write
 *       out gets a key local to its grammar);
 *   <li>a truncated parse stack ({@link #ofStack}): how it ends (the cut or the bottom), then the
 *       element sequences from each of its positions to the end of their alternatives, a rule
 *       written as the interned id of its rule key;
 *   <li>a set of truncated stacks ({@link #ofStackIds}): the sorted interned ids of their stack
 *       keys.
 * </ul>
 *
 * Ids come from {@link FragmentMasks#intern}, which never gives one id to two keys.
 */
final class FragmentKey {
  private static final int MAX_LENGTH = 1 << 14;
  private static final long RULE_TAG = -10;
  private static final long LOCAL_RULE_TAG = -11;
  private static final long STACK_TAG = -12;

  private final long[] data;
  private final int hash;

  private FragmentKey(long[] data) {
    this.data = data;
    this.hash = Arrays.hashCode(data);
  }

  /**
   * The key of a set of truncated stacks from the interned ids of their stack keys: sorted, so
   * that equal multisets of fragments have equal keys.
   *
   * @param ids the stack ids; sorted in place
   * @param n how many of {@code ids} to use
   */
  static FragmentKey ofStackIds(long[] ids, int n) {
    Arrays.sort(ids, 0, n);
    return new FragmentKey(Arrays.copyOf(ids, n));
  }

  /** @return the number of longs the key holds */
  int length() {
    return data.length;
  }

  /**
   * The key of the truncated stack topped by a node.
   *
   * @param engine the engine holding the node
   * @param top the top node
   * @param ruleIds the interned id of each rule's key ({@link #ofRule})
   */
  static FragmentKey ofStack(ParseEngine engine, int top, IntToLongFunction ruleIds) {
    ByteGrammar g = engine.grammar();
    LongList out = new LongList();
    out.add(STACK_TAG);
    int bottom = -1;
    int depth = 0;
    for (int x = top; x >= 0; x = engine.nodeParentOf(x)) {
      depth++;
      bottom = engine.nodeParentOf(x);
    }
    out.add(bottom);
    out.add(depth);
    for (int x = top; x >= 0; x = engine.nodeParentOf(x)) {
      for (int p = engine.nodePosition(x); g.code[p] != ByteGrammar.END; p++) {
        int e = g.code[p];
        int v = ByteGrammar.value(e);
        if (ByteGrammar.kind(e) == ByteGrammar.KIND_CLASS) {
          addClass(g, v, out);
        } else {
          out.add(2);
          out.add(ruleIds.applyAsLong(v));
        }
      }
      out.add(0);
    }
    return new FragmentKey(out.toArray());
  }

  /**
   * The key of a rule: its alternatives and everything they reach.
   *
   * @param g the grammar
   * @param rule the rule
   */
  static FragmentKey ofRule(ByteGrammar g, int rule) {
    LongList out = new LongList();
    out.add(RULE_TAG);
    int[] local = new int[g.ruleCount()];
    Arrays.fill(local, -1);
    IntList queue = new IntList(8);
    local[rule] = 0;
    queue.add(rule);
    boolean complete = true;
    for (int q = 0; q < queue.size() && complete; q++) {
      int r = queue.get(q);
      out.add(g.ruleAlts[r + 1] - g.ruleAlts[r]);
      for (int a = g.ruleAlts[r]; a < g.ruleAlts[r + 1] && complete; a++) {
        complete = suffix(g, g.alts[a], out, local, queue);
      }
    }
    if (!complete) {
      return new FragmentKey(new long[] {LOCAL_RULE_TAG, g.fingerprint(), g.size(), rule});
    }
    return new FragmentKey(out.toArray());
  }

  private static boolean suffix(ByteGrammar g, int p, LongList out, int[] local, IntList queue) {
    for (; g.code[p] != ByteGrammar.END; p++) {
      int e = g.code[p];
      int v = ByteGrammar.value(e);
      if (ByteGrammar.kind(e) == ByteGrammar.KIND_CLASS) {
        addClass(g, v, out);
      } else {
        if (local[v] < 0) {
          local[v] = queue.size();
          queue.add(v);
        }
        out.add(2L << 32 | local[v]);
      }
      if (out.size() > MAX_LENGTH) {
        return false;
      }
    }
    out.add(0);
    return true;
  }

  private static void addClass(ByteGrammar g, int v, LongList out) {
    out.add(1);
    out.add(g.classes[v * 4]);
    out.add(g.classes[v * 4 + 1]);
    out.add(g.classes[v * 4 + 2]);
    out.add(g.classes[v * 4 + 3]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FragmentKey && ((FragmentKey) o).hash == hash
        && Arrays.equals(((FragmentKey) o).data, data);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  /** A growable list of longs. */
  private static final class LongList {
    private long[] a = new long[64];
    private int n;

    void add(long v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int size() {
      return n;
    }

    long[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
