package dev.tokensampler.internal.grammar;

import java.util.Arrays;

/**
 * Runs a {@link ByteGrammar} as a pushdown automaton over bytes, with every parse stack and every
 * set of stacks interned, so that the automaton's states are small integers and its transitions
 * (state, byte) are cached: a lazily built deterministic automaton over sets of stacks.
 *
 * <p>A stack is a chain of nodes (position, parent); the top node's position holds a byte class.
 * A reference whose return position would be the end of an alternative pushes nothing (tail
 * calls), so repetition does not grow stacks. State 0 is dead (no stack, not accepting). A state
 * is accepting when some parse has matched the whole start rule.
 *
 * <p>Memory grows with the states met; {@link #needsCompaction} tells a caller when to rebuild
 * with {@link #compact}. Not thread-safe: one per sequence.
 */
public final class ParseEngine {
  /** The dead state. */
  public static final int DEAD = 0;
  /**
   * The parent of the bottom node of a truncated stack: popping into it marks the state
   * {@linkplain #isEscaped escaped} (what follows depends on the stack below the cut).
   */
  public static final int ESCAPE = -2;
  private static final int ACCEPT = 1;
  private static final int ESCAPED = 2;
  private static final int SOFT_NODES = 1 << 20;
  private static final int SOFT_ROWS = 1 << 13;
  private static final int HARD_ROWS = 1 << 16;
  private static final int MAX_NODES = 1 << 23;
  private static final int MAX_SET_SIZE = 1 << 16;

  final ByteGrammar g;
  private final int[] code;

  // Nodes.
  private int[] nodePos = new int[256];
  private int[] nodeParent = new int[256];
  private int[] nodeNext = new int[256];
  private int[] nodeSingle = new int[256];
  private int[] closStart = new int[256];
  private int[] closLen = new int[256];
  private byte[] closFlags = new byte[256];
  private int nodeCount;
  private int[] nodeTable = new int[512];
  private int[] closPool = new int[1024];
  private int closPoolSize;

  // Sets of stacks (states).
  private int[] setStart = new int[64];
  private int[] setLen = new int[64];
  private byte[] setFlags = new byte[64];
  private int[] setRow = new int[64];
  private int[] setHash = new int[64];
  private int setCount;
  private int[] setPool = new int[1024];
  private int setPoolSize;
  private int[] setTable = new int[128];
  private int[] rows = new int[256 * 16];
  private int rowCount;

  private int initial;
  /** Per state: the bytes that lead back to it (four words), once {@code loopsKnown}. */
  private long[] loops = new long[256];
  private boolean[] loopsKnown = new boolean[64];
  private int[] loopVisits = new int[64];

  // Scratch.
  private int[] visit = new int[256];
  private int visitGen;
  private int[] seen = new int[256];
  private int seenGen;
  private int[] mark = new int[256];
  private int markGen;
  private int[] stateMarks = new int[256];
  private int stateMarkGen;
  private final IntList closureStack = new IntList(64);
  private final IntList work = new IntList(64);
  private final IntList items = new IntList(64);
  private final IntList merged = new IntList(64);

  /**
   * An engine for a grammar.
   *
   * @param g the grammar
   */
  public ParseEngine(ByteGrammar g) {
    this.g = g;
    this.code = g.code;
    clear();
  }

  private void clear() {
    nodeCount = 0;
    Arrays.fill(nodeTable, 0);
    closPoolSize = 0;
    setCount = 0;
    setPoolSize = 0;
    Arrays.fill(setTable, 0);
    rowCount = 0;
    Arrays.fill(loops, 0L);
    Arrays.fill(loopsKnown, false);
    Arrays.fill(loopVisits, 0);
    merged.clear();
    internSet(merged, 0); // DEAD = 0
    for (int a = g.ruleAlts[g.root]; a < g.ruleAlts[g.root + 1]; a++) {
      work.add(node(g.alts[a], -1));
    }
    initial = unionOfClosures();
  }

  /** @return the start state */
  public int initial() {
    return initial;
  }

