package dev.tokensampler.internal.grammar;

import java.util.Arrays;

/**
 * A vocabulary's text tokens in slices, after llguidance's slicer: the tokens spelling 1 to 10, 11
 * to 30, and more than 30 characters of a JSON string body (complete UTF-8 characters of up to
 * three bytes, none of them a quotation mark, a backslash, a control character or DEL), and the
 * rest. Each slice has its own trie and mask. Where the engine can read every string of up to a
 * slice's length of such characters from a state (checked over the engine's own transitions,
 * character by character, see {@link #safeLength}), the slice's tokens are all readable and its
 * mask is taken whole; only the other slices are walked. Masks are the same as walking the whole
 * trie.
 *
 * <p>Immutable; built once per vocabulary with its {@link TokenTrie}.
 */
final class TokenSlices {
  /** The most characters of the tokens of each slice but the last (the rest). */
  static final int[] MAX_CHARS = {10, 30, Integer.MAX_VALUE};
  /** How many character-level states {@link #safeLength} explores before giving up. */
  private static final int MAX_STATES = 128;
  /** Past this depth only the closure of an unbounded slice is left to find: not worth it. */
  private static final int MAX_DEPTH = 31;

  private static final int QUOTE = 0x22;
  private static final int BACKSLASH = 0x5C;

  /** The tries of the slices, then that of the rest. */
  final TokenTrie[] tries;
  /** The masks of the slices (not the rest). */
  final long[][] masks;

  private TokenSlices(TokenTrie[] tries, long[][] masks) {
    this.tries = tries;
    this.masks = masks;
  }

  /**
   * Slices the tokens.
   *
   * @param b the byte string of each text token (index = id), null for the others
   * @param order the ids of the text tokens in the order of {@link TokenTrie#sortedIds}
   */
  static TokenSlices of(byte[][] b, int[] order) {
    int n = b.length;
    int k = MAX_CHARS.length;
    byte[][][] parts = new byte[k + 1][n][];
    long[][] masks = new long[k][(n + 63) >>> 6];
    for (int id = 0; id < n; id++) {
      if (b[id] == null) {
        continue;
      }
      int chars = stringBodyChars(b[id]);
      int slice = k;
      for (int s = 0; s < k; s++) {
        if (chars > 0 && chars <= MAX_CHARS[s]) {
          slice = s;
          break;
        }
      }
      parts[slice][id] = b[id];
      if (slice < k) {
        masks[slice][id >>> 6] |= 1L << id;
      }
    }
    TokenTrie[] tries = new TokenTrie[k + 1];
    for (int s = 0; s <= k; s++) {
      int count = 0;
      for (int id : order) {
        if (parts[s][id] != null) {
          count++;
        }
      }
      int[] sub = new int[count];
      count = 0;
      for (int id : order) {
        if (parts[s][id] != null) {
          sub[count++] = id;
        }
      }
      tries[s] = TokenTrie.build(parts[s], sub, null, null);
    }
    return new TokenSlices(tries, masks);
  }

