package dev.tokensampler.stage;

import dev.tokensampler.internal.logits.LogitRule;
import dev.tokensampler.kernel.Kernels;

/**
 * Allowed-token bitmasks, in the packed form grammar engines produce: token {@code id} is allowed
 * iff bit {@code id & 63} of {@code words[id >>> 6]} is set ({@code long[]}), or bit
 * {@code id & 31} of {@code words[id >>> 5]} ({@code int[]}, widened to 64-bit words first, one
 * step per pair of words). Applies one to a {@link LogitView} after validating every current
 * logit, allowed or not, so that a mask cannot hide an invalid one.
 *
 * <p>On the whole vocabulary, a set of at most {@link Truncation#EXPLICIT_LIMIT} tokens that is
 * also at most an eighth of the vocabulary becomes explicit candidates, at one step per allowed
 * token after the validating maximum pass (none if a stage already made it). A larger set is
 * applied by {@link Kernels#copyAllowed}: one pass that validates every logit, writes each
 * allowed logit (with the pending scale folded in) or {@code -Infinity} into the view's own array
 * (the caller's logits are never written) and finds the new maximum, so that the stages after
 * keep the SIMD passes of the whole vocabulary and know the maximum. On explicit candidates, one
 * pass validates and keeps the allowed ones in their order. Not thread-safe.
 */
final class AllowedTokens {
  private final Kernels kernels;
  private final LogitView view;
  private final StepWeights weights;
  private final Truncation truncation;
  /** 32-bit words widened to 64-bit ones; allocated on the first use of 32-bit words. */
  private long[] widened;

  AllowedTokens(Kernels kernels, LogitView view, StepWeights weights, Truncation truncation) {
    this.kernels = kernels;
    this.view = view;
    this.weights = weights;
    this.truncation = truncation;
  }

  /**
   * Checks the length of a mask of {@code bits}-bit words for a vocabulary.
   *
   * @throws IllegalArgumentException if fewer than {@code ceil(vocabularySize / bits)} words
   */
  static void checkWords(int length, int bits, int vocabularySize) {
    int needed = (vocabularySize + bits - 1) / bits;
    if (length < needed) {
      throw new IllegalArgumentException("allowedBits.length must be >= " + needed + " ("
          + bits + "-bit words for " + vocabularySize + " tokens), got " + length);
    }
  }

  /** The error when no allowed candidate has a finite logit. */
  static IllegalArgumentException noneAllowed() {
    return new IllegalArgumentException("allowedBits allows no candidate with a finite logit:"
        + " no token can be sampled");
  }

  /**
   * {@link #keepAllowed(long[])} with 32-bit words, at least {@code ceil(V / 32)} of them: word
   * {@code 2w} is the low half of 64-bit word {@code w}, word {@code 2w + 1} the high half.
   */
  boolean keepAllowed(int[] words) {
    int n = (view.vocabularySize() + 63) >>> 6;
    if (widened == null) {
      widened = new long[n];
    }
    long[] wide = widened;
    for (int w = 0; w < n; w++) {
      long high = 2 * w + 1 < words.length ? words[2 * w + 1] : 0;
      wide[w] = (words[2 * w] & 0xFFFF_FFFFL) | high << 32;
    }
    return keepAllowed(wide);
  }

  /**
   * Keeps the candidates whose token id has its bit set in {@code words} (at least
   * {@code ceil(V / 64)} of them), after validating every current logit, allowed or not.
   *
   * @return whether a candidate with a finite logit is allowed; if not, the candidates are left
   *     unusable for this step
   * @throws IllegalArgumentException if a current logit breaks the input rule
   */
  boolean keepAllowed(long[] words) {
    if (!view.isWhole()) {
      return keepExplicitAllowed(words);
    }
    int size = view.size();
    int count = allowedCount(words, size);
    if (count <= Truncation.EXPLICIT_LIMIT && count <= size / 8) {
      return keepFew(words, size);
    }
    return maskDisallowed(words);
  }

  /** The number of vocabulary ids whose bit is set. */
  private static int allowedCount(long[] words, int vocabularySize) {
    int full = vocabularySize >>> 6;
    int count = 0;
    for (int w = 0; w < full; w++) {
      count += Long.bitCount(words[w]);
    }
    int rest = vocabularySize & 63;
    if (rest != 0) {
      count += Long.bitCount(words[full] & ((1L << rest) - 1));
    }
    return count;
  }

  /** A few allowed tokens of the whole vocabulary become explicit candidates, in id order. */
  private boolean keepFew(long[] words, int size) {
    weights.rawMax();
    int[] ids = view.explicitIds();
    float[] logits = view.explicitLogits();
    float[] x = view.logits();
    int o = view.offset();
    int kept = 0;
    boolean finite = false;
    for (int w = 0, n = (size + 63) >>> 6; w < n; w++) {
      for (long bits = words[w]; bits != 0; bits &= bits - 1) {
        int id = (w << 6) + Long.numberOfTrailingZeros(bits);
        if (id >= size) {
          break;
        }
        ids[kept] = id;
        logits[kept] = x[o + id];
        finite |= logits[kept] != Float.NEGATIVE_INFINITY;
        kept++;
      }
    }
    if (finite) {
      truncation.useExplicit(kept, false);
    }
    return finite;
  }

  /**
   * The whole vocabulary, masked by {@link Kernels#copyAllowed} into the view's own array. When
   * the view already reads that array and its logits are not validated, the maximum pass
   * validates them first, so that an invalid logit is still there to be named.
   */
  private boolean maskDisallowed(long[] words) {
    float[] own = view.ownArray();
    if (view.logits() == own && !weights.isValidated()) {
      weights.rawMax();
    }
    float scale = view.scale();
    float max = kernels.copyAllowed(view.logits(), view.offset(), view.size(), scale, words, own);
    if (max != max) {
      // Not in place (else validated above): the view still reads the logits to name.
      throw weights.invalidLogit();
    }
    if (max == Float.NEGATIVE_INFINITY) {
      if (!weights.isValidated()) {
        // Every logit -Infinity says so rather than that the mask allows none.
        weights.rawMax();
      }
      return false;
    }
    view.useOwnArray();
    view.setScale(1f);
    weights.noteMasked(max);
    return true;
  }

  /** Keeps the allowed explicit candidates in order, validating every one (kept or not). */
  private boolean keepExplicitAllowed(long[] words) {
    int[] ids = view.ids();
    float[] x = view.logits();
    int kept = 0;
    boolean finite = false;
    for (int i = 0, size = view.size(); i < size; i++) {
      float v = x[i];
      if (!LogitRule.isValid(v)) {
        throw weights.invalidAt(i);
      }
      int id = ids[i];
      if ((words[id >>> 6] << ~id) < 0) {
        finite |= v != Float.NEGATIVE_INFINITY;
        view.move(i, kept++);
      }
    }
    if (finite) {
      truncation.truncate(kept);
    }
    return finite;
  }
}
