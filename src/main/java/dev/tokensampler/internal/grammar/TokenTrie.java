package dev.tokensampler.internal.grammar;

import dev.tokensampler.vocab.TokenVocabulary;
import java.util.Arrays;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The byte strings of a vocabulary's text tokens as a trie, flattened in depth-first order:
 * node {@code i} (1 and up; 0 is the root, the empty prefix) extends its parent, the nearest
 * earlier node one level up, by {@code bytes[i]}; its subtree is {@code [i, end[i])}; the tokens
 * whose byte string ends there are {@code tokens[tokenStart[i] .. tokenStart[i + 1])}. Special,
 * end-of-sequence tokens and tokens with empty byte strings are left out (they never match text).
 *
 * <p>Immutable; built once per vocabulary and cached ({@link #of}).
 */
public final class TokenTrie {
  private static final Map<TokenVocabulary, TokenTrie> CACHE = new WeakHashMap<>();

  final byte[] bytes;
  final int[] depth;
  final int[] end;
  final int[] tokenStart;
  final int[] tokens;
  final int maxDepth;
  final int vocabularySize;
  /** The bytes of text token {@code id} are {@code flat[flatStart[id] .. flatStart[id + 1])}. */
  final byte[] flat;
  final int[] flatStart;
  final FragmentMasks fragments;
  /** The tokens split into slices, each with its own trie (null in a slice's own trie). */
  final TokenSlices slices;
  /**
   * The bytes in the strict subtree of node {@code i} are the set {@code belowSet[i]} of
   * {@code byteSets} (four words each).
   */
  final int[] belowSet;
  final long[] byteSets;

  private TokenTrie(byte[] bytes, int[] depth, int[] end, int[] tokenStart, int[] tokens,
      int maxDepth, int vocabularySize, byte[] flat, int[] flatStart, int[] belowSet,
      long[] byteSets, FragmentMasks fragments, TokenSlices slices) {
    this.fragments = fragments;
    this.slices = slices;
    this.belowSet = belowSet;
    this.byteSets = byteSets;
    this.flat = flat;
    this.flatStart = flatStart;
    this.bytes = bytes;
    this.depth = depth;
    this.end = end;
    this.tokenStart = tokenStart;
    this.tokens = tokens;
    this.maxDepth = maxDepth;
    this.vocabularySize = vocabularySize;
  }

  /**
   * The trie of a vocabulary, built on first use and kept while the vocabulary is reachable.
   *
   * @param v the vocabulary
   * @return its trie
   */
  public static TokenTrie of(TokenVocabulary v) {
    synchronized (CACHE) {
      TokenTrie t = CACHE.get(v);
      if (t == null) {
        t = build(v);
        CACHE.put(v, t);
      }
      return t;
    }
  }

  static TokenTrie build(TokenVocabulary v) {
    return build(v, FragmentMasks.DEFAULT_BUDGET_BYTES);
  }

  /** A trie whose fragment masks keep to {@code fragmentBudget} bytes. */
  static TokenTrie build(TokenVocabulary v, long fragmentBudget) {
    int n = v.size();
    byte[][] b = new byte[n][];
    for (int id = 0; id < n; id++) {
      if (!v.isSpecial(id) && !v.isEos(id) && v.tokenLength(id) > 0) {
        b[id] = v.tokenBytes(id);
      }
    }
    int[] order = sortedIds(b);
    TokenTrie whole = build(b, order, new FragmentMasks(fragmentBudget), null);
    return new TokenTrie(whole.bytes, whole.depth, whole.end, whole.tokenStart, whole.tokens,
        whole.maxDepth, n, whole.flat, whole.flatStart, whole.belowSet, whole.byteSets,
        whole.fragments, TokenSlices.of(b, order));
  }

  /**
   * The trie of the non-null byte strings of {@code b} (index = token id), with the flat byte
   * strings of every token.
   */
  static TokenTrie build(byte[][] b, FragmentMasks fragments, TokenSlices slices) {
    return build(b, sortedIds(b), fragments, slices);
  }

  /** The ids of the non-null byte strings of {@code b}, in unsigned byte order, ties by id. */
  static int[] sortedIds(byte[][] b) {
    int n = b.length;
    int count = 0;
    for (int id = 0; id < n; id++) {
      if (b[id] != null) {
        count++;
      }
    }
    Integer[] boxed = new Integer[count];
    for (int id = 0, k = 0; id < n; id++) {
      if (b[id] != null) {
        boxed[k++] = id;
      }
    }
    Arrays.sort(boxed, (x, y) -> {
      int c = Arrays.compareUnsigned(b[x], b[y]);
      return c != 0 ? c : Integer.compare(x, y);
    });
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = boxed[i];
    }
    return order;
  }

  /**
   * The trie of the byte strings of {@code b} whose ids {@code order} lists, in that order
   * ({@link #sortedIds} or a subsequence of it).
   */
  static TokenTrie build(byte[][] b, int[] order, FragmentMasks fragments, TokenSlices slices) {
    int n = b.length;
    int count = order.length;
    int cap = 1024;
    byte[] bytes = new byte[cap];
    int[] depth = new int[cap];
    int[] end = new int[cap];
    int[] tokenStart = new int[cap + 1];
    int[] tokens = new int[count];
    int nodes = 1;
    int maxDepth = 0;
    // path[d] = node at depth d on the current path
    int[] path = new int[16];
    path[0] = 0;
    int pathLen = 1;
    byte[] prev = new byte[0];
    int tok = 0;
    for (int k = 0; k < count; k++) {
      int id = order[k];
      byte[] cur = b[id];
      int lcp = 0;
      int lim = Math.min(prev.length, cur.length);
      while (lcp < lim && prev[lcp] == cur[lcp]) {
        lcp++;
      }
      // Close nodes deeper than lcp.
      while (pathLen - 1 > lcp) {
        end[path[--pathLen]] = nodes;
      }
      for (int d = lcp; d < cur.length; d++) {
        if (nodes == bytes.length) {
          int c2 = nodes * 2;
          bytes = Arrays.copyOf(bytes, c2);
          depth = Arrays.copyOf(depth, c2);
          end = Arrays.copyOf(end, c2);
          tokenStart = Arrays.copyOf(tokenStart, c2 + 1);
        }
        int node = nodes++;
        bytes[node] = cur[d];
        depth[node] = d + 1;
        tokenStart[node] = tok;
        if (pathLen == path.length) {
          path = Arrays.copyOf(path, pathLen * 2);
        }
        path[pathLen++] = node;
      }
      maxDepth = Math.max(maxDepth, cur.length);
      tokens[tok++] = id;
      prev = cur;
    }
    while (pathLen > 1) {
      end[path[--pathLen]] = nodes;
    }
    end[0] = nodes;
    // tokenStart[i] was set when node i was created; tokens of node i run until the next node's
    // start (tokens are appended in depth-first order, at the node where they end).
    tokenStart = Arrays.copyOf(tokenStart, nodes + 1);
    tokenStart[0] = 0;
    tokenStart[nodes] = tok;
    int[] flatStart = new int[n + 1];
    long total = 0;
    for (int id = 0; id < n; id++) {
      total += b[id] == null ? 0 : b[id].length;
    }
    byte[] flat = new byte[Math.toIntExact(total)];
    int at = 0;
    for (int id = 0; id < n; id++) {
      flatStart[id] = at;
      if (b[id] != null) {
        System.arraycopy(b[id], 0, flat, at, b[id].length);
        at += b[id].length;
      }
    }
    flatStart[n] = at;
    // The bytes below each node (in its strict subtree), deduplicated.
    long[] below = new long[4 * nodes];
    int[] parent = new int[nodes];
    int[] lastAtDepth = new int[maxDepth + 2];
    for (int i = 1; i < nodes; i++) {
      parent[i] = lastAtDepth[depth[i] - 1];
      lastAtDepth[depth[i]] = i;
    }
    for (int i = nodes - 1; i >= 1; i--) {
      int p = parent[i];
      int by = bytes[i] & 0xFF;
      for (int k = 0; k < 4; k++) {
        below[4 * p + k] |= below[4 * i + k];
      }
      below[4 * p + (by >>> 6)] |= 1L << by;
    }
    java.util.Map<java.util.List<Long>, Integer> index = new java.util.HashMap<>();
    long[] sets = new long[64];
    int setCount = 0;
    int[] belowSet = new int[nodes];
    for (int i = 0; i < nodes; i++) {
      java.util.List<Long> key = java.util.List.of(
          below[4 * i], below[4 * i + 1], below[4 * i + 2], below[4 * i + 3]);
      Integer idx = index.get(key);
      if (idx == null) {
        if (4 * setCount == sets.length) {
          sets = Arrays.copyOf(sets, sets.length * 2);
        }
        System.arraycopy(below, 4 * i, sets, 4 * setCount, 4);
        idx = setCount++;
        index.put(key, idx);
      }
      belowSet[i] = idx;
    }
    return new TokenTrie(Arrays.copyOf(bytes, nodes), Arrays.copyOf(depth, nodes),
        Arrays.copyOf(end, nodes), tokenStart, tokens, maxDepth, n, flat, flatStart, belowSet,
        Arrays.copyOf(sets, 4 * setCount), fragments, slices);
  }

  /** @return the number of nodes, the root included */
  public int nodeCount() {
    return bytes.length;
  }

  /**
   * Sets, in {@code words}, the bits of the tokens the engine can read from a state, walking the
   * trie and skipping each subtree whose prefix is dead. Other bits are left as they are.
   *
   * @param engine the engine
   * @param state the state to read from
   * @param words at least {@code (vocabularySize + 63) / 64} words
   * @param depthState scratch of at least {@code maxDepth + 1} ints
   */
  void fill(ParseEngine engine, int state, long[] words, int[] depthState) {
    depthState[0] = state;
    final byte[] bytes = this.bytes;
    final int[] depth = this.depth;
    final int[] tokenStart = this.tokenStart;
    final int[] tokens = this.tokens;
    int n = bytes.length;
    int i = 1;
    while (i < n) {
      int d = depth[i];
      int s = engine.step(depthState[d - 1], bytes[i] & 0xFF);
      if (s == ParseEngine.DEAD) {
        i = end[i];
        continue;
      }
      if (end[i] - i > 1 && engine.loopsOn(s, byteSets, belowSet[i])) {
        // Every byte below keeps the state as it is: every token below is read.
        for (int k = tokenStart[i], e = tokenStart[end[i]]; k < e; k++) {
          int id = tokens[k];
          words[id >>> 6] |= 1L << id;
        }
        i = end[i];
        continue;
      }
      depthState[d] = s;
      for (int k = tokenStart[i], e = tokenStart[i + 1]; k < e; k++) {
        int id = tokens[k];
        words[id >>> 6] |= 1L << id;
      }
      i++;
    }
  }

  /**
   * Splits the tokens a truncated stack can start to read: {@code accepted} gets those read
   * whole above the cut, {@code uncertain} those that reach the cut (their fate depends on what
   * lies below it). The rest are rejected whatever lies below.
   *
   * @param engine the engine
   * @param state a state of one truncated stack
   * @param accepted receives bits (others are left as they are)
   * @param uncertain receives token ids
   * @param depthState scratch of at least {@code maxDepth + 1} ints
   * @param escapedOnPath scratch of at least {@code maxDepth + 1} booleans
   */
  void split(ParseEngine engine, int state, long[] accepted, IntList uncertain, int[] depthState,
      boolean[] escapedOnPath) {
    depthState[0] = state;
    escapedOnPath[0] = false;
    int n = bytes.length;
    int i = 1;
    while (i < n) {
      int d = depth[i];
      int s = engine.step(depthState[d - 1], bytes[i] & 0xFF);
      boolean escaped = escapedOnPath[d - 1] || engine.isEscaped(s);
      boolean live = engine.canContinue(s);
      if (live && end[i] - i > 1 && engine.loopsOn(s, byteSets, belowSet[i])) {
        for (int k = tokenStart[i], e = tokenStart[end[i]]; k < e; k++) {
          int id = tokens[k];
          accepted[id >>> 6] |= 1L << id;
        }
        i = end[i];
        continue;
      }
      if (live || engine.isAccepting(s)) {
        for (int k = tokenStart[i], e = tokenStart[i + 1]; k < e; k++) {
          int id = tokens[k];
          accepted[id >>> 6] |= 1L << id;
        }
      } else if (escaped) {
        for (int k = tokenStart[i], e = tokenStart[i + 1]; k < e; k++) {
          uncertain.add(tokens[k]);
        }
      }
      if (live) {
        depthState[d] = s;
        escapedOnPath[d] = escaped;
        i++;
      } else {
        if (escaped) {
          for (int k = tokenStart[i + 1], e = tokenStart[end[i]]; k < e; k++) {
            uncertain.add(tokens[k]);
          }
        }
        i = end[i];
      }
    }
  }

  /**
   * @return whether the engine can read the whole byte string of a text token from a state
   */
  boolean reads(ParseEngine engine, int state, int id) {
    int s = state;
    for (int k = flatStart[id], e = flatStart[id + 1]; k < e; k++) {
      s = engine.step(s, flat[k] & 0xFF);
      if (s == ParseEngine.DEAD) {
        return false;
      }
    }
    return true;
  }

  /** @return the scratch size {@link #fill} needs */
  public int maxDepth() {
    return maxDepth;
  }
}
