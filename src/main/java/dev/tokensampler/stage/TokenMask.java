package dev.tokensampler.stage;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * Restricts sampling to a set of allowed tokens, or excludes a set of banned tokens, or both (a
 * token is kept iff it is allowed and not banned).
 *
 * <p>Source: the hard form of llama.cpp's {@code logit_bias} with {@code -Infinity} (and its
 * grammar sampler's masking), transformers' {@code SuppressTokensLogitsProcessor}
 * ({@code suppress_tokens}, a banned set) and {@code PrefixConstrainedLogitsProcessor} with a
 * fixed allowed set. Removed tokens get probability 0 in every case.
 *
 * <p>How tokens are removed depends on the candidates. On the whole vocabulary: an allowed set of
 * at most 1024 tokens and at most an eighth of the vocabulary becomes the
 * explicit candidates directly (one read per allowed token after the max pass that validates the
 * whole input, so a NaN outside the allowed set is still an error, and later stages work on those
 * few); a larger allowed set, or a banned set, also validates the whole input first (one max pass,
 * so that a NaN or {@code +Infinity} at a removed token is still an error) and then writes
 * {@code -Infinity} into the copy of the logits that any first write of a step makes (one pass for
 * an allowed set, one write per banned token). On explicit candidates, the removed ones are
 * dropped and the order of the rest (and so a sort by logit) is kept. If no token is left, the
 * sampler throws (see {@link Candidates}): this stage does not invent a token. A token id of
 * either set that is not below the vocabulary size is an error at {@code apply}.
 *
 * <p>The sets are held as sorted arrays of ids: memory is proportional to the number of ids, not
 * to the largest one ({@link #banningIds} and {@link #allowingIds} take ids directly; a
 * {@link BitSet} argument is only read). On explicit candidates each candidate is looked up by
 * binary search.
 *
 * <p>Stateless and immutable; the sets are copied.
 */
public final class TokenMask implements Stage {
  /** The largest allowed set turned directly into explicit candidates. */
  static final int EXPLICIT_LIMIT = Truncation.EXPLICIT_LIMIT;

  /** Whether the ids are an allowed set (minus the banned ids) rather than a banned set. */
  private final boolean allowing;
  /** The allowed ids minus the banned ones, or the banned ids: sorted, distinct, not empty. */
  private final int[] ids;

  /**
   * A mask.
   *
   * @param allowed the allowed token ids, or null for every token; read, not kept
   * @param banned the banned token ids (may be empty); read, not kept
   * @throws NullPointerException if {@code banned} is null
   * @throws IllegalArgumentException if {@code allowed} is not null and holds no token outside
   *     {@code banned}
   */
  public TokenMask(BitSet allowed, BitSet banned) {
    this(allowed == null ? null : allowed.stream().toArray(),
        Objects.requireNonNull(banned, "banned tokens").stream().toArray());
  }

  private TokenMask(int[] allowedIds, int[] bannedIds) {
    int[] banned = distinct("banned", bannedIds);
    if (allowedIds != null) {
      int[] allowed = distinct("allowed", allowedIds);
      int[] kept = new int[allowed.length];
      int count = 0;
      for (int id : allowed) {
        if (Arrays.binarySearch(banned, id) < 0) {
          kept[count++] = id;
        }
      }
      if (count == 0) {
        throw new IllegalArgumentException("allowed tokens must keep at least one token outside"
            + " the banned ones, got allowed " + summary(allowed) + ", banned " + summary(banned));
      }
      this.allowing = true;
      this.ids = Arrays.copyOf(kept, count);
    } else {
      this.allowing = false;
      this.ids = banned;
    }
  }

  /**
   * A mask keeping only the allowed tokens.
   *
   * @param allowed the allowed token ids, not empty; read, not kept
   * @return the mask
   * @throws NullPointerException if {@code allowed} is null
   * @throws IllegalArgumentException if {@code allowed} is empty
   */
  public static TokenMask allowing(BitSet allowed) {
    return new TokenMask(Objects.requireNonNull(allowed, "allowed tokens"), new BitSet());
  }

  /**
   * A mask keeping only the allowed tokens, given as ids (repeats are ignored).
   *
   * @param allowed the allowed token ids, {@code >= 0}, at least one; copied
   * @return the mask
   * @throws NullPointerException if {@code allowed} is null
   * @throws IllegalArgumentException if {@code allowed} is empty or holds a negative id
   */
  public static TokenMask allowingIds(int... allowed) {
    return new TokenMask(Objects.requireNonNull(allowed, "allowed tokens"), new int[0]);
  }

  /**
   * A mask removing the banned tokens.
   *
   * @param banned the banned token ids; read, not kept
   * @return the mask
   * @throws NullPointerException if {@code banned} is null
   */
  public static TokenMask banning(BitSet banned) {
    return new TokenMask(null, banned);
  }

  /**
   * A mask removing the banned tokens, given as ids (repeats are ignored).
   *
   * @param banned the banned token ids, {@code >= 0} (may be empty); copied
   * @return the mask
   * @throws NullPointerException if {@code banned} is null
   * @throws IllegalArgumentException if an id is negative
   */
  public static TokenMask banningIds(int... banned) {
    return new TokenMask(null, Objects.requireNonNull(banned, "banned tokens"));
  }

  /** The ids sorted, without repeats; a copy. */
  private static int[] distinct(String name, int[] ids) {
    int[] sorted = ids.clone();
    Arrays.sort(sorted);
    int count = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i] < 0) {
        throw new IllegalArgumentException(name + " token ids must be >= 0, got " + sorted[i]);
      }
      if (count == 0 || sorted[count - 1] != sorted[i]) {
        sorted[count++] = sorted[i];
      }
    }
    return count == sorted.length ? sorted : Arrays.copyOf(sorted, count);
  }

  /**
   * The tokens kept, if restricted.
   *
   * @return a new set of the allowed ids (without the banned ones), or null if every token not
   *     banned is kept; it takes one bit per id up to the largest
   */
  public BitSet allowed() {
    return allowing ? toBitSet(ids) : null;
  }

  /**
   * The tokens removed when no allowed set is given.
   *
   * @return a new set of the banned ids (empty when an allowed set is given: it already excludes
   *     them); it takes one bit per id up to the largest
   */
  public BitSet banned() {
    return allowing ? new BitSet() : toBitSet(ids);
  }

  private static BitSet toBitSet(int[] ids) {
    BitSet set = new BitSet();
    for (int id : ids) {
      set.set(id);
    }
    return set;
  }

  /**
   * Removes the tokens outside the mask.
   *
   * @param c the candidates
   * @throws IllegalArgumentException if a token id of the mask is not below the vocabulary size,
   *     if the logits are invalid (NaN, +Infinity, all -Infinity), or no explicit candidate is
   *     left
   */
  @Override
  public void apply(Candidates c) {
    if (ids.length == 0) {
      return;
    }
    int last = ids[ids.length - 1];
    if (last >= c.vocabularySize()) {
      throw new IllegalArgumentException((allowing ? "allowed" : "banned") + " token "
          + last + " is outside the vocabulary of size " + c.vocabularySize());
    }
    if (!c.isWholeVocabulary()) {
      keepExplicit(c);
    } else if (allowing) {
      keepAllowed(c);
    } else {
      c.writes().prepareMask();
      for (int id : ids) {
        c.writes().write(id, Float.NEGATIVE_INFINITY);
      }
    }
  }

  private void keepAllowed(Candidates c) {
    int count = ids.length;
    if (count <= EXPLICIT_LIMIT && count <= c.size() / 8) {
      c.rawMax();
      c.truncation().keepTokens(ids, ids.length);
      return;
    }
    c.writes().prepareMask();
    int from = 0;
    for (int id : ids) {
      c.writes().maskRange(from, id);
      from = id + 1;
    }
    c.writes().maskRange(from, c.size());
  }

  /** Drops the masked explicit candidates, keeping the order of the rest. */
  private void keepExplicit(Candidates c) {
    if (c.truncation().keepTokensIn(ids, allowing) == 0) {
      throw new IllegalArgumentException(
          "the token mask removes every candidate: no token can be sampled");
    }
  }

  /** Up to 8 ids as {@link BitSet#toString()} writes them, else their count. */
  private static String summary(int[] sorted) {
    if (sorted.length > 8) {
      return sorted.length + " tokens";
    }
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < sorted.length; i++) {
      text.append(i == 0 ? "" : ", ").append(sorted[i]);
    }
    return text.append('}').toString();
  }

  /** {@link BitSet#hashCode()} of the set of these sorted ids, without building the set. */
  private static int bitSetHash(int[] sorted) {
    long h = 1234;
    int i = 0;
    while (i < sorted.length) {
      int word = sorted[i] >>> 6;
      long bits = 0;
      while (i < sorted.length && sorted[i] >>> 6 == word) {
        bits |= 1L << sorted[i];
        i++;
      }
      h ^= bits * (word + 1);
    }
    return (int) ((h >> 32) ^ h);
  }

  @Override
  public String toString() {
    return (allowing ? "allowed_tokens=" : "banned_tokens=") + summary(ids) + " #"
        + Integer.toHexString(bitSetHash(ids));
  }
}
