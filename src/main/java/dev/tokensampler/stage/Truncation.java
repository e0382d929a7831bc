package dev.tokensampler.stage;

import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.kernel.TopKHeap;

/**
 * The ways a {@link LogitView} shrinks: keep the largest logits, keep the logits in a range, keep
 * the candidates whose key is small enough, keep a set of token ids. On the whole vocabulary each
 * is one pass (a SIMD selection where the kernels have one) that makes the survivors explicit; on
 * explicit candidates, a compaction in place that keeps their order. Each tells the
 * {@link StepWeights} that the view changed. Not thread-safe.
 */
final class Truncation {
  /**
   * The most tokens a whole-vocabulary allowed set becomes explicit candidates at (if they are
   * also at most an eighth of it); a larger set is masked in place, so that later stages keep the
   * SIMD passes of the whole vocabulary.
   */
  static final int EXPLICIT_LIMIT = 1024;

  private final Kernels kernels;
  private final LogitView view;
  private final StepWeights weights;
  private final TopKHeap heap = new TopKHeap();

  Truncation(Kernels kernels, LogitView view, StepWeights weights) {
    this.kernels = kernels;
    this.view = view;
    this.weights = weights;
  }

  // ---- checks of the public primitives' arguments

  static void checkThreshold(float threshold, int minKeep) {
    if (!Float.isFinite(threshold)) {
      throw new IllegalArgumentException("threshold must be finite, got " + threshold);
    }
    if (minKeep < 1) {
      throw new IllegalArgumentException("minKeep must be >= 1, got " + minKeep);
    }
  }

  /**
   * The smallest raw logit (at least {@code -Float.MAX_VALUE}) whose product with {@code scale}
   * reaches {@code threshold}: the product is monotone in the raw logit, so keeping the raw
   * logits at or above it keeps exactly the scaled logits at or above the threshold.
   */
  static float rawThreshold(float threshold, float scale) {
    float t = threshold;
    if (scale != 1f) {
      t = (float) (threshold / (double) scale);
      while (t * scale < threshold) {
        t = Math.nextUp(t);
      }
      while (Math.nextDown(t) * scale >= threshold) {
        t = Math.nextDown(t);
      }
    }
    return Math.max(t, -Float.MAX_VALUE);
  }

  static void checkTokenIds(int[] tokenIds, int vocabularySize) {
    int previous = -1;
    for (int j = 0; j < tokenIds.length; j++) {
      int id = tokenIds[j];
      if (id <= previous || id >= vocabularySize) {
        throw new IllegalArgumentException("tokenIds[" + j + "] must be in (" + previous + ", "
            + vocabularySize + "): ids strictly increasing, in the vocabulary; got " + id);
      }
      previous = id;
    }
  }


  /** Makes {@code count} survivors written into the view's explicit arrays the candidates. */
  void useExplicit(int count, boolean sorted) {
    view.useExplicit(count, sorted);
    weights.forget();
  }

  /** Keeps the first {@code count} explicit candidates (their order is kept). */
  void truncate(int count) {
    if (view.truncate(count)) {
      weights.forget();
    }
  }

  /**
   * Sorts explicit candidates by logit, largest first, ties by increasing id. The weights and
   * their sums are then unknown: block sums taken in the old order would send a draw to the wrong
   * block.
   */
  void sortExplicit() {
    if (view.sortExplicit()) {
      weights.forgetWeights();
    }
  }

  /** Keeps the {@code keep >= 1} largest logits and their ties (explicit or whole vocabulary). */
  void keepLargest(int keep) {
    int size = view.size();
    if (keep >= size) {
      return;
    }
    if (view.isWhole()) {
      keepLargestOfVocabulary(keep);
      return;
    }
    sortExplicit();
    float[] x = view.logits();
    float kth = x[keep - 1];
    int count = keep;
    while (count < size && x[count] == kth) {
      count++;
    }
    truncate(count);
  }

