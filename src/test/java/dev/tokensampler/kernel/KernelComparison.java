package dev.tokensampler.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Runs every method of {@link Kernels} on the same input with two implementations and asserts
 * bit-identical results (compared with {@link Float#floatToRawIntBits} and
 * {@link Double#doubleToRawLongBits}), plus the checks that hold for any correct implementation:
 * nothing written outside the output range, the top-k set, the {@code NaN} positions.
 */
final class KernelComparison {
  private static final float[] SCALES = {1e-3f, 0.37f, 1f, 2.5f, 1e3f};
  private static final int[] FROMS = {0, 1, 3, 16, 17, Kernels.BLOCK, Kernels.BLOCK + 5};
  private static final float SENTINEL = -7.77e7f;
  private static final int ID_SENTINEL = -7;

  private final Kernels expected;
  private final Kernels actual;
  private final TopKHeap expectedHeap = new TopKHeap();
  private final TopKHeap actualHeap = new TopKHeap();

  /**
   * A comparison of two implementations.
   *
   * @param expected the implementation that defines the results
   * @param actual the implementation under test
   */
  KernelComparison(Kernels expected, Kernels actual) {
    this.expected = expected;
    this.actual = actual;
  }

  /**
   * Asserts that both implementations give the same results for every kernel on {@code in}.
   *
   * @param in an input without {@code NaN} in its range
   */
  void assertSameResults(KernelInput in) {
    float[] a = in.array();
    float max = expected.max(a, in.off(), in.len());
    float actualMax = actual.max(a, in.off(), in.len());
    if (max == 0f) {
      // The sign of a zero maximum is checked by assertSameMax alone.
      assertEquals(0f, actualMax, 0f, in + ": max");
    } else {
      assertSameBits(in + ": max", max, actualMax);
    }
    assertEquals(
        expected.argmax(a, in.off(), in.len()), actual.argmax(a, in.off(), in.len()),
        in + ": argmax");
    selectTopK(in);
    selectAtLeastInPlace(in);
    copyAllowed(in);
    float[] logits = in.copyOfRange(3);
    countAndSelect(in + " (logits)", logits, in.len());
    multiply(in + " (logits)", logits, in.len(), 1f);
    if (!Float.isFinite(max)) {
      return;
    }
    float[] weights = null;
    for (float scale : SCALES) {
      float[] w = expSumAndLogSoftmax(in, max, scale);
      if (scale == 1f) {
        weights = w;
      }
    }
    double sum = expected.expSum(a, in.off(), in.len(), max, 1f, null, new float[blocks(in.len())]);
    sumAbove(in + " (weights)", weights, in.len());
    sumWeightsAbove(in, max, weights);
    countAndSelect(in + " (weights)", weights, in.len());
    multiply(in + " (weights)", weights, in.len(), (float) (1 / sum));
  }

  /**
   * Asserts that both implementations return the same bits from {@code max}, including the sign
   * of a zero maximum.
   *
   * @param in an input
   */
  void assertSameMax(KernelInput in) {
    assertSameBits(in + ": max", expected.max(in.array(), in.off(), in.len()),
        actual.max(in.array(), in.off(), in.len()));
  }

  /**
   * Asserts that each implementation reports the first {@code NaN} of the case: {@code max}
   * returns {@code NaN}, {@code argmax} returns {@code -1 - p}, {@code selectTopK} returns
   * {@code p}.
   *
   * @param c the input and the position {@code p} of its first {@code NaN}
   */
  void assertNaNReported(KernelInputs.NaNCase c) {
    KernelInput in = c.input();
    for (Kernels kernels : new Kernels[] {expected, actual}) {
      String what = in + " [" + kernels.name() + "]";
      float max = kernels.max(in.array(), in.off(), in.len());
      assertTrue(Float.isNaN(max), () -> what + ": max must be NaN, was " + max);
      assertEquals(-1 - c.firstNaN(), kernels.argmax(in.array(), in.off(), in.len()),
          what + ": argmax");
      assertInvalidReported(what, kernels, in.array(), in.off(), in.len());
      float[] infinite = in.copyOfRange(0);
      for (int i = 0; i < infinite.length; i++) {
        infinite[i] = Float.isNaN(infinite[i]) ? Float.POSITIVE_INFINITY : infinite[i];
      }
      assertInvalidReported(what + " (NaN as +Infinity)", kernels, infinite, 0, in.len());
      for (int k : new int[] {1, 3, in.len()}) {
        TopKHeap heap = new TopKHeap();
        heap.reset(k, in.len());
        assertEquals(c.firstNaN(), kernels.selectTopK(in.array(), in.off(), in.len(), heap),
            what + ": selectTopK k=" + k);
      }
    }
  }

  /** {@code copyAllowed} returns NaN for any mask, allowing the invalid element or not. */
  private static void assertInvalidReported(
      String what, Kernels kernels, float[] a, int off, int len) {
    float[] out = new float[len];
    for (long[] mask : allowedMasks(len, len)) {
      for (float scale : new float[] {1f, 0.37f}) {
        float max = kernels.copyAllowed(a, off, len, scale, mask, out);
        assertTrue(Float.isNaN(max), () -> what + ": copyAllowed must be NaN, was " + max);
      }
    }
  }

  private void selectTopK(KernelInput in) {
    int len = in.len();
    int[] ks = IntStream.of(1, 2, 3, 40, len - 1, len, len + 5).filter(k -> k >= 1).distinct()
        .toArray();
    float[] sorted = unmaskedAscending(in);
    for (int k : ks) {
      String what = in + ": selectTopK k=" + k;
      expectedHeap.reset(k, len);
      actualHeap.reset(k, len);
      assertEquals(-1, expected.selectTopK(in.array(), in.off(), len, expectedHeap), what);
      assertEquals(-1, actual.selectTopK(in.array(), in.off(), len, actualHeap), what);
      int count = expectedHeap.count();
      assertEquals(count, actualHeap.count(), what + " count");
      int[] expectedPositions = new int[count];
      int[] actualPositions = new int[count];
      float[] expectedValues = new float[count];
      float[] actualValues = new float[count];
      assertEquals(expectedHeap.copyTo(expectedPositions, expectedValues),
          actualHeap.copyTo(actualPositions, actualValues), what + " heap size");
      assertArrayEquals(expectedPositions, actualPositions, what + " positions");
      assertSameBits(what + " values", expectedValues, actualValues);
      assertTopKSet(what, in, k, sorted, actualPositions, actualValues);
    }
  }

  /** The held positions are exactly those whose value is at least the k-th largest. */
  private static void assertTopKSet(
      String what, KernelInput in, int k, float[] ascending, int[] positions, float[] values) {
    float kth = ascending.length <= k ? Float.NEGATIVE_INFINITY : ascending[ascending.length - k];
    boolean[] held = new boolean[in.len()];
    for (int j = 0; j < positions.length; j++) {
      int p = positions[j];
      assertTrue(p >= 0 && p < in.len() && !held[p], what + ": bad or repeated position " + p);
      held[p] = true;
      assertEquals(in.array()[in.off() + p], values[j], 0f, what + ": value at " + p);
    }
    for (int i = 0; i < in.len(); i++) {
      float x = in.array()[in.off() + i];
      if (held[i] != (x != Float.NEGATIVE_INFINITY && x >= kth)) {
        fail(what + ": position " + i + " with value " + x + " held=" + held[i] + ", k-th " + kth);
      }
    }
  }

  /** The values of the range other than {@code -Infinity}, in increasing order. */
  private static float[] unmaskedAscending(KernelInput in) {
    float[] values = in.copyOfRange(0);
    Arrays.sort(values);
    int first = 0;
    while (first < values.length && values[first] == Float.NEGATIVE_INFINITY) {
      first++;
    }
    return Arrays.copyOfRange(values, first, values.length);
  }

  private float[] expSumAndLogSoftmax(KernelInput in, float max, float scale) {
    String what = in + " scale=" + scale;
    float[] a = in.array();
    int len = in.len();
    float[] expectedWeights = filled(len + 2);
    float[] actualWeights = filled(len + 2);
    float[] expectedBlocks = filled(blocks(len) + 1);
    float[] actualBlocks = filled(blocks(len) + 1);
    double sum = expected.expSum(a, in.off(), len, max, scale, expectedWeights, expectedBlocks);
    double actualSum = actual.expSum(a, in.off(), len, max, scale, actualWeights, actualBlocks);
    assertSameBits(what + ": expSum", sum, actualSum);
    assertSameBits(what + ": expSum weights", expectedWeights, actualWeights);
    assertSameBits(what + ": expSum block sums", expectedBlocks, actualBlocks);
    assertUntouched(what + ": expSum weights", actualWeights, len);
    assertUntouched(what + ": expSum block sums", actualBlocks, blocks(len));

    float[] unstoredBlocks = filled(blocks(len) + 1);
    assertSameBits(what + ": expSum without dst",
        sum, actual.expSum(a, in.off(), len, max, scale, null, unstoredBlocks));
    assertSameBits(what + ": expSum block sums without dst", expectedBlocks, unstoredBlocks);
    assertPlausibleSum(what, in, max, scale, sum);

    assertSameBits(what + ": expExponentSum",
        expected.expExponentSum(a, in.off(), len, max, scale),
        actual.expExponentSum(a, in.off(), len, max, scale));
    assertPlausibleExponentSum(what, in, max, scale, sum);

    float logSum = (float) Math.log(sum);
    float[] expectedLog = filled(len + 2);
    float[] actualLog = filled(len + 2);
    expected.logSoftmax(a, in.off(), len, max, scale, logSum, expectedLog);
    actual.logSoftmax(a, in.off(), len, max, scale, logSum, actualLog);
    assertSameBits(what + ": logSoftmax", expectedLog, actualLog);
    assertUntouched(what + ": logSoftmax", actualLog, len);
    chordSumAbove(what, in, max, scale);
    return padded(actualWeights, len);
  }

  /** The sum agrees with the double-precision sum of {@code Math.exp} to 1e-5 relative. */
  private static void assertPlausibleSum(
      String what, KernelInput in, float max, float scale, double sum) {
    double exact = 0;
    for (int i = 0; i < in.len(); i++) {
      exact += Math.exp((in.array()[in.off() + i] - max) * scale);
    }
    double error = Math.abs(sum - exact);
    double reference = exact;
    assertTrue(error <= 1e-5 * exact, () -> what + ": expSum " + sum + " vs exact " + reference);
  }

  /**
   * The mean exponent {@code expExponentSum / expSum} agrees with the double-precision mean of
   * {@code y} under {@code Math.exp} weights to 1e-4 of the largest {@code |y|} of positive
   * weight (or 1e-4 absolute, if larger).
   */
  private void assertPlausibleExponentSum(
      String what, KernelInput in, float max, float scale, double sum) {
    double weighted = 0;
    double exactSum = 0;
    double largest = 1;
    for (int i = 0; i < in.len(); i++) {
      double y = (double) (in.array()[in.off() + i] - max) * scale;
      double e = Math.exp(y);
      if (e > 0) {
        weighted += e * y;
        exactSum += e;
        largest = Math.max(largest, Math.abs(y));
      }
    }
    double mean = actual.expExponentSum(in.array(), in.off(), in.len(), max, scale) / sum;
    double exact = weighted / exactSum;
    double tolerance = 1e-4 * largest;
    assertTrue(Math.abs(mean - exact) <= tolerance,
        () -> what + ": expExponentSum mean " + mean + " vs exact " + exact);
  }

  /** {@code selectAtLeast} and {@code countAbove} on the logits in place, at the input's offset. */
  private void selectAtLeastInPlace(KernelInput in) {
    float[] sorted = in.copyOfRange(0);
    Arrays.sort(sorted);
    for (float threshold : new float[] {sorted[0], sorted[sorted.length / 2],
        sorted[sorted.length - 1], Float.NEGATIVE_INFINITY, Float.MAX_VALUE}) {
      String where = in + " in place, threshold " + threshold;
      int[] expectedIds = new int[in.len() + 1];
      int[] actualIds = new int[in.len() + 1];
      int n = expected.selectAtLeast(in.array(), in.off(), in.len(), threshold, expectedIds);
      assertEquals(n, actual.selectAtLeast(in.array(), in.off(), in.len(), threshold, actualIds),
          where + ": selectAtLeast");
      assertArrayEquals(expectedIds, actualIds, where + ": selectAtLeast ids");
      assertEquals(expected.countAbove(in.array(), in.off(), in.len(), threshold),
          actual.countAbove(in.array(), in.off(), in.len(), threshold), where + ": countAbove");
    }
  }

  private void sumAbove(String what, float[] e, int len) {
    for (float threshold : thresholds(e, len)) {
      for (int from : FROMS) {
        if (from > len) {
          continue;
        }
        int[] tos = len > 4 * Kernels.BLOCK
            ? new int[] {len} : new int[] {len, from + (len - from) / 2, Math.min(len, from + 40)};
        for (int to : tos) {
          String where = what + ": sumAbove [" + from + ", " + to + ") > " + threshold;
          assertSameBits(where,
              expected.sumAbove(e, from, to, threshold), actual.sumAbove(e, from, to, threshold));
        }
      }
    }
  }

  /**
   * {@code sumWeightsAbove} agrees with {@code sumAbove} over the stored weights (scale 1) of the
   * logits above the bound (the others set to 0), block by block: without skipping for every
   * bound, and with the skip bound the nucleus draw uses (the exponent of the bound) for bounds
   * taken from the logits.
   */
  private void sumWeightsAbove(KernelInput in, float max, float[] weights) {
    float[] a = in.array();
    int len = in.len();
    for (float above : thresholds(in.copyOfRange(0), len)) {
      assertSameWeightsAbove(in + ": sumWeightsAbove > " + above, in, max, above,
          Float.NEGATIVE_INFINITY, storedSumAbove(in, weights, above));
    }
    for (int position : new int[] {0, len / 3, len / 2, len - 1, expected.argmax(a, in.off(), len)}) {
      float above = a[in.off() + position];
      assertSameWeightsAbove(
          in + ": sumWeightsAbove > logit of " + position + " skipping below its exponent",
          in, max, above, above - max, storedSumAbove(in, weights, above));
    }
  }

  /** {@code sumAbove} over the stored weights of the logits above {@code above}, 0 elsewhere. */
  private double storedSumAbove(KernelInput in, float[] weights, float above) {
    float[] kept = new float[in.len()];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = in.array()[in.off() + i] > above ? weights[i] : 0f;
    }
    return expected.sumAbove(kept, 0, kept.length, -1f);
  }

  /**
   * {@code chordSumAbove} agrees to the bit, and bounds the exact weights above the same logit:
   * {@code sumWeightsAbove(x) <= chordSumAbove(x) (1 + ExpChord.SLACK)}, for every
   * logit {@code x} in the domain of {@link ExpChord}.
   */
  private void chordSumAbove(String what, KernelInput in, float max, float scale) {
    float[] a = in.array();
    int len = in.len();
    float[] blocks = filled(blocks(len));
    for (int position : new int[] {0, len / 3, len / 2, len - 1, expected.argmax(a, in.off(), len)}) {
      float above = a[in.off() + position];
      if (!((above - max) * scale >= ExpChord.MIN_INPUT)) {
        continue;
      }
      String where = what + ": chordSumAbove " + above + " (position " + position + ")";
      double chord = expected.chordSumAbove(a, in.off(), len, max, scale, above);
      assertSameBits(where, chord, actual.chordSumAbove(a, in.off(), len, max, scale, above));
      double exact = expected.sumWeightsAbove(
          a, in.off(), len, max, scale, above, Float.NEGATIVE_INFINITY, blocks);
      double bound = chord * (1 + ExpChord.SLACK);
      assertTrue(exact <= bound, () -> where + ": exact " + exact + " above the bound " + bound);
    }
  }

  private void assertSameWeightsAbove(
      String where, KernelInput in, float max, float above, float skipBelow, double stored) {
    float[] expectedBlocks = filled(blocks(in.len()));
    float[] actualBlocks = filled(blocks(in.len()));
    double expectedSum = expected.sumWeightsAbove(
        in.array(), in.off(), in.len(), max, 1f, above, skipBelow, expectedBlocks);
    double actualSum = actual.sumWeightsAbove(
        in.array(), in.off(), in.len(), max, 1f, above, skipBelow, actualBlocks);
    assertSameBits(where + " (against sumAbove over stored weights)", stored, expectedSum);
    assertSameBits(where, expectedSum, actualSum);
    assertSameBits(where + ": block sums", expectedBlocks, actualBlocks);
  }

  private void countAndSelect(String what, float[] e, int len) {
    for (float threshold : thresholds(e, len)) {
      String where = what + " threshold " + threshold;
      assertEquals(expected.countAbove(e, 0, len, threshold), actual.countAbove(e, 0, len, threshold),
          where + ": countAbove");
      int[] expectedIds = new int[len + 2];
      int[] actualIds = new int[len + 2];
      Arrays.fill(expectedIds, ID_SENTINEL);
      Arrays.fill(actualIds, ID_SENTINEL);
      int n = expected.selectAtLeast(e, 0, len, threshold, expectedIds);
      assertEquals(
          n, actual.selectAtLeast(e, 0, len, threshold, actualIds), where + ": selectAtLeast");
      assertArrayEquals(expectedIds, actualIds, where + ": selectAtLeast ids");
      int past = n;
      while (past < actualIds.length && actualIds[past] == ID_SENTINEL) {
        past++;
      }
      assertEquals(actualIds.length, past, where + ": selectAtLeast wrote past its count");
    }
  }

  private void multiply(String what, float[] e, int len, float special) {
    for (float factor : new float[] {1e-3f, 0.5f, special, 3f, 1e3f}) {
      float[] expectedOut = e.clone();
      float[] actualOut = e.clone();
      expected.multiply(expectedOut, len, factor);
      actual.multiply(actualOut, len, factor);
      assertSameBits(what + ": multiply by " + factor, expectedOut, actualOut);
    }
  }

  /**
   * Thresholds below, at and above the values: signed zeros, the smallest subnormal, values
   * taken from the array (so that equality matters), the median, 0.5, 1, the extremes.
   */
  private static float[] thresholds(float[] e, int len) {
    float[] sorted = Arrays.copyOf(e, len);
    Arrays.sort(sorted);
    return new float[] {
      Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1f, -0f, 0f, Float.MIN_VALUE, e[len / 2],
      e[len - 1], sorted[len / 2], sorted[(len * 9) / 10], 0.5f, 1f, Float.MAX_VALUE
    };
  }

  private static int blocks(int len) {
    return (len + Kernels.BLOCK - 1) / Kernels.BLOCK;
  }

  private static float[] filled(int n) {
    float[] array = new float[n];
    Arrays.fill(array, SENTINEL);
    return array;
  }

  /**
   * The masked copy of every mask in {@link #allowedMasks} at several scales: the same values and
   * maximum, nothing written past the range, and the same in place.
   */
  private void copyAllowed(KernelInput in) {
    int len = in.len();
    long[][] masks = allowedMasks(len, in.name().hashCode());
    for (int m = 0; m < masks.length; m++) {
      for (float scale : SCALES) {
        String what = in + ": copyAllowed mask " + m + " scale " + scale;
        float[] expectedOut = new float[len + 3];
        float[] actualOut = new float[len + 3];
        Arrays.fill(expectedOut, SENTINEL);
        Arrays.fill(actualOut, SENTINEL);
        float expectedMax =
            expected.copyAllowed(in.array(), in.off(), len, scale, masks[m], expectedOut);
        float actualMax = actual.copyAllowed(in.array(), in.off(), len, scale, masks[m], actualOut);
        assertSameBits(what + " maximum", expectedMax, actualMax);
        if (Float.isNaN(expectedMax)) {
          // A +Infinity element: the values written are unspecified.
          continue;
        }
        assertSameBits(what, expectedOut, actualOut);
        assertUntouched(what, actualOut, len);
        float[] inPlace = in.copyOfRange(3);
        assertSameBits(what + " in place, maximum", expectedMax,
            actual.copyAllowed(inPlace, 0, len, scale, masks[m], inPlace));
        assertSameBits(what + " in place", Arrays.copyOf(expectedOut, len),
            Arrays.copyOf(inPlace, len));
      }
    }
  }

  /**
   * Masks of {@code len} tokens (plus set bits past the range, which must be ignored): all, none,
   * every other token, about half and about 1% at random, one word in two.
   */
  private static long[][] allowedMasks(int len, long seed) {
    int words = (len + 63) / 64 + 1;
    java.util.Random random = new java.util.Random(seed);
    long[][] masks = new long[6][words];
    for (int w = 0; w < words; w++) {
      masks[0][w] = -1L;
      masks[2][w] = 0x5555_5555_5555_5555L;
      masks[3][w] = random.nextLong();
      for (int b = 0; b < 64; b++) {
        if (random.nextInt(100) == 0) {
          masks[4][w] |= 1L << b;
        }
      }
      masks[5][w] = w % 2 == 0 ? -1L : 0L;
    }
    for (long[] mask : masks) {
      int last = len - 1;
      mask[words - 1] = -1L;
      mask[last >>> 6] |= -1L << (last & 63) << 1;
    }
    return masks;
  }

  private static float[] padded(float[] values, int len) {
    float[] copy = Arrays.copyOf(values, len + 3);
    Arrays.fill(copy, len, len + 3, Float.NaN);
    return copy;
  }

  private static void assertUntouched(String what, float[] out, int from) {
    for (int i = from; i < out.length; i++) {
      assertSameBits(what + " wrote past its range at " + i, SENTINEL, out[i]);
    }
  }

  static void assertSameBits(String what, float expected, float actual) {
    if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(actual)) {
      fail(what + ": expected " + Float.toHexString(expected) + " but was "
          + Float.toHexString(actual));
    }
  }

  static void assertSameBits(String what, double expected, double actual) {
    if (Double.doubleToRawLongBits(expected) != Double.doubleToRawLongBits(actual)) {
      fail(what + ": expected " + Double.toHexString(expected) + " but was "
          + Double.toHexString(actual));
    }
  }

  static void assertSameBits(String what, float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, what + " length");
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        fail(what + " at " + i + ": expected " + Float.toHexString(expected[i]) + " but was "
            + Float.toHexString(actual[i]));
      }
    }
  }
}