  /** @return whether the state has matched the whole start rule */
  public boolean isAccepting(int state) {
    return (setFlags[state] & ACCEPT) != 0;
  }

  /** @return whether some stack can still read a byte */
  public boolean canContinue(int state) {
    return setLen[state] > 0;
  }

  /**
   * The state after one byte.
   *
   * @param state a state
   * @param b the byte, 0..255
   * @return the next state, {@link #DEAD} if no stack can read it
   */
  public int step(int state, int b) {
    int row = setRow[state];
    if (row >= 0) {
      int t = rows[row * 256 + b];
      if (t != 0) {
        return t - 1;
      }
    }
    return computeStep(state, b);
  }

  private int computeStep(int state, int b) {
    work.clear();
    for (int i = setStart[state], end = i + setLen[state]; i < end; i++) {
      int x = setPool[i];
      int p = nodePos[x];
      if (g.classContains(ByteGrammar.value(code[p]), b)) {
        work.add(next(x));
      }
    }
    int result = work.size() == 0 ? DEAD : unionOfClosures();
    int row = setRow[state];
    if (row < 0 && rowCount < HARD_ROWS) {
      row = rowCount++;
      if (rows.length < rowCount * 256) {
        rows = Arrays.copyOf(rows, Math.max(rowCount * 256, rows.length * 2));
      }
      setRow[state] = row;
    }
    if (row >= 0) {
      rows[row * 256 + b] = result + 1;
    }
    return result;
  }

  /** The state made of the closures of the nodes in {@link #work}. */
  private int unionOfClosures() {
    merged.clear();
    int flags = 0;
    int gen = nextSeen();
    for (int w = 0, n = work.size(); w < n; w++) {
      int x = work.get(w);
      closure(x);
      flags |= closFlags[x];
      for (int i = closStart[x], end = i + closLen[x]; i < end; i++) {
        int y = closPool[i];
        if (y >= seen.length) {
          seen = Arrays.copyOf(seen, Math.max(y + 1, seen.length * 2));
        }
        if (seen[y] != gen) {
          seen[y] = gen;
          merged.add(y);
        }
      }
    }
    work.clear();
    if (merged.size() > MAX_SET_SIZE) {
      throw new IllegalStateException("grammar too ambiguous: more than " + MAX_SET_SIZE
          + " parse stacks at once");
    }
    sort(merged);
    return internSet(merged, flags);
  }

  private int next(int x) {
    int n = nodeNext[x];
    if (n == 0) {
      n = node(nodePos[x] + 1, nodeParent[x]) + 1;
      nodeNext[x] = n;
    }
    return n - 1;
  }

  /** Computes and memoizes the closure of node {@code n}: the class-topped stacks it expands to. */
  private void closure(int n) {
    if (closLen[n] >= 0) {
      return;
    }
    int gen = ++visitGen;
    if (gen == Integer.MAX_VALUE) {
      Arrays.fill(visit, 0);
      visitGen = gen = 1;
    }
    int sgen = ++markGen;
    if (sgen == Integer.MAX_VALUE) {
      Arrays.fill(mark, 0);
      markGen = sgen = 1;
    }
    items.clear();
    int flags = 0;
    IntList stack = closureStack;
    stack.clear();
    stack.add(n);
    while (stack.size() > 0) {
      int x = stack.get(stack.size() - 1);
      stack.truncate(stack.size() - 1);
      if (x >= visit.length) {
        visit = Arrays.copyOf(visit, Math.max(x + 1, visit.length * 2));
      }
      if (visit[x] == gen) {
        continue;
      }
      visit[x] = gen;
      if (x != n && closLen[x] >= 0) {
        flags |= closFlags[x];
        for (int i = closStart[x], end = i + closLen[x]; i < end; i++) {
          addItem(closPool[i], sgen);
        }
        continue;
      }
      int p = nodePos[x];
      int e = code[p];
      switch (ByteGrammar.kind(e)) {
        case ByteGrammar.KIND_CLASS:
          addItem(x, sgen);
          break;
        case ByteGrammar.KIND_REF: {
          int parent = nodeParent[x];
          int ret = code[p + 1] == ByteGrammar.END ? parent : node(p + 1, parent);
          int r = ByteGrammar.value(e);
          for (int a = g.ruleAlts[r + 1] - 1; a >= g.ruleAlts[r]; a--) {
            stack.add(node(g.alts[a], ret));
          }
          break;
        }
        default: {
          int parent = nodeParent[x];
          if (parent == -1) {
            flags |= ACCEPT;
          } else if (parent == ESCAPE) {
            flags |= ESCAPED;
          } else {
            stack.add(parent);
          }
        }
      }
    }
    int[] it = items.toArray();
    Arrays.sort(it);
    if (closPool.length < closPoolSize + it.length) {
      closPool = Arrays.copyOf(closPool, Math.max(closPoolSize + it.length, closPool.length * 2));
    }
    System.arraycopy(it, 0, closPool, closPoolSize, it.length);
    closStart[n] = closPoolSize;
    closLen[n] = it.length;
    closFlags[n] = (byte) flags;
    closPoolSize += it.length;
  }

