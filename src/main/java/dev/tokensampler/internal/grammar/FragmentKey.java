package dev.tokensampler.internal.grammar;

import java.util.Arrays;

/**
 * What a truncated parse stack can read, written out canonically: the element sequences from
 * each of its positions to the end of their alternatives, then every rule they reach, numbered in
 * order of first reference, with byte classes written as their bits. Two truncated stacks with
 * equal keys read exactly the same byte strings and escape at the same places, in any grammar, so
 * their token masks can be shared across grammars. A fragment too large to write out gets a key
 * local to its grammar.
 */
final class FragmentKey {
  private static final int MAX_LENGTH = 1 << 14;

  private final long[] data;
  private final int hash;

  private FragmentKey(long[] data) {
    this.data = data;
    this.hash = Arrays.hashCode(data);
  }

  /**
   * The key of a set of truncated stacks: the keys of its stacks, sorted and joined, so that equal
   * multisets of fragments have equal keys.
   */
  static FragmentKey ofStacks(ParseEngine engine, IntList tops) {
    long[][] parts = new long[tops.size()][];
    int total = 1;
    for (int i = 0; i < parts.length; i++) {
      parts[i] = of(engine, tops.get(i)).data;
      total += parts[i].length + 1;
    }
    Arrays.sort(parts, Arrays::compare);
    long[] data = new long[total];
    int at = 0;
    data[at++] = parts.length;
    for (long[] p : parts) {
      data[at++] = p.length;
      System.arraycopy(p, 0, data, at, p.length);
      at += p.length;
    }
    return new FragmentKey(data);
  }

  static FragmentKey of(ParseEngine engine, int top) {
    ByteGrammar g = engine.grammar();
    IntList chain = new IntList(4);
    int bottom = -1;
    for (int x = top; x >= 0; x = engine.nodeParentOf(x)) {
      chain.add(engine.nodePosition(x));
      bottom = engine.nodeParentOf(x);
    }
    LongList out = new LongList();
    out.add(bottom);
    out.add(chain.size());
    int[] ruleIds = new int[g.ruleCount()];
    Arrays.fill(ruleIds, -1);
    IntList queue = new IntList(8);
    boolean complete = true;
    for (int i = 0; i < chain.size() && complete; i++) {
      complete = suffix(g, chain.get(i), out, ruleIds, queue);
    }
    for (int q = 0; q < queue.size() && complete; q++) {
      int r = queue.get(q);
      out.add(g.ruleAlts[r + 1] - g.ruleAlts[r]);
      for (int a = g.ruleAlts[r]; a < g.ruleAlts[r + 1] && complete; a++) {
        complete = suffix(g, g.alts[a], out, ruleIds, queue);
      }
    }
    if (!complete) {
      out = new LongList();
      out.add(-3);
      out.add(g.fingerprint());
      out.add(bottom);
      for (int i = 0; i < chain.size(); i++) {
        out.add(chain.get(i));
      }
    }
    return new FragmentKey(out.toArray());
  }

  private static boolean suffix(ByteGrammar g, int p, LongList out, int[] ruleIds, IntList queue) {
    for (; g.code[p] != ByteGrammar.END; p++) {
      int e = g.code[p];
      int v = ByteGrammar.value(e);
      if (ByteGrammar.kind(e) == ByteGrammar.KIND_CLASS) {
        out.add(1);
        out.add(g.classes[v * 4]);
        out.add(g.classes[v * 4 + 1]);
        out.add(g.classes[v * 4 + 2]);
        out.add(g.classes[v * 4 + 3]);
      } else {
        if (ruleIds[v] < 0) {
          ruleIds[v] = queue.size();
          queue.add(v);
        }
        out.add(2L << 32 | ruleIds[v]);
      }
      if (out.size() > MAX_LENGTH) {
        return false;
      }
    }
    out.add(0);
    return true;
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
