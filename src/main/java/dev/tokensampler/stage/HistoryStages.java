package dev.tokensampler.stage;

/** Checks and conversions shared by the stages that keep a token history. */
final class HistoryStages {
  private HistoryStages() {}

  /**
   * Checks a token passed to {@link Stage#accept}.
   *
   * @param token the token id
   * @return the token
   * @throws IllegalArgumentException if it is negative
   */
  static int checkToken(int token) {
    if (token < 0) {
      throw new IllegalArgumentException("token must be >= 0, got " + token);
    }
    return token;
  }

  /**
   * Checks a llama.cpp-style window length and turns it into a {@link TokenHistory} capacity.
   *
   * @param name the parameter name for the message
   * @param lastN {@code > 0} for the last N tokens, -1 for every token, 0 for none
   * @return the capacity, or 0 for none
   * @throws IllegalArgumentException if {@code lastN < -1}
   */
  static int windowCapacity(String name, int lastN) {
    if (lastN < -1) {
      throw new IllegalArgumentException(
          name + " must be > 0, -1 (the whole history) or 0 (disabled), got " + lastN);
    }
    return lastN == -1 ? TokenHistory.UNBOUNDED : lastN;
  }

  /**
   * The position of a token among the candidates: the id itself on the whole vocabulary, a linear
   * search among explicit candidates.
   *
   * @param c the candidates, with no pending nucleus
   * @param token the token id
   * @return its position, or -1 if it is not a candidate
   */
  static int positionOf(Candidates c, int token) {
    if (c.ids == null) {
      return token < c.size ? token : -1;
    }
    int[] ids = c.ids;
    for (int i = 0, n = c.size; i < n; i++) {
      if (ids[i] == token) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Gives every token of {@code banned} that is a candidate the logit {@code -Infinity}; edits
   * nothing if the set is empty. On the whole vocabulary only the banned logits are written; on
   * explicit candidates each candidate is looked up.
   *
   * @param c the candidates
   * @param banned the banned token ids (ids outside the vocabulary are ignored)
   */
  static void ban(Candidates c, TokenCounts banned) {
    if (banned.size() == 0) {
      return;
    }
    c.materializeNucleus();
    boolean whole = c.ids == null;
    c.editLogitsToMask();
    float[] x = c.logits;
    int o = c.offset;
    if (whole) {
      for (int slot = 0, n = banned.slots(); slot < n; slot++) {
        int token = banned.keyAt(slot);
        if (token >= 0 && token < c.size) {
          x[o + token] = Float.NEGATIVE_INFINITY;
        }
      }
    } else {
      int[] ids = c.ids;
      for (int i = 0, n = c.size; i < n; i++) {
        if (banned.get(ids[i]) > 0) {
          x[o + i] = Float.NEGATIVE_INFINITY;
        }
      }
    }
  }
}