  private void addItem(int y, int sgen) {
    if (y >= mark.length) {
      mark = Arrays.copyOf(mark, Math.max(y + 1, mark.length * 2));
    }
    if (mark[y] != sgen) {
      mark[y] = sgen;
      items.add(y);
    }
  }

  private int nextSeen() {
    if (seen.length < nodeCount) {
      seen = Arrays.copyOf(seen, Math.max(nodeCount, seen.length * 2));
    }
    int gen = ++seenGen;
    if (gen == Integer.MAX_VALUE) {
      Arrays.fill(seen, 0);
      seenGen = gen = 1;
    }
    return gen;
  }

  /** The interned node (pos, parent). */
  private int node(int pos, int parent) {
    int mask = nodeTable.length - 1;
    int h = mix(pos * 0x9E3779B1 + parent) & mask;
    while (true) {
      int id = nodeTable[h] - 1;
      if (id < 0) {
        break;
      }
      if (nodePos[id] == pos && nodeParent[id] == parent) {
        return id;
      }
      h = (h + 1) & mask;
    }
    if (nodeCount >= MAX_NODES) {
      throw new IllegalStateException("grammar state too large: more than " + MAX_NODES
          + " parse stack nodes (deeply nested or highly ambiguous input)");
    }
    int id = nodeCount++;
    if (id == nodePos.length) {
      int cap = id * 2;
      nodePos = Arrays.copyOf(nodePos, cap);
      nodeParent = Arrays.copyOf(nodeParent, cap);
      nodeNext = Arrays.copyOf(nodeNext, cap);
      nodeSingle = Arrays.copyOf(nodeSingle, cap);
      closStart = Arrays.copyOf(closStart, cap);
      closLen = Arrays.copyOf(closLen, cap);
      closFlags = Arrays.copyOf(closFlags, cap);
    }
    nodePos[id] = pos;
    nodeParent[id] = parent;
    nodeNext[id] = 0;
    nodeSingle[id] = 0;
    closLen[id] = -1;
    nodeTable[h] = id + 1;
    if (nodeCount * 2 > nodeTable.length) {
      rehashNodes();
    }
    return id;
  }

  private void rehashNodes() {
    int[] t = new int[nodeTable.length * 2];
    int mask = t.length - 1;
    for (int id = 0; id < nodeCount; id++) {
      int h = mix(nodePos[id] * 0x9E3779B1 + nodeParent[id]) & mask;
      while (t[h] != 0) {
        h = (h + 1) & mask;
      }
      t[h] = id + 1;
    }
    nodeTable = t;
  }

