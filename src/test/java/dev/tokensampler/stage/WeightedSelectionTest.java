package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The weighted selection finds the key at which a sorted scan reaches the target, on random,
 * tied, flat and partly zero-weight inputs, with and without the bucket pass.
 */
class WeightedSelectionTest {
  @Test
  void matchesASortedScan() {
    Random random = new Random(9);
    int checked = 0;
    for (int trial = 0; trial < 300; trial++) {
      int n = 1 + random.nextInt(trial % 3 == 0 ? 20 : 3000);
      float[] key = new float[n];
      float[] weight = new float[n];
      int shape = trial % 4;
      for (int i = 0; i < n; i++) {
        key[i] = shape == 0 ? 0f
            : shape == 1 ? random.nextInt(7) * 0.25f : (float) Math.abs(random.nextGaussian());
        weight[i] = shape == 3 && random.nextInt(4) == 0 ? 0f : (float) random.nextDouble();
        if (weight[i] == 0f && shape == 3) {
          key[i] = Float.POSITIVE_INFINITY;
        }
      }
      double total = 0;
      float maxKey = 0f;
      for (int i = 0; i < n; i++) {
        total += weight[i];
        if (weight[i] > 0f) {
          maxKey = Math.max(maxKey, key[i]);
        }
      }
      double target = total * random.nextDouble();
      if (target <= 0) {
        continue;
      }
      float expected = sortedScan(key, weight, target);
      if (Float.isNaN(expected)) {
        continue;
      }
      checked++;
      float bucketed = WeightedSelection.smallestKeyReaching(key, weight, n, target, maxKey,
          new double[WeightedSelection.BUCKETS], new float[n], new float[n]);
      assertEquals(expected, bucketed, 0f, "trial " + trial + " (bucket pass)");
      float[] keys = key.clone();
      float[] weights = weight.clone();
      assertEquals(expected, WeightedSelection.smallestKeyReaching(keys, weights, n, target), 0f,
          "trial " + trial + " (quickselect)");
      int k = 1 + random.nextInt(n);
      float[] sorted = key.clone();
      Arrays.sort(sorted);
      assertEquals(sorted[k - 1], WeightedSelection.smallestKeyReaching(keys, null, n, k), 0f,
          "trial " + trial + ": k-th smallest, k = " + k);
    }
    assertTrue(checked > 250, "checked " + checked);
  }

  @Test
  void aTargetAboveTheTotalGivesNaN() {
    float[] key = {1, 2, 3};
    float[] weight = {1, 1, 1};
    assertTrue(Float.isNaN(WeightedSelection.smallestKeyReaching(key, weight, 3, 3.5, 3f,
        new double[WeightedSelection.BUCKETS], new float[3], new float[3])));
    assertTrue(Float.isNaN(WeightedSelection.smallestKeyReaching(key, weight, 3, 3.5)));
  }

  /** The key at which the cumulative weight, in increasing key order, first reaches the target. */
  private static float sortedScan(float[] key, float[] weight, double target) {
    Integer[] order = IntStream.range(0, key.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> key[i]));
    double cumulative = 0;
    for (int j = 0; j < order.length; j++) {
      cumulative += weight[order[j]];
      boolean groupEnd = j + 1 == order.length || key[order[j + 1]] != key[order[j]];
      if (groupEnd && cumulative >= target) {
        // Rounding of a different summation order can only matter at the very boundary.
        if (Math.abs(cumulative - target) <= 1e-9 * target) {
          return Float.NaN;
        }
        return key[order[j]];
      }
    }
    return Float.NaN;
  }
}
