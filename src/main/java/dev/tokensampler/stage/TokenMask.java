package dev.tokensampler.stage;

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
 * <p>Stateless and immutable; the sets are copied.
 */
public final class TokenMask implements Stage {
  /** The largest allowed set turned directly into explicit candidates. */
  static final int EXPLICIT_LIMIT = Truncation.EXPLICIT_LIMIT;

  /** The allowed tokens minus the banned ones; null when every token is allowed. */
  private final BitSet allowed;
  private final int[] allowedIds;
  private final BitSet banned;
  private final int[] bannedIds;

  /**
   * A mask.
   *
   * @param allowed the allowed token ids, or null for every token; copied
   * @param banned the banned token ids (may be empty); copied
   * @throws NullPointerException if {@code banned} is null
   * @throws IllegalArgumentException if {@code allowed} is not null and holds no token outside
   *     {@code banned}
   */
  public TokenMask(BitSet allowed, BitSet banned) {
    Objects.requireNonNull(banned, "banned tokens");
    if (allowed != null) {
      BitSet kept = (BitSet) allowed.clone();
      kept.andNot(banned);
      if (kept.isEmpty()) {
        throw new IllegalArgumentException("allowed tokens must keep at least one token outside"
            + " the banned ones, got allowed " + summary(allowed) + ", banned " + summary(banned));
      }
      this.allowed = kept;
      this.allowedIds = kept.stream().toArray();
      this.banned = new BitSet();
      this.bannedIds = new int[0];
    } else {
      this.allowed = null;
      this.allowedIds = null;
      this.banned = (BitSet) banned.clone();
      this.bannedIds = banned.stream().toArray();
    }
  }

  /**
   * A mask keeping only the allowed tokens.
   *
   * @param allowed the allowed token ids, not empty; copied
   * @return the mask
   * @throws NullPointerException if {@code allowed} is null
   * @throws IllegalArgumentException if {@code allowed} is empty
   */
  public static TokenMask allowing(BitSet allowed) {
    return new TokenMask(Objects.requireNonNull(allowed, "allowed tokens"), new BitSet());
  }

  /**
   * A mask removing the banned tokens.
   *
   * @param banned the banned token ids; copied
   * @return the mask
   * @throws NullPointerException if {@code banned} is null
   */
  public static TokenMask banning(BitSet banned) {
    return new TokenMask(null, banned);
  }

  /**
   * The tokens kept, if restricted.
   *
   * @return a copy of the allowed set (without the banned tokens), or null if every token not
   *     banned is kept
   */
  public BitSet allowed() {
    return allowed == null ? null : (BitSet) allowed.clone();
  }

  /**
   * The tokens removed when no allowed set is given.
   *
   * @return a copy of the banned set (empty when an allowed set is given: it already excludes them)
   */
  public BitSet banned() {
    return (BitSet) banned.clone();
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
    int[] listed = allowed != null ? allowedIds : bannedIds;
    if (listed.length == 0) {
      return;
    }
    int last = listed[listed.length - 1];
    if (last >= c.vocabularySize()) {
      throw new IllegalArgumentException((allowed != null ? "allowed" : "banned") + " token "
          + last + " is outside the vocabulary of size " + c.vocabularySize());
    }
    if (!c.isWholeVocabulary()) {
      keepExplicit(c);
    } else if (allowed != null) {
      keepAllowed(c);
    } else {
      c.prepareMask();
      for (int id : bannedIds) {
        c.writeLogit(id, Float.NEGATIVE_INFINITY);
      }
    }
  }

  private void keepAllowed(Candidates c) {
    int count = allowedIds.length;
    if (count <= EXPLICIT_LIMIT && count <= c.size() / 8) {
      c.keepListedTokens(allowedIds);
      return;
    }
    c.prepareMask();
    int from = 0;
    for (int id : allowedIds) {
      c.maskRange(from, id);
      from = id + 1;
    }
    c.maskRange(from, c.size());
  }

  /** Drops the masked explicit candidates, keeping the order of the rest. */
  private void keepExplicit(Candidates c) {
    Truncation truncation = c.truncation();
    int kept = allowed != null
        ? truncation.keepTokensIn(allowed, true)
        : truncation.keepTokensIn(banned, false);
    if (kept == 0) {
      throw new IllegalArgumentException(
          "the token mask removes every candidate: no token can be sampled");
    }
  }

  private static String summary(BitSet set) {
    return set.cardinality() <= 8 ? set.toString() : set.cardinality() + " tokens";
  }

  @Override
  public String toString() {
    return allowed != null
        ? "allowed_tokens=" + summary(allowed) + " #" + Integer.toHexString(allowed.hashCode())
        : "banned_tokens=" + summary(banned) + " #" + Integer.toHexString(banned.hashCode());
  }
}
