package dev.tokensampler.internal.grammar;

import java.util.Arrays;

/**
 * Computes the token mask of a parse state, in the manner of XGrammar's adaptive token-mask cache:
 * each stack of the state is cut to its top {@link #FRAMES} nodes; the cut state's tokens are
 * split once (per vocabulary and fragment, shared across grammars, see {@link FragmentMasks})
 * into those it reads whatever lies below the cut and those that reach the cut; only the latter
 * are checked against the whole state. States whose fragments leave too many tokens uncertain
 * are walked through the token trie directly.
 *
 * <p>One per sequence, with its {@link ParseEngine}; not thread-safe.
 */
public final class MaskComputer {
  /** How many nodes of a stack a fragment keeps. */
  static final int FRAMES = 3;

  private final ParseEngine engine;
  private final TokenTrie trie;
  private final int wordCount;
  private final int[] depthState;
  private final boolean[] escapedOnPath;
  private FragmentMasks.Entry[] stateEntries = new FragmentMasks.Entry[64];
  private final IntList cuts = new IntList(16);
  /** How deep below a stack's top a shared cut may lie. */
  private static final int MAX_CUT_DEPTH = 12;
  private final int[] chain = new int[MAX_CUT_DEPTH];
  private final int[] hits = new int[MAX_CUT_DEPTH];
  private long[] splitScratch;
  /** Per cut node: the id of its stack key, valid in generation {@code cutGeneration[node] - 1}. */
  private long[] cutIds = new long[256];
  private int[] cutGeneration = new int[256];
  private long[] idScratch = new long[16];
  /** Per rule: the id of its rule key, valid in generation {@code ruleGeneration[rule] - 1}. */
  private final long[] ruleIds;
  private final int[] ruleGeneration;
  private final IntList uncertainScratch = new IntList(1024);

  /**
   * @param engine the sequence's engine
   * @param trie the vocabulary's trie
   */
  public MaskComputer(ParseEngine engine, TokenTrie trie) {
    this.engine = engine;
    this.trie = trie;
    this.wordCount = (trie.vocabularySize + 63) >>> 6;
    this.depthState = new int[trie.maxDepth + 1];
    this.escapedOnPath = new boolean[trie.maxDepth + 1];
    this.ruleIds = new long[engine.grammar().ruleCount()];
    this.ruleGeneration = new int[ruleIds.length];
  }

  private long ruleId(int rule) {
    int generation = trie.fragments.generation();
    if (ruleGeneration[rule] != generation + 1) {
      ruleIds[rule] = trie.fragments.intern(FragmentKey.ofRule(engine.grammar(), rule));
      ruleGeneration[rule] = generation + 1;
    }
    return ruleIds[rule];
  }

  /** Forgets the per-state entries and node keys (after the engine was compacted). */
  public void clear() {
    Arrays.fill(stateEntries, null);
    Arrays.fill(cutGeneration, 0);
  }

  /** The key of a set of cut stacks, from their stack ids (each written out once per node). */
  private FragmentKey stateKey(IntList tops) {
    FragmentMasks fragments = trie.fragments;
    int n = tops.size();
    if (idScratch.length < n) {
      idScratch = new long[Math.max(n, idScratch.length * 2)];
    }
    int generation = fragments.generation();
    for (int i = 0; i < n; i++) {
      int top = tops.get(i);
      if (top >= cutIds.length) {
        int cap = Math.max(top + 1, cutIds.length * 2);
        cutIds = Arrays.copyOf(cutIds, cap);
        cutGeneration = Arrays.copyOf(cutGeneration, cap);
      }
      if (cutGeneration[top] != generation + 1) {
        cutIds[top] = fragments.intern(FragmentKey.ofStack(engine, top, this::ruleId));
        cutGeneration[top] = generation + 1;
      }
      idScratch[i] = cutIds[top];
    }
    return FragmentKey.ofStackIds(idScratch, n);
  }

  /**
   * Writes the text tokens the state can read (end-of-sequence tokens are not included).
   *
   * @param state a state of the engine
   * @param words receives the mask, the first {@code (V + 63) / 64} words overwritten
   * @return the number of tokens set
   */
  public int fill(int state, long[] words) {
    FragmentMasks.Entry e = entry(state);
    if (e.accepted == null) {
      Arrays.fill(words, 0, wordCount, 0L);
      trie.slices.fill(engine, state, words, depthState);
    } else {
      System.arraycopy(e.accepted, 0, words, 0, wordCount);
      checkUncertain(state, e.uncertain, words);
    }
    int count = 0;
    for (int w = 0; w < wordCount; w++) {
      count += Long.bitCount(words[w]);
    }
    return count;
  }

