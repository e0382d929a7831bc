package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Greedy decoding is argmax with ties to the lowest id, for every way of asking for it, with the
 * maximum at every position of short vectors and at the edges of the SIMD blocks and of the scalar
 * tail of vocabulary-sized ones.
 */
class GreedyTest {
  /** 128,256 is a multiple of every vector width; 128,287 adds a scalar tail of 31. */
  private static final int[] LONG_SIZES = {128_256, 128_287};

  static Stream<Arguments> greedyConfigs() {
    return Stream.of(
        Arguments.of("greedy()", SamplerConfig.greedy()),
        Arguments.of("temperature(0)", SamplerConfig.builder().temperature(0f).build()),
        Arguments.of("topK(5) -> greedy", SamplerConfig.builder().topK(5).greedy().build()),
        Arguments.of(
            "topK(40) -> temperature(0)",
            SamplerConfig.builder().topK(40).temperature(0f).build()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("greedyConfigs")
  void maximumAtEveryPositionOfShortVectors(String name, SamplerConfig config) {
    for (int n = 1; n <= 70; n++) {
      Sampler sampler = config.newSampler(n);
      float[] logits = TestLogits.gaussian(n, 3, n);
      for (int pos = 0; pos < n; pos++) {
        float[] x = logits.clone();
        x[pos] = 20f;
        assertEquals(pos, sampler.sample(x), name + ", size " + n);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("greedyConfigs")
  void duplicatedMaximaOfShortVectorsGoToTheLowestId(String name, SamplerConfig config) {
    for (int n = 2; n <= 70; n++) {
      Sampler sampler = config.newSampler(n);
      float[] logits = TestLogits.gaussian(n, 3, n);
      for (int first = 0; first < n; first++) {
        for (int second = first + 1; second < n; second++) {
          float[] x = logits.clone();
          x[first] = 20f;
          x[second] = 20f;
          assertEquals(first, sampler.sample(x), name + ", size " + n + ", second " + second);
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("greedyConfigs")
  void maximumAtTheEdgesOfLongVectors(String name, SamplerConfig config) {
    for (int n : LONG_SIZES) {
      Sampler sampler = config.newSampler(1);
      float[] x = TestLogits.gaussian(n, 3, 7);
      for (int pos : edges(n)) {
        float saved = x[pos];
        x[pos] = 20f;
        assertEquals(pos, sampler.sample(x), name + ", size " + n);
        x[pos] = saved;
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("greedyConfigs")
  void duplicatedMaximaOfLongVectorsGoToTheLowestId(String name, SamplerConfig config) {
    for (int n : LONG_SIZES) {
      Sampler sampler = config.newSampler(1);
      float[] x = TestLogits.gaussian(n, 3, 8);
      int[][] pairs = {
        {0, 1}, {0, n - 1}, {1, 33}, {40, 65}, {17, 16 * 1024 + 1}, {n / 2, n / 2 + 16},
        {n / 2 + 5, n - 1}, {n - 40, n - 3}, {n - 2, n - 1}, {3, 1024 * 100 + 2}
      };
      for (int[] pair : pairs) {
        float[] y = x.clone();
        y[pair[0]] = 20f;
        y[pair[1]] = 20f;
        assertEquals(pair[0], sampler.sample(y), name + ", size " + n + ", " + pair[1]);
      }
    }
  }

  /** -0.0 and 0.0 are equal logits: whichever comes first wins. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("greedyConfigs")
  void negativeZeroEqualsZero(String name, SamplerConfig config) {
    for (int n : new int[] {2, 5, 33, 70, 128_256, 128_287}) {
      Sampler sampler = config.newSampler(2);
      int[][] pairs = {{0, 1}, {0, n - 1}, {n / 2, n - 1}, {n - 2, n - 1}};
      for (int[] pair : pairs) {
        if (pair[0] >= pair[1]) {
          continue;
        }
        for (float firstValue : new float[] {-0.0f, 0.0f}) {
          float[] x = new float[n];
          Arrays.fill(x, -1f);
          x[pair[0]] = firstValue;
          x[pair[1]] = -firstValue;
          assertEquals(pair[0], sampler.sample(x),
              name + ", size " + n + ", " + firstValue + " at " + pair[0] + " first");
        }
      }
    }
  }

  /** One allowed token among {@code -Infinity}: it wins wherever it is, however small. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("greedyConfigs")
  void negativeInfinityElsewhere(String name, SamplerConfig config) {
    for (int n = 1; n <= 70; n++) {
      Sampler sampler = config.newSampler(3);
      for (int pos = 0; pos < n; pos++) {
        float[] x = new float[n];
        Arrays.fill(x, Float.NEGATIVE_INFINITY);
        x[pos] = -Float.MAX_VALUE;
        assertEquals(pos, sampler.sample(x), name + ", size " + n);
      }
    }
    for (int n : LONG_SIZES) {
      Sampler sampler = config.newSampler(4);
      float[] x = new float[n];
      Arrays.fill(x, Float.NEGATIVE_INFINITY);
      for (int pos : edges(n)) {
        x[pos] = -1e30f;
        assertEquals(pos, sampler.sample(x), name + ", size " + n);
        x[pos] = Float.NEGATIVE_INFINITY;
      }
    }
  }

  /** The largest finite logit, with the most negative ones elsewhere, and the opposite signs. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("greedyConfigs")
  void extremeFiniteLogits(String name, SamplerConfig config) {
    Sampler sampler = config.newSampler(5);
    float[] x = new float[1000];
    Arrays.fill(x, -Float.MAX_VALUE);
    x[999] = Float.MAX_VALUE;
    assertEquals(999, sampler.sample(x), name);
    Arrays.fill(x, Float.MAX_VALUE);
    assertEquals(0, sampler.sample(x), name + ": all equal");
    x[0] = Math.nextDown(Float.MAX_VALUE);
    assertEquals(1, sampler.sample(x), name + ": all equal but the first");
  }

  /** {@code -0.0} equals 0: a temperature of {@code -0.0} is greedy, not an error. */
  @Test
  void negativeZeroTemperatureIsGreedy() {
    float[] x = TestLogits.gaussian(100, 3, 9);
    x[42] = 20f;
    SamplerConfig config = SamplerConfig.builder().temperature(-0.0f).build();
    assertEquals(42, config.newSampler(1L).sample(x));
    float[] p = Softmax.probabilities(x, -0.0f);
    assertEquals(1f, p[42]);
    assertEquals(0f, p[41]);
  }

  /**
   * Positions at the start, middle and end of a vector: the first elements, both sides of every
   * boundary of 16, 32 and 64 elements (vector widths and unrolled loops) and of a 1024-element
   * block near the start, the middle, the last full chunk and the scalar tail, if any.
   */
  private static int[] edges(int n) {
    int lastChunk = n & -64;
    return Arrays.stream(new int[] {
          0, 1, 7, 15, 16, 31, 32, 63, 64, 65, 1023, 1024, n / 2 - 1, n / 2, n / 2 + 1,
          lastChunk - 65, lastChunk - 64, lastChunk - 33, lastChunk - 32, lastChunk - 1, lastChunk,
          lastChunk + 1, n - 17, n - 16, n - 2, n - 1
        })
        .filter(p -> p >= 0 && p < n)
        .distinct()
        .toArray();
  }
}
