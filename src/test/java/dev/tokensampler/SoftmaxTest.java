package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Softmax}: the classic worked examples, transformers' log-softmax normalisation vectors
 * ({@code src/test/resources/reference-vectors/hf.md}, "Log-softmax normalization"), masked
 * logits, the greedy limit, and agreement with a double-precision {@link Math#exp} reference for
 * every size from 1 to 5000 (so every remainder modulo the 16 lanes and the 1024-element blocks).
 */
class SoftmaxTest {
  /**
   * Worked examples found in softmax tutorials, asserted to the precision they are given in
   * (half a unit of the last digit).
   *
   * <p>One tutorial gives softmax([3, 2, 1, 4]) as [0.23, 0.10, 0.03, 0.64]. In double precision
   * it is [0.23688, 0.08714, 0.03206, 0.64391]: 0.2369 rounds to 0.24 (0.23 is a truncation) and
   * 0.0871 to 0.09 (0.10 is wrong), so the correctly rounded [0.24, 0.09, 0.03, 0.64] is
   * asserted. The T=5 values [0.27, 0.22, 0.18, 0.33] are right (0.26951, 0.22066, 0.18066,
   * 0.32918).
   */
  static Stream<Arguments> workedExamples() {
    return Stream.of(
        Arguments.of(new float[] {2.0f, 1.0f, 0.1f}, 1f, new double[] {0.659, 0.242, 0.099}, 5e-4),
        Arguments.of(new float[] {2.0f, 1.0f, 0.1f}, 2f, new double[] {0.502, 0.304, 0.194}, 5e-4),
        Arguments.of(
            new float[] {2.0f, 1.0f, 0.1f}, 0.5f, new double[] {0.864, 0.117, 0.019}, 5e-4),
        Arguments.of(
            new float[] {3, 2, 1, 4}, 1f, new double[] {0.24, 0.09, 0.03, 0.64}, 5e-3),
        Arguments.of(
            new float[] {3, 2, 1, 4}, 5f, new double[] {0.27, 0.22, 0.18, 0.33}, 5e-3));
  }

  @ParameterizedTest
  @MethodSource("workedExamples")
  void workedExamples(float[] logits, float temperature, double[] expected, double tolerance) {
    float[] p = Softmax.probabilities(logits, temperature);
    assertEquals(expected.length, p.length);
    for (int i = 0; i < p.length; i++) {
      assertEquals(expected[i], p[i], tolerance, "p[" + i + "] at T=" + temperature);
    }
    assertCloseToReference(logits, temperature, p);
  }

  /**
   * transformers {@code test_normalization}: {@code exp(log_softmax(x))} equals
   * {@code softmax(x)}. Probabilities as small as 2.211e-40 (a float subnormal) must keep their
   * value, neither flushed to 0 nor clamped up.
   *
   * <p>Tolerance: the kernel rounds {@code x - max} to float (for |x - max| = 91.31 that is an
   * error of up to 3.8e-6 in the exponent, so relatively in the result), and 2.2e-40 is a
   * subnormal with a spacing of 1.4e-45 (6.3e-6 relative): 3e-5 relative covers both with room.
   * Log-probabilities are compared absolutely, to a few ulps of 91.
   */
  @Test
  void logSoftmaxNormalisationKeepsTinyProbabilities() {
    float[][] rows = {{-23.18f, -29.96f, -43.54f, 47.77f}, {-33.58f, -26.87f, -32.96f, 22.51f}};
    double[][] derived = {{1.537e-31, 1.747e-34, 2.211e-40, 1.0}, {4.369e-25, 3.585e-22, 8.122e-25, 1.0}};
    for (int r = 0; r < rows.length; r++) {
      float[] x = rows[r];
      float[] p = Softmax.probabilities(x, 1f);
      float[] logp = Softmax.logProbabilities(x, 1f);
      double[] reference = referenceProbabilities(x, 1.0);
      double[] referenceLog = referenceLogProbabilities(x, 1.0);
      double sum = 0;
      for (int i = 0; i < x.length; i++) {
        String where = "row " + r + ", token " + i;
        assertTrue(p[i] > 0f, where + " is not flushed to 0");
        assertEquals(reference[i], p[i], reference[i] * 3e-5, where);
        assertEquals(derived[r][i], p[i], derived[r][i] * 1e-3, where + " vs hf.md [derived]");
        assertEquals(referenceLog[i], logp[i], 3e-5, where + " (log)");
        assertEquals(reference[i], Math.exp(logp[i]), reference[i] * 1e-4, where + " exp(log)");
        sum += Math.exp(logp[i]);
      }
      assertEquals(1.0, sum, 1e-6, "row " + r + ": exp(log-probabilities) sums to 1");
    }
  }

  @ParameterizedTest
  @ValueSource(floats = {1f, 0.5f, 2f})
  void maskedLogitsHaveProbabilityZeroAndLogMinusInfinity(float temperature) {
    int n = 1100;
    float[] logits = TestLogits.gaussianOnGrid(n, 3, 11);
    int[] masked = {0, 1, 17, 500, 1023, 1024, 1090, 1099};
    for (int i : masked) {
      logits[i] = Float.NEGATIVE_INFINITY;
    }
    float[] p = Softmax.probabilities(logits, temperature);
    float[] logp = Softmax.logProbabilities(logits, temperature);
    double sum = 0;
    for (float x : p) {
      sum += x;
    }
    for (int i : masked) {
      assertEquals(0, Float.floatToRawIntBits(p[i]), "p[" + i + "] is exactly +0.0");
      assertEquals(Float.NEGATIVE_INFINITY, logp[i], "log p[" + i + "]");
    }
    assertEquals(1.0, sum, 1e-6);
    assertCloseToReference(logits, temperature, p);
  }

  @Test
  void onlyOneUnmaskedTokenHasProbabilityOne() {
    float[] logits = new float[40];
    Arrays.fill(logits, Float.NEGATIVE_INFINITY);
    logits[33] = -1e30f;
    float[] p = Softmax.probabilities(logits, 1f);
    float[] logp = Softmax.logProbabilities(logits, 1f);
    for (int i = 0; i < logits.length; i++) {
      assertEquals(i == 33 ? 1f : 0f, p[i], "p[" + i + "]");
      assertEquals(i == 33 ? 0f : Float.NEGATIVE_INFINITY, logp[i], "log p[" + i + "]");
    }
  }

  @Test
  void temperatureZeroIsOneHotAtTheFirstMaximum() {
    float[] logits = {1, 3, -2, 3, 0.5f};
    assertArrayEquals(new float[] {0, 1, 0, 0, 0}, Softmax.probabilities(logits, 0f));
    float m = Float.NEGATIVE_INFINITY;
    assertArrayEquals(new float[] {m, 0, m, m, m}, Softmax.logProbabilities(logits, 0f));

    // The same in a long vector: the first of two equal maxima sits in a later SIMD block.
    float[] longer = TestLogits.gaussian(3000, 1, 5);
    longer[1500] = 50;
    longer[2999] = 50;
    float[] p = Softmax.probabilities(longer, 0f);
    for (int i = 0; i < longer.length; i++) {
      assertEquals(i == 1500 ? 1f : 0f, p[i], "p[" + i + "]");
    }
  }

  @Test
  void writesIntoTheCallersArrayAndLeavesTheRestAlone() {
    float[] logits = {2.0f, 1.0f, 0.1f};
    float[] out = {9, 9, 9, 9};
    Softmax.probabilities(logits, 1f, out);
    assertArrayEquals(Softmax.probabilities(logits, 1f), Arrays.copyOf(out, 3));
    assertEquals(9f, out[3]);
    Softmax.logProbabilities(logits, 1f, out);
    assertArrayEquals(Softmax.logProbabilities(logits, 1f), Arrays.copyOf(out, 3));
    assertEquals(9f, out[3]);
    assertArrayEquals(new float[] {2.0f, 1.0f, 0.1f}, logits, "the logits are not written");
  }

  /** Every size from 1 to 5000: the probabilities sum to 1 within 1e-6. */
  @ParameterizedTest
  @ValueSource(floats = {1f, 0.7f})
  void probabilitiesSumToOneForEverySize(float temperature) {
    float[] all = TestLogits.gaussian(5000, 3, 1);
    for (int n = 1; n <= 5000; n++) {
      float[] p = Softmax.probabilities(Arrays.copyOfRange(all, 5000 - n, 5000), temperature);
      double sum = 0;
      for (float x : p) {
        sum += x;
      }
      assertEquals(1.0, sum, 1e-6, "size " + n);
    }
  }

  /**
   * Every size from 1 to 5000, against {@code Math.exp} in double: a few ulps for every
   * probability above 1e-30. The logits lie on a grid where {@code x - max} and its product with
   * the scale 1/T (T a power of 2) are exact in float, so the comparison isolates the exponential
   * and the normalisation (see {@link #ULPS}).
   */
  @ParameterizedTest
  @ValueSource(floats = {1f, 0.5f, 2f})
  void probabilitiesMatchADoubleReferenceForEverySize(float temperature) {
    float[] all = TestLogits.gaussianOnGrid(5000, 3, 2);
    for (int n = 1; n <= 5000; n++) {
      float[] logits = Arrays.copyOf(all, n);
      assertCloseToReference(logits, temperature, Softmax.probabilities(logits, temperature));
      float[] logp = Softmax.logProbabilities(logits, temperature);
      double[] reference = referenceLogProbabilities(logits, temperature);
      for (int i = 0; i < n; i++) {
        if (!(Math.abs(logp[i] - reference[i]) <= 2e-5)) {
          assertEquals(reference[i], logp[i], 2e-5, "log p[" + i + "] of size " + n);
        }
      }
    }
  }

  /**
   * The error budget of a probability {@code e_i * (float) (1 / sum)}, in ulps of the result:
   * the exponential is within 2 ulps of its own value by contract (under 1 measured), which is up
   * to twice that in ulps of a result with a different mantissa; the normaliser is a sum of float
   * lane sums (measured up to 2e-7 relative, about 2 ulps, for these inputs); then two float
   * roundings (1/sum and the product). The worst case measured over all sizes 1..5000 and
   * T in {0.5, 1, 2} is 5.8 ulps, identical for scalar and vector kernels.
   */
  private static final double ULPS = 8;

  /** Probabilities above 1e-30 within {@value #ULPS} ulps of the double-precision reference. */
  private static void assertCloseToReference(float[] logits, float temperature, float[] p) {
    double[] reference = referenceProbabilities(logits, temperature);
    for (int i = 0; i < logits.length; i++) {
      if (reference[i] > 1e-30) {
        double ulps = Math.abs(p[i] - reference[i]) / Math.ulp((float) reference[i]);
        if (!(ulps <= ULPS)) {
          fail("p[" + i + "] = " + p[i] + " vs " + reference[i] + " (" + ulps + " ulps) at T="
              + temperature + ", size " + logits.length);
        }
      }
    }
  }

  private static double[] referenceProbabilities(float[] logits, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double[] p = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      p[i] = Math.exp((logits[i] - max) / temperature);
      sum += p[i];
    }
    for (int i = 0; i < logits.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static double[] referenceLogProbabilities(float[] logits, double temperature) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (float x : logits) {
      sum += Math.exp((x - max) / temperature);
    }
    double logSum = Math.log(sum);
    double[] logp = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      logp[i] = (logits[i] - max) / temperature - logSum;
    }
    return logp;
  }
}