  /**
   * The number of characters of a token made only of complete UTF-8 characters of a JSON string
   * body in the Basic Multilingual Plane (not the quotation mark, the backslash, U+0000..U+001F,
   * U+007F, surrogates), or -1. Characters of four bytes are left to the rest: rare in tokens, they
   * would make {@link #safeLength} explore many states inside a character.
   */
  static int stringBodyChars(byte[] t) {
    int chars = 0;
    int i = 0;
    while (i < t.length) {
      int c = t[i] & 0xFF;
      int len;
      int lo = 0x80;
      int hi = 0xBF;
      if (c < 0x80) {
        if (c < 0x20 || c == QUOTE || c == BACKSLASH || c == 0x7F) {
          return -1;
        }
        len = 1;
      } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
      } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80;
        hi = c == 0xED ? 0x9F : 0xBF;
      } else {
        return -1;
      }
      if (i + len > t.length) {
        return -1;
      }
      for (int j = 1; j < len; j++) {
        int d = t[i + j] & 0xFF;
        if (d < (j == 1 ? lo : 0x80) || d > (j == 1 ? hi : 0xBF)) {
          return -1;
        }
      }
      i += len;
      chars++;
    }
    return chars;
  }

  /**
   * Sets the bits of the tokens the engine can read from a state, as {@link TokenTrie#fill} on
   * the whole trie would.
   */
  void fill(ParseEngine engine, int state, long[] words, int[] depthState) {
    int safe = safeLength(engine, state);
    for (int s = 0; s < tries.length; s++) {
      if (s < masks.length && MAX_CHARS[s] < safe) {
        or(words, masks[s]);
      } else {
        tries[s].fill(engine, state, words, depthState);
      }
    }
  }

  /**
   * Splits the tokens a truncated stack can start to read, as {@link TokenTrie#split} on the
   * whole trie would; {@code accepted} is cleared first. Uncertain tokens come in byte order
   * within each slice.
   */
  void split(ParseEngine engine, int state, long[] accepted, IntList uncertain, int[] depthState,
      boolean[] escapedOnPath) {
    Arrays.fill(accepted, 0L);
    int safe = safeLength(engine, state);
    for (int s = 0; s < tries.length; s++) {
      if (s < masks.length && MAX_CHARS[s] < safe) {
        or(accepted, masks[s]);
      } else {
        tries[s].split(engine, state, accepted, uncertain, depthState, escapedOnPath);
      }
    }
  }

  private static void or(long[] words, long[] mask) {
    for (int w = 0; w < mask.length; w++) {
      words[w] |= mask[w];
    }
  }

  /**
   * The fewest string-body characters whose reading from a state reaches a state that cannot
   * read on ({@link ParseEngine#canContinue} false, {@link ParseEngine#DEAD} included), after any
   * byte; {@link Integer#MAX_VALUE} if none does. So every string of fewer such characters is
   * readable, and every prefix of one keeps some parse alive. Explores the states breadth first,
   * each once; past {@value #MAX_STATES} states it stops and answers the depth reached, a lower
   * bound; so it does past {@value #MAX_DEPTH} characters. Returns 0 if the state itself cannot
   * read on.
   */
  static int safeLength(ParseEngine engine, int state) {
    if (!engine.canContinue(state)) {
      return 0;
    }
    engine.clearStateMarks();
    engine.markState(state, 0);
    int seen = 1;
    IntList level = new IntList(8);
    IntList next = new IntList(8);
    level.add(state);
    for (int depth = 0; level.size() > 0; depth++) {
      if (depth > MAX_DEPTH) {
        return depth;
      }
      next.clear();
      for (int i = 0; i < level.size(); i++) {
        int before = next.size();
        if (!expand(engine, level.get(i), next)) {
          return depth + 1;
        }
        seen += next.size() - before;
        if (seen > MAX_STATES) {
          return depth + 1;
        }
      }
      IntList t = level;
      level = next;
      next = t;
    }
    return Integer.MAX_VALUE;
  }

  /**
   * Reads every string-body character from a state, adding the unseen states reached to
   * {@code out}; false if some byte on the way leads to a state that cannot read on. States are
   * marked seen in slot 0 of {@link ParseEngine#markState}, states inside a character in the slot
   * of the continuation bytes left.
   */
  private static boolean expand(ParseEngine e, int t, IntList out) {
    for (int c = 0x20; c < 0x7F; c++) {
      if (c != QUOTE && c != BACKSLASH && !reached(e, e.step(t, c), out)) {
        return false;
      }
    }
    for (int c = 0xC2; c <= 0xEF; c++) {
      int u = e.step(t, c);
      if (!e.canContinue(u)) {
        return false;
      }
      int len = c <= 0xDF ? 1 : 2;
      int lo = c == 0xE0 ? 0xA0 : 0x80;
      int hi = c == 0xED ? 0x9F : 0xBF;
      if (lo == 0x80 && hi == 0xBF) {
        if (!continuations(e, u, len, out)) {
          return false;
        }
      } else {
        for (int d = lo; d <= hi; d++) {
          int v = e.step(u, d);
          boolean ok = len == 1 ? reached(e, v, out)
              : e.canContinue(v) && continuations(e, v, len - 1, out);
          if (!ok) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** Reads {@code len} continuation bytes (0x80..0xBF each) from a state inside a character. */
  private static boolean continuations(ParseEngine e, int u, int len, IntList out) {
    if (!e.markState(u, len)) {
      return true; // done before in this exploration
    }
    for (int d = 0x80; d <= 0xBF; d++) {
      int v = e.step(u, d);
      boolean ok = len == 1 ? reached(e, v, out)
          : e.canContinue(v) && continuations(e, v, len - 1, out);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean reached(ParseEngine e, int v, IntList out) {
    if (!e.canContinue(v)) {
      return false;
    }
    if (e.markState(v, 0)) {
      out.add(v);
    }
    return true;
  }
}