  /**
   * Sets the bits of the uncertain tokens the whole state reads. The tokens come in byte order
   * (the trie's), so each is read on from the state its shared prefix with the previous token
   * reached, and the tokens under a dead prefix are skipped.
   */
  private void checkUncertain(int state, int[] uncertain, long[] words) {
    final byte[] flat = trie.flat;
    final int[] flatStart = trie.flatStart;
    int[] states = depthState;
    states[0] = state;
    int path = -1;
    int deadAt = -1;
    for (int id : uncertain) {
      int from = flatStart[id];
      int len = flatStart[id + 1] - from;
      int common = 0;
      if (path >= 0) {
        int pathFrom = flatStart[path];
        int max = Math.min(len, flatStart[path + 1] - pathFrom);
        while (common < max && flat[pathFrom + common] == flat[from + common]) {
          common++;
        }
        if (deadAt >= 0 && common > deadAt) {
          continue; // under the prefix that died
        }
        if (deadAt >= 0) {
          common = Math.min(common, deadAt);
        }
      }
      path = id;
      deadAt = -1;
      int d = common;
      for (; d < len; d++) {
        int next = engine.step(states[d], flat[from + d] & 0xFF);
        if (next == ParseEngine.DEAD) {
          deadAt = d;
          break;
        }
        states[d + 1] = next;
      }
      if (deadAt < 0) {
        words[id >>> 6] |= 1L << id;
      }
    }
  }

  private FragmentMasks.Entry entry(int state) {
    if (state >= stateEntries.length) {
      stateEntries = Arrays.copyOf(stateEntries, Math.max(state + 1, stateEntries.length * 2));
    }
    FragmentMasks.Entry e = stateEntries[state];
    if (e == null) {
      int[] cut = new int[engine.stateSize(state)];
      int common = cut.length > 1 ? highestCommonNode(state) : -1;
      for (int i = 0; i < cut.length; i++) {
        int top = engine.stateNode(state, i);
        cut[i] = common >= 0 ? engine.truncatedBelow(top, common) : engine.truncated(top, FRAMES);
      }
      Arrays.sort(cut);
      cuts.clear();
      for (int i = 0; i < cut.length; i++) {
        if (i == 0 || cut[i] != cut[i - 1]) {
          cuts.add(cut[i]);
        }
      }
      FragmentKey key = stateKey(cuts);
      e = trie.fragments.get(key);
      if (e == null) {
        e = split(engine.stateOf(cuts));
        trie.fragments.put(key, e);
      }
      if (state >= stateEntries.length) {
        stateEntries = Arrays.copyOf(stateEntries, Math.max(state + 1, stateEntries.length * 2));
      }
      stateEntries[state] = e;
    }
    return e;
  }

  /**
   * The highest node that every stack of the state passes through, within {@link #MAX_CUT_DEPTH}
   * nodes of each top, or -1. Cutting there keeps what the stacks share as context out of the
   * fragment (inside a JSON string: the characters and the closing quote, not what follows the
   * string), so fragments repeat across places and grammars.
   */
  private int highestCommonNode(int state) {
    int n = engine.stateSize(state);
    int len = 0;
    for (int x = engine.stateNode(state, 0); x >= 0 && len < MAX_CUT_DEPTH;
        x = engine.nodeParentOf(x)) {
      chain[len] = x;
      hits[len] = 1;
      len++;
    }
    for (int i = 1; i < n; i++) {
      int depth = 0;
      for (int x = engine.stateNode(state, i); x >= 0 && depth < MAX_CUT_DEPTH;
          x = engine.nodeParentOf(x), depth++) {
        for (int k = 0; k < len; k++) {
          if (chain[k] == x) {
            if (hits[k] == i) {
              hits[k] = i + 1;
            }
            break;
          }
        }
      }
    }
    for (int k = 0; k < len; k++) {
      if (hits[k] == n) {
        return chain[k];
      }
    }
    return -1;
  }

  private FragmentMasks.Entry split(int cutState) {
    if (splitScratch == null) {
      splitScratch = new long[wordCount];
    }
    uncertainScratch.clear();
    trie.slices.split(engine, cutState, splitScratch, uncertainScratch, depthState,
        escapedOnPath);
    if (uncertainScratch.size() > FragmentMasks.MAX_UNCERTAIN) {
      return new FragmentMasks.Entry(null, null);
    }
    return new FragmentMasks.Entry(splitScratch.clone(), uncertainScratch.toArray());
  }
}
