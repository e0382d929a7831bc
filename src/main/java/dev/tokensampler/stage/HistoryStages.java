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

  /** A new logit for a candidate that a {@link TokenCounts} holds. */
  interface CountedEdit {
    /**
     * The edited logit.
     *
     * @param logit the candidate's logit
     * @param token its token id
     * @param count its positive value in the counts
     * @return the new logit
     */
    float edit(float logit, int token, int count);
  }

  /** The edit of {@link #ban}. */
  private static final CountedEdit BAN = (logit, token, count) -> Float.NEGATIVE_INFINITY;

  /**
   * Gives every token of {@code banned} that is a candidate the logit {@code -Infinity}; edits
   * nothing if the set is empty. The logits are validated first (see
   * {@link Candidates#prepareMask}): the write would hide a NaN or {@code +Infinity}.
   *
   * @param c the candidates
   * @param banned the banned token ids (ids outside the vocabulary are ignored)
   * @throws IllegalArgumentException if the set is not empty and the logits are invalid
   */
  static void ban(Candidates c, TokenCounts banned) {
    if (banned.size() > 0) {
      c.writes().prepareMask();
      writeCounted(c, banned, BAN, null);
    }
  }

  /**
   * Replaces the logit of every candidate that {@code counts} holds by {@code edit}'s value; edits
   * nothing (and copies nothing) if {@code counts} is empty. On the whole vocabulary only those
   * logits are visited, through the table of {@code counts}; on explicit candidates each
   * candidate is looked up. Allocates nothing: callers pass an edit created once.
   *
   * @param c the candidates
   * @param counts the tokens to edit with their counts (ids outside the vocabulary are ignored)
   * @param edit the new logit of each
   * @param stage the stage's text, for the message if an edit makes a valid logit NaN or
   *     {@code +Infinity} (an overflow: the stage's parameters, not the caller's logits, are wrong)
   * @throws IllegalArgumentException if an edit makes a valid logit NaN or {@code +Infinity}
   */
  static void editCounted(Candidates c, TokenCounts counts, CountedEdit edit, Stage stage) {
    if (counts.size() > 0) {
      c.writes().edit();
      writeCounted(c, counts, edit, stage);
    }
  }

  /** The loop of {@link #editCounted}, after the candidates were prepared for edits. */
  private static void writeCounted(
      Candidates c, TokenCounts counts, CountedEdit edit, Stage stage) {
    LogitView view = c.logitView();
    float[] x = view.logits();
    int o = view.offset();
    int[] ids = view.ids();
    if (ids == null) {
      int size = c.size();
      for (int slot = 0, n = counts.slots(); slot < n; slot++) {
        int token = counts.keyAt(slot);
        if (token >= 0 && token < size) {
          float before = x[o + token];
          float after = edit.edit(before, token, counts.valueAt(slot));
          if (!(after < Float.POSITIVE_INFINITY) && stage != null) {
            checkCreated(stage, token, before, after);
          }
          c.writes().write(token, after);
        }
      }
    } else {
      for (int i = 0, n = c.size(); i < n; i++) {
        int count = counts.get(ids[i]);
        if (count > 0) {
          float before = x[o + i];
          float after = edit.edit(before, ids[i], count);
          if (!(after < Float.POSITIVE_INFINITY) && stage != null) {
            checkCreated(stage, ids[i], before, after);
          }
          c.writes().write(i, after);
        }
      }
    }
  }

  /**
   * Fails if a stage turned a valid logit (finite or {@code -Infinity}) into NaN or
   * {@code +Infinity}; an invalid input logit is left for the sampler's validation to report.
   *
   * @param stage the stage, named in the message
   * @param token the token id
   * @param before the logit before the edit
   * @param after the logit after it
   * @throws IllegalArgumentException if the stage created the invalid value
   */
  static void checkCreated(Stage stage, int token, float before, float after) {
    if (before == before && before != Float.POSITIVE_INFINITY
        && (after != after || after == Float.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("stage " + stage + " made the logit of token " + token
          + " " + after + " (from " + before + "): its parameters overflow the float range");
    }
  }
}
