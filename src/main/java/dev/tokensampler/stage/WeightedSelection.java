package dev.tokensampler.stage;

/**
 * Selection by key without sorting: the smallest key whose cumulative weight reaches a target,
 * and so the k-th smallest key.
 *
 * <p>{@link #smallestKeyReaching(float[], float[], int, double, float, double[], float[], float[])}
 * first adds the weights into {@link #BUCKETS} buckets of equal key width (one pass, no
 * data-dependent branch), finds the bucket where the cumulative weight reaches the target, copies
 * that bucket's pairs out (one pass) and finishes with a quickselect on them. The quickselect
 * ({@link #smallestKeyReaching(float[], float[], int, double)}, expected linear time) has a
 * three-way partition, so ties, flat and sorted inputs cost no more than random ones; it permutes
 * its arrays together (the result depends only on the multiset of pairs). Nothing is allocated.
 */
final class WeightedSelection {
  /** Buckets of the first pass. */
  static final int BUCKETS = 2048;

  private WeightedSelection() {}

  /**
   * As {@link #smallestKeyReaching(float[], float[], int, double)}, with a bucket pass first; the
   * keys and weights are not permuted.
   *
   * @param key the keys, none NaN, finite where the weight is positive
   * @param weight the non-negative weights paired with the keys
   * @param n the number of pairs
   * @param target the weight to reach, positive
   * @param maxKey the largest key of positive weight, finite and {@code >= 0}
   * @param buckets scratch, {@link #BUCKETS} doubles
   * @param scratchKeys scratch, at least {@code n} floats
   * @param scratchWeights scratch, at least {@code n} floats
   * @return the key, or NaN if the total weight is below {@code target}
   */
  static float smallestKeyReaching(float[] key, float[] weight, int n, double target,
      float maxKey, double[] buckets, float[] scratchKeys, float[] scratchWeights) {
    float scale = maxKey > 0f ? BUCKETS / maxKey : 0f;
    java.util.Arrays.fill(buckets, 0);
    for (int i = 0; i < n; i++) {
      buckets[bucket(key[i], scale)] += weight[i];
    }
    double below = 0;
    int b = 0;
    while (below + buckets[b] < target) {
      below += buckets[b];
      if (++b == BUCKETS) {
        return Float.NaN;
      }
    }
    int m = 0;
    float largest = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      if (bucket(key[i], scale) == b) {
        scratchKeys[m] = key[i];
        scratchWeights[m] = weight[i];
        largest = Math.max(largest, key[i]);
        m++;
      }
    }
    float r = smallestKeyReaching(scratchKeys, scratchWeights, m, target - below);
    // Sums in another order may fall a rounding short of the bucket's: the crossing is here.
    return Float.isNaN(r) ? largest : r;
  }

  /** A bucket index, non-decreasing in the key; keys of zero weight may land anywhere. */
  private static int bucket(float key, float scale) {
    float f = key * scale;
    return f >= BUCKETS ? BUCKETS - 1 : (int) f;
  }

  /**
   * The smallest key {@code r} among {@code key[0, n)} with {@code sum of weight[i] over
   * key[i] <= r} at least {@code target}: the key at which a scan of the keys in increasing order
   * reaches the target, ties included.
   *
   * @param key the keys, none NaN; permuted
   * @param weight non-negative weights paired with the keys, or null for weight 1 each; permuted
   * @param n the number of keys
   * @param target the weight to reach, positive
   * @return the key, or NaN if the total weight is below {@code target}
   */
  static float smallestKeyReaching(float[] key, float[] weight, int n, double target) {
    int lo = 0;
    int hi = n;
    double below = 0;
    while (lo < hi) {
      float pivot = medianOfThree(key[lo], key[(lo + hi) >>> 1], key[hi - 1]);
      int lt = lo;
      int gt = hi;
      int i = lo;
      double less = 0;
      double equal = 0;
      while (i < gt) {
        float k = key[i];
        if (k < pivot) {
          less += weight == null ? 1 : weight[i];
          swap(key, weight, lt++, i++);
        } else if (k > pivot) {
          swap(key, weight, i, --gt);
        } else {
          equal += weight == null ? 1 : weight[i];
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

  private static void swap(float[] key, float[] weight, int a, int b) {
    float k = key[a];
    key[a] = key[b];
    key[b] = k;
    if (weight != null) {
      float w = weight[a];
      weight[a] = weight[b];
      weight[b] = w;
    }
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