  /**
   * Replaces whole-vocabulary candidates with their {@code keep} largest logits and ties, sorted:
   * one SIMD pass that sends the few logits above the running k-th to a heap.
   */
  void keepLargestOfVocabulary(int keep) {
    int size = view.size();
    heap.reset(keep, size);
    int nan = kernels.selectTopK(view.logits(), view.offset(), size, heap);
    if (nan >= 0) {
      throw weights.invalidAt(nan);
    }
    int count = heap.count();
    if (count == 0) {
      weights.rawMax();
    }
    int[] ids = view.explicitIds();
    float[] logits = view.explicitLogits();
    int heapSize = heap.copyTo(ids, logits);
    ByLogitSort.sort(logits, ids, heapSize);
    if (logits[0] == Float.POSITIVE_INFINITY) {
      weights.rawMax();
    }
    useExplicit(count, true);
  }

  /**
   * Keeps the candidates whose raw logit is at least {@code threshold}, in their order; if fewer
   * than {@code minKeep} pass, keeps the {@code minKeep} largest logits and their ties instead.
   */
  void keepAtLeast(float threshold, int minKeep) {
    int size = view.size();
    if (view.isWhole()) {
      int[] kept = view.explicitIds();
      float[] x = view.logits();
      int o = view.offset();
      int count = kernels.selectAtLeast(x, o, size, threshold, kept);
      if (count < minKeep) {
        if (minKeep < size) {
          keepLargestOfVocabulary(minKeep);
        }
      } else if (count < size) {
        float[] keptLogits = view.explicitLogits();
        for (int j = 0; j < count; j++) {
          keptLogits[j] = x[o + kept[j]];
        }
        useExplicit(count, false);
      }
      return;
    }
    float[] x = view.logits();
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (x[i] >= threshold) {
        count++;
      }
    }
    if (count < minKeep) {
      keepLargest(minKeep);
    } else if (count < size) {
      if (view.compact(threshold, Float.POSITIVE_INFINITY)) {
        weights.forget();
      }
    }
  }

  /** Keeps the candidates whose raw logit is finite and at most {@code high}, in their order. */
  void keepAtMost(float high) {
    float low = -Float.MAX_VALUE;
    if (view.isWhole()) {
      int[] kept = view.explicitIds();
      float[] keptLogits = view.explicitLogits();
      float[] x = view.logits();
      int o = view.offset();
      int count = 0;
      for (int i = 0, n = view.size(); i < n; i++) {
        float v = x[o + i];
        if (v >= low && v <= high) {
          kept[count] = i;
          keptLogits[count] = v;
          count++;
        }
      }
      useExplicit(count, false);
      return;
    }
    view.compact(low, high);
    weights.forget();
  }

  /** Keeps the candidates whose key (by position) is at most {@code bound}, in their order. */
  void keepKeysAtMost(float[] key, float bound) {
    int[] kept = view.explicitIds();
    float[] keptLogits = view.explicitLogits();
    float[] x = view.logits();
    int o = view.offset();
    int[] ids = view.ids();
    int size = view.size();
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (key[i] <= bound) {
        kept[count] = ids == null ? i : ids[i];
        keptLogits[count] = x[o + i];
        count++;
      }
    }
    if (ids == null) {
      if (count < size) {
        useExplicit(count, false);
      }
    } else {
      view.truncate(count);
      weights.forget();
    }
  }

  /**
   * Selects, in id order, the whole-vocabulary candidates whose stored weight is at least
   * {@code floor} (the weights must be known), without changing the view; {@link
   * #keepSelectedAtLeast} then keeps them. Writes to {@code tied[0]} and {@code tied[1]} the least
   * and greatest raw logits of the selected candidates whose weight is exactly {@code floor}
   * ({@code +Infinity} and {@code -Infinity} if there are none).
   *
   * @return how many were selected
   */
  int selectWeightsAtLeast(float floor, float[] tied) {
    int[] ids = view.explicitIds();
    float[] logits = view.explicitLogits();
    float[] w = weights.weights();
    float[] x = view.logits();
    int o = view.offset();
    int count = kernels.selectAtLeast(w, 0, view.size(), floor, ids);
    float lowest = Float.POSITIVE_INFINITY;
    float highest = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < count; j++) {
      float v = x[o + ids[j]];
      logits[j] = v;
      if (w[ids[j]] == floor) {
        lowest = Math.min(lowest, v);
        highest = Math.max(highest, v);
      }
    }
    tied[0] = lowest;
    tied[1] = highest;
    return count;
  }

  /**
   * Keeps, in id order, those of the {@code count} candidates of the last {@link
   * #selectWeightsAtLeast} whose raw logit is at least {@code cut}.
   */
  void keepSelectedAtLeast(int count, float cut) {
    int[] ids = view.explicitIds();
    float[] logits = view.explicitLogits();
    int kept = 0;
    for (int j = 0; j < count; j++) {
      if (logits[j] >= cut) {
        ids[kept] = ids[j];
        logits[kept] = logits[j];
        kept++;
      }
    }
    useExplicit(kept, false);
  }

  /**
   * Keeps the candidates whose token id is listed in {@code sortedIds[0, count)} (strictly
   * increasing ids of the vocabulary), in their order.
   *
   * @return how many were kept; if none, the view is unchanged
   */
  int keepTokens(int[] sortedIds, int count) {
    if (view.isWhole()) {
      if (count > 0) {
        int[] ids = view.explicitIds();
        float[] logits = view.explicitLogits();
        float[] x = view.logits();
        int o = view.offset();
        for (int j = 0; j < count; j++) {
          ids[j] = sortedIds[j];
          logits[j] = x[o + sortedIds[j]];
        }
        useExplicit(count, false);
      }
      return count;
    }
    int[] ids = view.ids();
    int kept = 0;
    for (int i = 0, n = view.size(); i < n; i++) {
      if (java.util.Arrays.binarySearch(sortedIds, 0, count, ids[i]) >= 0) {
        view.move(i, kept++);
      }
    }
    if (kept > 0) {
      truncate(kept);
    }
    return kept;
  }

  /**
   * Keeps the explicit candidates whose token id is in {@code sortedIds} ({@code members}) or not
   * in it ({@code !members}), in their order; each id is looked up by binary search.
   *
   * @param sortedIds distinct ids in increasing order
   * @return how many were kept; if none, the view is unchanged
   */
  int keepTokensIn(int[] sortedIds, boolean members) {
    int[] ids = view.ids();
    int kept = 0;
    for (int i = 0, n = view.size(); i < n; i++) {
      if ((java.util.Arrays.binarySearch(sortedIds, ids[i]) >= 0) == members) {
        view.move(i, kept++);
      }
    }
    if (kept > 0) {
      truncate(kept);
    }
    return kept;
  }

  /**
   * Positions of the candidates whose raw logit is at least {@code bound}, written to
   * {@code out} in order (one SIMD pass on the whole vocabulary).
   *
   * @return how many
   */
  int selectAtLeast(float bound, int[] out) {
    int size = view.size();
    if (view.isWhole()) {
      return kernels.selectAtLeast(view.logits(), view.offset(), size, bound, out);
    }
    float[] x = view.logits();
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (x[i] >= bound) {
        out[count++] = i;
      }
    }
    return count;
  }

  /**
   * Writes the {@code m} largest raw logits, largest first, into {@code out} (with the positions
   * scratch {@code positions} on the whole vocabulary); on explicit candidates, all of them.
   *
   * @return how many were written
   */
  int largestLogits(int m, float[] out, int[] positions) {
    int size = view.size();
    // m changes from step to step: size the heap for any m once, so that no later step allocates.
    heap.reset(view.vocabularySize(), view.vocabularySize());
    if (view.isWhole()) {
      heap.reset(Math.min(m, size), size);
      kernels.selectTopK(view.logits(), view.offset(), size, heap);
      int count = heap.count();
      ByLogitSort.sort(out, positions, heap.copyTo(positions, out));
      return count;
    }
    sortExplicit();
    System.arraycopy(view.logits(), 0, out, 0, size);
    return size;
  }
}
