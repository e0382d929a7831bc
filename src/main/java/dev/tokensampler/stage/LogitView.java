package dev.tokensampler.stage;

import dev.tokensampler.kernel.Kernels;
import java.nio.FloatBuffer;

/**
 * The candidates of one step as logits: which tokens are in play, where their logits are, and the
 * pending temperature. Owns the copy-on-write of the caller's logits and the compact arrays of
 * explicit candidates.
 *
 * <p>Candidate {@code i} has raw logit {@code logits()[offset() + i]} (its logit is that times
 * {@link #scale()}) and token id {@code ids()[i]}, or {@code i} while {@link #isWhole()} (the
 * whole vocabulary, in id order, read in place from the caller's array until the first write).
 * Explicit candidates always live in this view's own arrays at offset 0. Not thread-safe.
 */
final class LogitView {
  private final int vocabularySize;

  private float[] logits;
  private int offset;
  private int size;
  private int[] ids;
  private float scale;
  /** Logits in non-increasing order (ties in increasing id); only for explicit candidates. */
  private boolean sorted;
  /** The view reads the caller's array, which must not be written. */
  private boolean borrowed;
  /** Added to a whole-vocabulary position to name the caller's index in error messages. */
  private int inputOffset;

  private float[] ownLogits;
  private float[] explicitLogits;
  private int[] explicitIds;

  LogitView(int vocabularySize) {
    this.vocabularySize = vocabularySize;
  }

  int vocabularySize() {
    return vocabularySize;
  }

  /** Starts a step on {@code V} logits of the caller's array, read in place. */
  void start(float[] source, int sourceOffset) {
    start(source, sourceOffset, true, sourceOffset);
  }

  /**
   * Starts a step on {@code V} floats of a buffer from the absolute index {@code index}: read in
   * place from an accessible array, else copied once into this view's array.
   */
  void start(FloatBuffer source, int index) {
    if (source.hasArray()) {
      start(source.array(), source.arrayOffset() + index, true, index);
    } else {
      float[] own = ownLogits();
      source.get(index, own, 0, vocabularySize);
      start(own, 0, false, index);
    }
  }

  private void start(float[] source, int sourceOffset, boolean isBorrowed, int callerOffset) {
    logits = source;
    offset = sourceOffset;
    inputOffset = callerOffset;
    size = vocabularySize;
    ids = null;
    scale = 1f;
    sorted = false;
    borrowed = isBorrowed;
  }

  float[] logits() {
    return logits;
  }

  int offset() {
    return offset;
  }

  int size() {
    return size;
  }

  /** The token ids of explicit candidates, or null on the whole vocabulary. */
  int[] ids() {
    return ids;
  }

  boolean isWhole() {
    return ids == null;
  }

  float scale() {
    return scale;
  }

  void setScale(float factor) {
    scale = factor;
  }

  /** The token id of position {@code i}. */
  int id(int i) {
    return ids == null ? i : ids[i];
  }

  /** The raw logit (before {@link #scale()}) of position {@code i}. */
  float raw(int i) {
    return logits[offset + i];
  }

  /** The position of a token id, or -1 if it is not a candidate. */
  int positionOf(int token) {
    if (ids == null) {
      return token < size ? token : -1;
    }
    int[] x = ids;
    for (int i = 0, n = size; i < n; i++) {
      if (x[i] == token) {
        return i;
      }
    }
    return -1;
  }

  /** The caller's index of a position, for error messages. */
  String nameOf(int position) {
    return "logits[" + (ids == null ? position + inputOffset : ids[position]) + "]";
  }

  /**
   * Makes the logits writable: copies borrowed logits once and folds the pending scale into them.
   *
   * @return the folded factor, 1 if none was pending
   */
  float makeWritable(Kernels kernels) {
    if (borrowed) {
      float[] own = ownLogits();
      System.arraycopy(logits, offset, own, 0, size);
      logits = own;
      offset = 0;
      borrowed = false;
    }
    float folded = scale;
    if (folded != 1f) {
      kernels.multiply(logits, size, folded);
      scale = 1f;
    }
    sorted = false;
    return folded;
  }

  /** Writes the raw logit of a position of writable logits ({@link #makeWritable}). */
  void write(int i, float value) {
    logits[offset + i] = value;
  }

  /**
   * Replaces the whole vocabulary with explicit candidates: {@code count} ids and raw logits
   * (before scale) written into {@link #explicitIds()} and {@link #explicitLogits()}.
   */
  void useExplicit(int count, boolean isSorted) {
    if (ids != null) {
      throw new IllegalStateException("explicit candidates are built from the whole vocabulary");
    }
    logits = explicitLogits();
    offset = 0;
    ids = explicitIds;
    size = count;
    sorted = isSorted;
    borrowed = false;
  }

  /** Keeps the first {@code count} explicit candidates; whether any went. */
  boolean truncate(int count) {
    if (count < size) {
      size = count;
      return true;
    }
    return false;
  }

  /** Keeps, in order, the explicit candidates whose raw logit is in {@code [low, high]}. */
  boolean compact(float low, float high) {
    float[] x = logits;
    int[] id = ids;
    int count = 0;
    for (int i = 0, n = size; i < n; i++) {
      float v = x[i];
      if (v >= low && v <= high) {
        x[count] = v;
        id[count] = id[i];
        count++;
      }
    }
    return truncate(count);
  }

  /**
   * Writes {@code -Infinity} as the raw logit of positions {@code [from, to)} of writable logits.
   *
   * @return whether one of them held the value {@code max}
   */
  boolean maskRange(int from, int to, float max) {
    float[] x = logits;
    boolean held = false;
    for (int p = offset + from, end = offset + to; p < end; p++) {
      held |= x[p] == max;
      x[p] = Float.NEGATIVE_INFINITY;
    }
    return held;
  }

  /**
   * Moves explicit candidate {@code from} to position {@code to <= from} (a compaction in order,
   * finished by {@link #truncate}).
   */
  void move(int from, int to) {
    ids[to] = ids[from];
    logits[to] = logits[from];
  }

  /** Sorts explicit candidates by logit, largest first, ties by increasing id; whether it did. */
  boolean sortExplicit() {
    if (sorted) {
      return false;
    }
    ByLogitSort.sort(logits, ids, size);
    sorted = true;
    return true;
  }

  /**
   * This view's own array for the whole vocabulary, to write a transformed copy into (it may be
   * the array the view reads, when the logits were already copied).
   */
  float[] ownArray() {
    return ownLogits();
  }

  /**
   * The whole-vocabulary view now reads {@link #ownArray()} (which holds the written copy); a
   * pending scale stays pending.
   */
  void useOwnArray() {
    logits = ownLogits();
    offset = 0;
    borrowed = false;
  }

  int[] explicitIds() {
    if (explicitIds == null) {
      explicitIds = new int[vocabularySize];
    }
    return explicitIds;
  }

  float[] explicitLogits() {
    if (explicitLogits == null) {
      explicitLogits = new float[vocabularySize];
    }
    return explicitLogits;
  }

  private float[] ownLogits() {
    if (ownLogits == null) {
      ownLogits = new float[vocabularySize];
    }
    return ownLogits;
  }
}
