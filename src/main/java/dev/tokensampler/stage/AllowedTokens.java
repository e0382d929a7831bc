package dev.tokensampler.stage;

/**
 * Allowed-token bitmasks, in the packed form grammar engines produce: token {@code id} is allowed
 * iff bit {@code id & 63} of {@code words[id >>> 6]} is set ({@code long[]}), or bit
 * {@code id & 31} of {@code words[id >>> 5]} ({@code int[]}). Applies one to a {@link LogitView}
 * after validating every current logit, allowed or not, so that a mask cannot hide an invalid
 * one. Not thread-safe.
 */
final class AllowedTokens {
  private static final int NEGATIVE_INFINITY_BITS =
      Float.floatToRawIntBits(Float.NEGATIVE_INFINITY);

  private final LogitView view;
  private final StepWeights weights;
  private final Truncation truncation;

  AllowedTokens(LogitView view, StepWeights weights, Truncation truncation) {
    this.view = view;
    this.weights = weights;
    this.truncation = truncation;
  }

  static void checkWords(int length, int bits, int vocabularySize) {
    int needed = (vocabularySize + bits - 1) / bits;
    if (length < needed) {
      throw new IllegalArgumentException("allowedBits.length must be >= " + needed + " ("
          + bits + "-bit words for " + vocabularySize + " tokens), got " + length);
    }
  }

  static IllegalArgumentException noneAllowed() {
    return new IllegalArgumentException("allowedBits allows no candidate with a finite logit:"
        + " no token can be sampled");
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

  private static int allowedCount(int[] words, int vocabularySize) {
    int full = vocabularySize >>> 5;
    int count = 0;
    for (int w = 0; w < full; w++) {
      count += Integer.bitCount(words[w]);
    }
    int rest = vocabularySize & 31;
    if (rest != 0) {
      count += Integer.bitCount(words[full] & ((1 << rest) - 1));
    }
    return count;
  }

  /**
   * Keeps the candidates whose token id has its bit set in {@code words}, after validating every
   * current logit (allowed or not). On the whole vocabulary the validation is the SIMD maximum
   * pass (none if a stage already made it); then a sparse set becomes explicit candidates (one
   * step per allowed id), a larger one is masked in one pass that also copies on write. On
   * explicit candidates one pass validates and keeps the allowed ones.
   *
   * @return whether a candidate with a finite logit is allowed; if not, the candidates are left
   *     unusable for this step
   */
  boolean keepAllowed(long[] words) {
    if (view.isWhole()) {
      int size = view.size();
      int count = allowedCount(words, size);
      if (count <= Truncation.EXPLICIT_LIMIT && count <= size / 8) {
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
      return maskDisallowed(words, null);
    }
    return keepExplicitAllowed(words, null);
  }

  /** {@link #keepAllowed(long[])} with 32-bit words. */
  boolean keepAllowed(int[] words) {
    if (view.isWhole()) {
      int size = view.size();
      int count = allowedCount(words, size);
      if (count <= Truncation.EXPLICIT_LIMIT && count <= size / 8) {
        weights.rawMax();
        int[] ids = view.explicitIds();
        float[] logits = view.explicitLogits();
        float[] x = view.logits();
        int o = view.offset();
        int kept = 0;
        boolean finite = false;
        for (int w = 0, n = (size + 31) >>> 5; w < n; w++) {
          for (int bits = words[w]; bits != 0; bits &= bits - 1) {
            int id = (w << 5) + Integer.numberOfTrailingZeros(bits);
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
      return maskDisallowed(null, words);
    }
    return keepExplicitAllowed(null, words);
  }

  /**
   * The whole-vocabulary path: validates every logit by the maximum pass (none if known), then
   * one pass writes each logit (allowed, with the pending scale folded in, as every write does)
   * or {@code -Infinity} (not) into this view's own array. The maximum stays known unless a
   * disallowed token held it. One of the word arrays is null.
   */
  private boolean maskDisallowed(long[] longWords, int[] intWords) {
    float max = weights.rawMax();
    float scale = view.scale();
    int size = view.size();
    float[] src = view.logits();
    int so = view.offset();
    float[] dst = view.ownArray();
    // Branch-free: an allowed token keeps the bits of its scaled logit, a disallowed one gets
    // those of -Infinity (a branch on a random mask mispredicts half the time). The largest value
    // written tells whether any allowed logit is finite and whether the maximum survived.
    float written = Float.NEGATIVE_INFINITY;
    if (longWords != null) {
      for (int i = 0; i < size; i++) {
        int keep = (int) ((longWords[i >>> 6] << ~i) >> 63);
        int scaled = Float.floatToRawIntBits(src[so + i] * scale);
        float y = Float.intBitsToFloat((scaled & keep) | (NEGATIVE_INFINITY_BITS & ~keep));
        dst[i] = y;
        if (y > written) {
          written = y;
        }
      }
    } else {
      for (int i = 0; i < size; i++) {
        int keep = (intWords[i >>> 5] << ~i) >> 31;
        int scaled = Float.floatToRawIntBits(src[so + i] * scale);
        float y = Float.intBitsToFloat((scaled & keep) | (NEGATIVE_INFINITY_BITS & ~keep));
        dst[i] = y;
        if (y > written) {
          written = y;
        }
      }
    }
    boolean finite = written != Float.NEGATIVE_INFINITY;
    // The largest scaled logit is max * scale (rounding is monotone): it survived iff written is it.
    boolean held = !(written == max * scale);
    if (!finite) {
      return false;
    }
    view.useOwnArray();
    view.setScale(1f);
    weights.noteScaleFolded(scale);
    weights.forgetWeights();
    if (held) {
      weights.forgetMax();
    }
    return true;
  }

  /** Keeps the allowed explicit candidates in order, validating every one (kept or not). */
  private boolean keepExplicitAllowed(long[] longWords, int[] intWords) {
    int[] ids = view.ids();
    float[] x = view.logits();
    int kept = 0;
    boolean finite = false;
    for (int i = 0, size = view.size(); i < size; i++) {
      float v = x[i];
      if (!(v < Float.POSITIVE_INFINITY) && v != Float.NEGATIVE_INFINITY) {
        throw weights.invalidAt(i);
      }
      int id = ids[i];
      if (longWords != null ? (longWords[id >>> 6] << ~id) < 0 : (intWords[id >>> 5] << ~id) < 0) {
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