  private int internSet(IntList nodes, int flags) {
    int n = nodes.size();
    int hash = 17 + flags;
    for (int i = 0; i < n; i++) {
      hash = hash * 31 + nodes.get(i);
    }
    hash = mix(hash);
    int mask = setTable.length - 1;
    int h = hash & mask;
    while (true) {
      int id = setTable[h] - 1;
      if (id < 0) {
        break;
      }
      if (setHash[id] == hash && setFlags[id] == flags && setLen[id] == n
          && sameNodes(id, nodes)) {
        return id;
      }
      h = (h + 1) & mask;
    }
    int id = setCount++;
    if (id == setStart.length) {
      int cap = id * 2;
      setStart = Arrays.copyOf(setStart, cap);
      setLen = Arrays.copyOf(setLen, cap);
      setFlags = Arrays.copyOf(setFlags, cap);
      setRow = Arrays.copyOf(setRow, cap);
      setHash = Arrays.copyOf(setHash, cap);
    }
    if (setPool.length < setPoolSize + n) {
      setPool = Arrays.copyOf(setPool, Math.max(setPoolSize + n, setPool.length * 2));
    }
    for (int i = 0; i < n; i++) {
      setPool[setPoolSize + i] = nodes.get(i);
    }
    setStart[id] = setPoolSize;
    setLen[id] = n;
    setFlags[id] = (byte) flags;
    setRow[id] = -1;
    setHash[id] = hash;
    setPoolSize += n;
    setTable[h] = id + 1;
    if (setCount * 2 > setTable.length) {
      rehashSets();
    }
    return id;
  }

  private boolean sameNodes(int id, IntList nodes) {
    int s = setStart[id];
    for (int i = 0, n = nodes.size(); i < n; i++) {
      if (setPool[s + i] != nodes.get(i)) {
        return false;
      }
    }
    return true;
  }

  private void rehashSets() {
    int[] t = new int[setTable.length * 2];
    int mask = t.length - 1;
    for (int id = 0; id < setCount; id++) {
      int h = setHash[id] & mask;
      while (t[h] != 0) {
        h = (h + 1) & mask;
      }
      t[h] = id + 1;
    }
    setTable = t;
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }

  private static void sort(IntList list) {
    for (int i = 1, n = list.size(); i < n; i++) {
      if (list.get(i - 1) > list.get(i)) {
        list.sort();
        return;
      }
    }
  }

  /** @return whether the tables have grown past their soft limits */
  public boolean needsCompaction() {
    return nodeCount > SOFT_NODES || rowCount > SOFT_ROWS;
  }

  /**
   * Forgets every state but one.
   *
   * @param state the state to keep
   * @return its number after compaction
   */
  public int compact(int state) {
    int[][] stacks = stacks(state);
    boolean accept = isAccepting(state);
    nodeTable = new int[512];
    setTable = new int[128];
    clear();
    return state(stacks, accept);
  }

  /**
   * The stacks of a state, each as its positions from top to bottom.
   *
   * @param state a state
   * @return the stacks
   */
  public int[][] stacks(int state) {
    int[][] out = new int[setLen[state]][];
    for (int i = 0; i < out.length; i++) {
      IntList chain = new IntList(8);
      for (int x = setPool[setStart[state] + i]; x >= 0; x = nodeParent[x]) {
        chain.add(nodePos[x]);
      }
      out[i] = chain.toArray();
    }
    return out;
  }

  /**
   * The state made of given stacks (as {@link #stacks} writes them).
   *
   * @param stacks the stacks, positions from top to bottom
   * @param accept whether the state accepts
   * @return the state
   * @throws IllegalArgumentException if a stack is not one this grammar can hold
   */
  public int state(int[][] stacks, boolean accept) {
    merged.clear();
    for (int[] chain : stacks) {
      if (chain.length == 0 || !g.isClassPosition(chain[0])) {
        throw new IllegalArgumentException("not a parse stack of this grammar");
      }
      int parent = -1;
      for (int i = chain.length - 1; i >= 0; i--) {
        if (i > 0 && !g.isReturnPosition(chain[i])) {
          throw new IllegalArgumentException("not a parse stack of this grammar");
        }
        parent = node(chain[i], parent);
      }
      merged.add(parent);
    }
    int[] a = merged.toArray();
    Arrays.sort(a);
    merged.clear();
    for (int i = 0; i < a.length; i++) {
      if (i == 0 || a[i] != a[i - 1]) {
        merged.add(a[i]);
      }
    }
    return internSet(merged, accept ? ACCEPT : 0);
  }

