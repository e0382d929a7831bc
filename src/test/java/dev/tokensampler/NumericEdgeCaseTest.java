package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Numeric edge cases, each with its documented token or exception (and never a hang): subnormal
 * and huge logits, mixed infinities, NaN at every position class of the SIMD blocks and the tail,
 * vocabularies that are no multiple of a vector width, extreme temperatures, top-p and top-k.
 * {@link BadInputTest} covers the messages of bad calls at {@code V = 1000}; here the sizes and
 * positions vary.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NumericEdgeCaseTest {
  /** Sizes around the lane counts (4 to 16 floats) and the kernels' blocks (1024). */
  private static final int[] ODD_SIZES = {1, 2, 3, 15, 17, 31, 33, 63, 65, 1023, 1025, 2047, 2049};

  private static List<SamplerConfig> chains() {
    return List.of(
        SamplerConfig.builder().build(),
        SamplerConfig.greedy(),
        SamplerConfig.builder().temperature(0.7f).build(),
        SamplerConfig.builder().topK(3).build(),
        SamplerConfig.builder().topP(0.9f).build(),
        SamplerConfig.builder().temperature(0.8f).topK(40).topP(0.95f).build());
  }

  /** Positions in every class: lane 0, inner lanes, last lane, block edges, the tail. */
  private static int[] positions(int v) {
    return IntStream.of(0, 1, 3, 7, 8, 15, 16, 31, 32, 63, 64, 1023, 1024, v - 2, v - 1)
        .filter(i -> i >= 0 && i < v).distinct().toArray();
  }

  @ParameterizedTest(name = "V={0}")
  @ValueSource(ints = {1, 2, 3, 15, 17, 31, 33, 63, 65, 1023, 1025, 2047, 2049})
  void nanAtAnyPositionIsRejectedNamingIt(int v) {
    for (SamplerConfig config : chains()) {
      for (int at : positions(v)) {
        float[] x = TestLogits.gaussian(v, 2, v + at);
        x[at] = Float.NaN;
        Sampler sampler = config.newSampler(1L);
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> sampler.sample(x), config + " " + at);
        assertTrue(e.getMessage().contains("logits[" + at + "]") && e.getMessage().contains("NaN"),
            e.getMessage());
        x[at] = 0f;
        int token = sampler.sample(x);
        assertTrue(token >= 0 && token < v, "usable after the error: " + token);
      }
    }
  }

  @ParameterizedTest(name = "V={0}")
  @ValueSource(ints = {2, 15, 17, 33, 1025, 2049})
  void positiveInfinityAmongNegativeInfinitiesIsRejected(int v) {
    for (SamplerConfig config : chains()) {
      for (int at : positions(v)) {
        float[] x = new float[v];
        Arrays.fill(x, Float.NEGATIVE_INFINITY);
        x[at] = Float.POSITIVE_INFINITY;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> config.newSampler(1L).sample(x), config + " " + at);
        assertTrue(e.getMessage().contains("logits[" + at + "]")
            && e.getMessage().contains("+Infinity"), e.getMessage());
      }
    }
  }

  /** One finite logit among -Infinity, anywhere: that token, on every chain. */
  @ParameterizedTest(name = "V={0}")
  @ValueSource(ints = {1, 15, 17, 31, 33, 1023, 1025, 2049})
  void theOnlyFiniteTokenIsChosenWherever(int v) {
    for (SamplerConfig config : chains()) {
      for (int at : positions(v)) {
        float[] x = new float[v];
        Arrays.fill(x, Float.NEGATIVE_INFINITY);
        x[at] = -3e38f;
        assertEquals(at, config.newSampler(at).sample(x), config + " at " + at);
      }
    }
  }

  /** The largest logit wins greedily at every position, and ties go to the lowest id. */
  @Test
  void greedyFindsTheMaximumAtEveryPositionClass() {
    for (int v : ODD_SIZES) {
      for (int at : positions(v)) {
        float[] x = TestLogits.gaussian(v, 1, at);
        x[at] = 50f;
        assertEquals(at, SamplerConfig.greedy().newSampler(0L).sample(x), "V=" + v);
        float[] tied = new float[v];
        Arrays.fill(tied, -1f);
        tied[at] = 0f;
        tied[v - 1] = -0.0f;
        assertEquals(Math.min(at, v - 1), SamplerConfig.greedy().newSampler(0L).sample(tied),
            "+0.0 and -0.0 tie, V=" + v);
      }
    }
  }

  @Test
  void subnormalLogitsAreOrderedAndNearlyUniform() {
    float[] x = new float[33];
    Arrays.fill(x, Float.MIN_VALUE);
    x[20] = 3 * Float.MIN_VALUE;
    x[30] = -Float.MIN_VALUE;
    assertEquals(20, SamplerConfig.greedy().newSampler(0L).sample(x));
    float[] p = Softmax.probabilities(x, 1f);
    for (float q : p) {
      assertEquals(1.0 / 33, q, 1e-6);
    }
  }

  @Test
  void hugeLogitsOfBothSignsGiveTheLargest() {
    float[] x = TestLogits.gaussian(1025, 1, 7);
    x[3] = -3e38f;
    x[1000] = 3e38f;
    x[1024] = -Float.MAX_VALUE;
    for (SamplerConfig config : chains()) {
      assertEquals(1000, config.newSampler(5L).sample(x), config.toString());
    }
    for (float t : new float[] {1e-6f, 1e6f}) {
      assertEquals(1000, SamplerConfig.builder().temperature(t).build().newSampler(5L).sample(x),
          "temperature " + t);
    }
    float[] p = Softmax.probabilities(x, 1f);
    assertEquals(1f, p[1000]);
    assertEquals(0f, p[3]);
    // At T = 3e38 the logits divided by T are about 1 (token 1000) and 0 (the Gaussian ones).
    float[] hot = Softmax.probabilities(x, 3e38f);
    assertEquals(Math.E, hot[1000] / hot[0], 1e-4);
  }

  @Test
  void temperatureNearZeroIsTheArgmaxAndHugeIsNearlyUniform() {
    float[] x = TestLogits.gaussian(1025, 2, 11);
    int argmax = SamplerConfig.greedy().newSampler(0L).sample(x);
    Sampler cold = SamplerConfig.builder().temperature(1e-6f).build().newSampler(3L);
    for (int step = 0; step < 20; step++) {
      assertEquals(argmax, cold.sample(x));
    }
    float[] hot = Softmax.probabilities(x, 1e6f);
    for (float q : hot) {
      assertEquals(1.0 / 1025, q, 1e-3 / 1025);
    }
    // Factors multiply: two temperatures of 1e-30 overflow (greedy), two of 1e30 underflow
    // (uniform over the unmasked tokens, never a masked one).
    assertEquals(argmax, SamplerConfig.builder().temperature(1e-30f).temperature(1e-30f).build()
        .newSampler(1L).sample(x));
    float[] masked = x.clone();
    for (int i = 0; i < masked.length; i += 2) {
      masked[i] = Float.NEGATIVE_INFINITY;
    }
    Sampler flat = SamplerConfig.builder().temperature(1e30f).temperature(1e30f).build()
        .newSampler(2L);
    for (int step = 0; step < 200; step++) {
      assertEquals(1, flat.sample(masked) % 2, "a masked token was drawn");
    }
  }

  @Test
  void topPOfAlmostZeroKeepsTheTopTieGroupAndOneKeepsAll() {
    float[] x = TestLogits.gaussian(1025, 1, 13);
    x[17] = 9f;
    x[1024] = 9f;
    Sampler narrow = SamplerConfig.builder().topP(1e-9f).build().newSampler(4L);
    boolean[] seen = new boolean[1025];
    for (int step = 0; step < 200; step++) {
      int token = narrow.sample(x);
      assertTrue(token == 17 || token == 1024, "token " + token);
      seen[token] = true;
    }
    assertTrue(seen[17] && seen[1024], "both tied tokens are drawn");
    float[] flat = new float[17];
    Sampler all = SamplerConfig.builder().topP(1f).build().newSampler(4L);
    Sampler none = SamplerConfig.builder().build().newSampler(4L);
    for (int step = 0; step < 100; step++) {
      assertEquals(none.sample(flat), all.sample(flat), "top_p=1 is no truncation");
    }
  }

  @ParameterizedTest(name = "V={0}")
  @ValueSource(ints = {1, 15, 17, 1023, 1025})
  void topKAtOrAboveTheVocabularyKeepsEverything(int v) {
    float[] x = TestLogits.gaussian(v, 2, v);
    for (int k : new int[] {v, v + 1, Integer.MAX_VALUE}) {
      Sampler topK = SamplerConfig.builder().topK(k).build().newSampler(6L);
      Sampler plain = SamplerConfig.builder().build().newSampler(6L);
      for (int step = 0; step < 30; step++) {
        assertEquals(plain.sample(x), topK.sample(x), "top_k=" + k + ", V=" + v);
      }
    }
  }
}
