package dev.tokensampler.internal.grammar;

import java.util.Arrays;

/**
 * A {@link ParseEngine} with its {@link MaskComputer} and a cache of recent masks, shared by the
 * sequences of one constraint so that what one sequence learns (transitions, masks) serves the
 * others. Every method locks the instance; the state numbers it hands out stay valid for its
 * lifetime. Once {@link #isFull()}, callers should move their states to a fresh instance.
 */
public final class TokenAutomaton {
  private static final long MASK_CACHE_BYTES = 1L << 20;

  private final ParseEngine engine;
  private final MaskComputer masks;
  private final TokenTrie trie;
  private final int[] eosIds;
  private final int wordCount;
  private final long[][] cacheWords;
  private final int[] cacheTag;
  private final int[] cacheCount;

  /**
   * @param grammar the grammar
   * @param trie the vocabulary's trie
   * @param eosIds the end-of-sequence token ids
   */
  public TokenAutomaton(ByteGrammar grammar, TokenTrie trie, int[] eosIds) {
    this.engine = new ParseEngine(grammar);
    this.masks = new MaskComputer(engine, trie);
    this.trie = trie;
    this.eosIds = eosIds.clone();
    this.wordCount = (trie.vocabularySize + 63) >>> 6;
    int slots = Integer.highestOneBit((int) Math.max(1, Math.min(64,
        MASK_CACHE_BYTES / (8L * wordCount))));
    this.cacheWords = new long[slots][];
    this.cacheTag = new int[slots];
    this.cacheCount = new int[slots];
    Arrays.fill(cacheTag, -1);
  }

  /** @return the start state */
  public int initial() {
    return engine.initial();
  }

  /** @return whether the tables have grown past their soft limits */
  public synchronized boolean isFull() {
    return engine.needsCompaction();
  }

  /**
   * Writes the allowed tokens of a state (end-of-sequence tokens where it accepts).
   *
   * @param state a state
   * @param words receives the mask, the first {@code (V + 63) / 64} words overwritten
   * @return the number of allowed tokens
   */
  public synchronized int fill(int state, long[] words) {
    int slot = slot(state);
    System.arraycopy(cacheWords[slot], 0, words, 0, wordCount);
    return cacheCount[slot];
  }

  /** @return whether a token is allowed in a state */
  public synchronized boolean allows(int state, int id) {
    return (cacheWords[slot(state)][id >>> 6] & (1L << id)) != 0;
  }

  /** @return the only allowed token of a state, or -1 */
  public synchronized int forcedToken(int state) {
    int slot = slot(state);
    if (cacheCount[slot] != 1) {
      return -1;
    }
    long[] w = cacheWords[slot];
    for (int i = 0; i < wordCount; i++) {
      if (w[i] != 0) {
        return (i << 6) + Long.numberOfTrailingZeros(w[i]);
      }
    }
    return -1;
  }

  private int slot(int state) {
    int slot = state & (cacheTag.length - 1);
    if (cacheTag[slot] != state) {
      long[] w = cacheWords[slot];
      if (w == null) {
        w = new long[wordCount];
        cacheWords[slot] = w;
      }
      int count = masks.fill(state, w);
      if (engine.isAccepting(state)) {
        for (int id : eosIds) {
          if ((w[id >>> 6] & (1L << id)) == 0) {
            w[id >>> 6] |= 1L << id;
            count++;
          }
        }
      }
      cacheTag[slot] = state;
      cacheCount[slot] = count;
    }
    return slot;
  }

  /**
   * The state after a text token's bytes.
   *
   * @return the state, or {@link ParseEngine#DEAD} if some byte cannot be read
   */
  public synchronized int advance(int state, int id) {
    int s = state;
    for (int k = trie.flatStart[id], e = trie.flatStart[id + 1]; k < e && s != ParseEngine.DEAD;
        k++) {
      s = engine.step(s, trie.flat[k] & 0xFF);
    }
    return s;
  }

  /** @return the byte at which a text token's bytes stop being readable, or -1 */
  public synchronized int failingByte(int state, int id) {
    int s = state;
    for (int k = trie.flatStart[id], e = trie.flatStart[id + 1]; k < e; k++) {
      s = engine.step(s, trie.flat[k] & 0xFF);
      if (s == ParseEngine.DEAD) {
        return k - trie.flatStart[id];
      }
    }
    return -1;
  }

  public synchronized boolean isAccepting(int state) {
    return engine.isAccepting(state);
  }

  public synchronized boolean canContinue(int state) {
    return engine.canContinue(state);
  }

  /** @see ParseEngine#stacks */
  public synchronized int[][] stacks(int state) {
    return engine.stacks(state);
  }

  /** @see ParseEngine#state */
  public synchronized int state(int[][] stacks, boolean accept) {
    return engine.state(stacks, accept);
  }

  /** @return the grammar */
  public ByteGrammar grammar() {
    return engine.grammar();
  }
}