  /** @return the number of stacks of a state */
  int stateSize(int state) {
    return setLen[state];
  }

  /** @return the top node of stack {@code i} of a state */
  int stateNode(int state, int i) {
    return setPool[setStart[state] + i];
  }

  /** @return whether some parse popped past the cut of a truncated stack */
  boolean isEscaped(int state) {
    return (setFlags[state] & ESCAPED) != 0;
  }

  int nodePosition(int node) {
    return nodePos[node];
  }

  int nodeParentOf(int node) {
    return nodeParent[node];
  }

  /** @return the state whose only stack is the one topped by {@code node} (a class node) */
  int singleton(int node) {
    int s = nodeSingle[node];
    if (s == 0) {
      merged.clear();
      merged.add(node);
      s = internSet(merged, 0) + 1;
      nodeSingle[node] = s;
    }
    return s - 1;
  }

  /**
   * The stack topped by {@code node} cut after {@code frames} nodes: the bottom node's parent
   * becomes {@link #ESCAPE} (a stack no deeper than that is returned whole).
   */
  int truncated(int node, int frames) {
    if (nodeParent[node] < 0) {
      return node;
    }
    if (frames <= 1) {
      return node(nodePos[node], ESCAPE);
    }
    int parent = truncated(nodeParent[node], frames - 1);
    return parent == nodeParent[node] ? node : node(nodePos[node], parent);
  }

  /**
   * The stack topped by {@code node} cut below {@code keep}, a node of its chain: {@code keep}'s
   * parent becomes {@link #ESCAPE}.
   */
  int truncatedBelow(int node, int keep) {
    if (node == keep) {
      return node(nodePos[node], ESCAPE);
    }
    return node(nodePos[node], truncatedBelow(nodeParent[node], keep));
  }

  /** @return the state made of the given class-topped nodes (sorted, distinct) */
  int stateOf(IntList nodes) {
    return internSet(nodes, 0);
  }

  /**
   * Whether every byte of a set leads from a state back to itself.
   *
   * @param state a state
   * @param sets byte sets, four words each
   * @param set the index of the set
   */
  boolean loopsOn(int state, long[] sets, int set) {
    if (loops.length < 4 * (state + 1)) {
      loops = Arrays.copyOf(loops, Math.max(4 * (state + 1), loops.length * 2));
      loopsKnown = Arrays.copyOf(loopsKnown, loops.length / 4);
      loopVisits = Arrays.copyOf(loopVisits, loops.length / 4);
    }
    if (!loopsKnown[state]) {
      // Worth 256 transitions only for states met often.
      if (++loopVisits[state] < 64) {
        return false;
      }
      for (int b = 0; b < 256; b++) {
        if (step(state, b) == state) {
          loops[4 * state + (b >>> 6)] |= 1L << b;
        }
      }
      loopsKnown[state] = true;
    }
    int o = 4 * state;
    int q = 4 * set;
    return (sets[q] & ~loops[o]) == 0 && (sets[q + 1] & ~loops[o + 1]) == 0
        && (sets[q + 2] & ~loops[o + 2]) == 0 && (sets[q + 3] & ~loops[o + 3]) == 0;
  }

  /** Starts a new round of {@link #markState}: every state and slot unmarked. */
  void clearStateMarks() {
    if (++stateMarkGen == Integer.MAX_VALUE) {
      Arrays.fill(stateMarks, 0);
      stateMarkGen = 1;
    }
  }

  /**
   * Marks a state in one of four slots for the current round.
   *
   * @param state a state
   * @param slot 0..3
   * @return whether it was unmarked
   */
  boolean markState(int state, int slot) {
    int i = 4 * state + slot;
    if (i >= stateMarks.length) {
      stateMarks = Arrays.copyOf(stateMarks, Math.max(i + 1, stateMarks.length * 2));
    }
    if (stateMarks[i] == stateMarkGen) {
      return false;
    }
    stateMarks[i] = stateMarkGen;
    return true;
  }

  /** @return the grammar */
  public ByteGrammar grammar() {
    return g;
  }
}
