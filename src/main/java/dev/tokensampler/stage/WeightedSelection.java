package dev.tokensampler.stage;

/**
 * Selection by key without sorting: the smallest key whose cumulative weight reaches a target,
 * and the k-th smallest key. Both are quickselects (expected linear time) with a three-way
 * partition, so ties, flat and sorted inputs cost no more than random ones. The caller supplies a
 * scratch {@code order} array of at least {@code n} ints; nothing is allocated.
 */
final class WeightedSelection {
  private WeightedSelection() {}

  /**
   * The smallest key {@code r} among {@code key[0, n)} with {@code sum of weight[i] over
   * key[i] <= r} at least {@code target}; the same set a scan of the keys in increasing order
   * would reach, ties included.
   *
   * @param key the keys, none NaN
   * @param weight non-negative weights by the same index, or null for weight 1 each
   * @param order scratch, at least {@code n} ints
   * @param n the number of keys
   * @param target the weight to reach, positive
   * @return the key, or NaN if the total weight is below {@code target}
   */
  static float smallestKeyReaching(float[] key, float[] weight, int[] order, int n, double target) {
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int lo = 0;
    int hi = n;
    double below = 0;
    while (lo < hi) {
      float pivot = medianOfThree(
          key[order[lo]], key[order[(lo + hi) >>> 1]], key[order[hi - 1]]);
      int lt = lo;
      int gt = hi;
      int i = lo;
      double less = 0;
      double equal = 0;
      while (i < gt) {
        int id = order[i];
        float k = key[id];
        if (k < pivot) {
          less += weight == null ? 1 : weight[id];
          order[i++] = order[lt];
          order[lt++] = id;
        } else if (k > pivot) {
          order[i] = order[--gt];
          order[gt] = id;
        } else {
          equal += weight == null ? 1 : weight[id];
          i++;
        }
      }
      if (below + less >= target) {
        hi = lt;
      } else if (below + less + equal >= target) {
        return pivot;
      } else {
        below += less + equal;
        lo = gt;
      }
    }
    return Float.NaN;
  }

  private static float medianOfThree(float a, float b, float c) {
    if (a > b) {
      float t = a;
      a = b;
      b = t;
    }
    return c <= a ? a : Math.min(b, c);
  }
}
