package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.stage.Stage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Comparator;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Log-probabilities on request: the same tokens as without them, the raw and processed values
 * against a double-precision reference ({@link ReferenceDistribution}), the order of the
 * alternatives (ties to the lower id), greedy selection, masked tokens and bad input.
 */
class TokenLogprobsTest {
  private static final int V = 1000;
  private static final int STEPS = 200;
  private static final int TOP = 20;

  static Stream<Arguments> chains() {
    return Stream.of(
        chain("softmax", SamplerConfig.builder(), r -> r),
        chain("temperature 0.7", SamplerConfig.builder().temperature(0.7f),
            r -> r.temperature(0.7)),
        chain("top-k 40, temperature 0.8", SamplerConfig.builder().topK(40).temperature(0.8f),
            r -> r.topK(40).temperature(0.8)),
        chain("top-k 5", SamplerConfig.builder().topK(5), r -> r.topK(5)),
        chain("temperature 0.8, top-p 0.9", SamplerConfig.builder().temperature(0.8f).topP(0.9f),
            r -> r.temperature(0.8).topP(0.9)),
        chain("top-p 0.8, temperature 1.3", SamplerConfig.builder().topP(0.8f).temperature(1.3f),
            r -> r.topP(0.8).temperature(1.3)),
        chain("top-k 50, top-p 0.95, temperature 0.6",
            SamplerConfig.builder().topK(50).topP(0.95f).temperature(0.6f),
            r -> r.topK(50).topP(0.95).temperature(0.6)));
  }

  private static Arguments chain(
      String name, SamplerConfig.Builder config, UnaryOperator<ReferenceDistribution> reference) {
    return Arguments.of(name, config.build(), reference);
  }

  private static float[][] logitSequence(long seed) {
    Random random = new Random(seed);
    float[][] rows = new float[8][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = TestLogits.gaussian(random, V, 1 + i * 0.5);
    }
    return rows;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chains")
  void logprobsDoNotChangeTheTokens(
      String name, SamplerConfig config, UnaryOperator<ReferenceDistribution> reference) {
    float[][] rows = logitSequence(7);
    Sampler plain = config.newSampler(99L);
    Sampler withArray = config.newSampler(99L);
    Sampler withBuffer = config.newSampler(99L);
    TokenLogprobs out = new TokenLogprobs(TOP);
    FloatBuffer direct = ByteBuffer.allocateDirect((V + 3) * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int step = 0; step < STEPS; step++) {
      float[] logits = rows[step % rows.length];
      direct.clear();
      direct.put(3, logits);
      int token = plain.sample(logits);
      assertEquals(token, withArray.sample(logits, out), name + " step " + step);
      assertEquals(token, out.token());
      assertEquals(token, withBuffer.sample(direct, 3, V, out), name + " step " + step);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chains")
  void logprobsMatchTheDoublePrecisionReference(
      String name, SamplerConfig config, UnaryOperator<ReferenceDistribution> reference) {
    float[][] rows = logitSequence(11);
    Sampler sampler = config.newSampler(5L);
    TokenLogprobs out = new TokenLogprobs(TOP);
    for (int step = 0; step < rows.length * 4; step++) {
      float[] logits = rows[step % rows.length];
      ReferenceDistribution exact = reference.apply(new ReferenceDistribution(logits, 0));
      double[] processed = exact.probabilities();
      assertTrue(exact.smallestMargin() > 1e-5, "ambiguous top-p boundary in the test logits");
      double[] raw = logSoftmax(logits);
      int token = sampler.sample(logits, out);

      assertClose(raw[token], out.rawLogprob(), name + " raw");
      assertClose(Math.log(processed[token]), out.processedLogprob(), name + " processed");
      int[] rawOrder = order(raw);
      assertEquals(TOP, out.rawTopCount());
      for (int r = 0; r < TOP; r++) {
        assertEquals(rawOrder[r], out.rawTopId(r), name + " raw rank " + r);
        assertClose(raw[rawOrder[r]], out.rawTopLogprob(r), name + " raw rank " + r);
      }
      int[] processedOrder = order(processed);
      long positive = IntStream.range(0, V).filter(i -> processed[i] > 0).count();
      assertEquals(Math.min(TOP, positive), out.processedTopCount(), name);
      for (int r = 0; r < out.processedTopCount(); r++) {
        assertEquals(processedOrder[r], out.processedTopId(r), name + " processed rank " + r);
        assertClose(Math.log(processed[processedOrder[r]]), out.processedTopLogprob(r),
            name + " processed rank " + r);
      }
    }
  }

  static Stream<SamplerConfig> otherChains() {
    return Stream.of(
        SamplerConfig.builder().minP(0.05f).temperature(0.8f).build(),
        SamplerConfig.builder().typicalP(0.9f).temperature(1.2f).build(),
        SamplerConfig.builder().topNSigma(1f).build(),
        SamplerConfig.builder().xtc(0.5f, 0.05f).temperature(0.9f).build(),
        SamplerConfig.builder().repetitionPenalty(1.3f).frequencyPresencePenalty(0.2f, 0.3f)
            .dry(0.8f, 1.75f, 2, -1, java.util.List.of()).topK(50).build(),
        SamplerConfig.builder().topK(100).mirostatV2(5f, 0.1f).build(),
        SamplerConfig.builder().dynamicTemperature(0.8f, 0.5f, 1f).topP(0.9f).build());
  }

  /** Stages with history, their own randomness or their own selection draw the same tokens. */
  @ParameterizedTest
  @MethodSource("otherChains")
  void logprobsDoNotChangeTheTokensOfAnyStage(SamplerConfig config) {
    float[][] rows = logitSequence(13);
    Sampler plain = config.newSampler(31L);
    Sampler withLogprobs = config.newSampler(31L);
    TokenLogprobs out = new TokenLogprobs(5);
    for (int step = 0; step < STEPS; step++) {
      float[] logits = rows[step % rows.length];
      assertEquals(plain.sample(logits), withLogprobs.sample(logits, out), "step " + step);
      assertTrue(out.processedLogprob() <= 0f && out.processedLogprob() > Float.NEGATIVE_INFINITY,
          "the sampled token has a positive processed probability: " + out);
      assertTrue(out.processedTopCount() >= 1);
    }
  }

  @Test
  void aBatchFillsOneHolderPerRowWithTheRowSamplersValues() {
    int rows = 3;
    float[] batch = new float[rows * V];
    Random random = new Random(21);
    for (int i = 0; i < batch.length; i++) {
      batch[i] = (float) random.nextGaussian();
    }
    SamplerConfig config = SamplerConfig.builder().topK(40).temperature(0.8f).build();
    BatchSampler withLogprobs = BatchSampler.create(config, 5L, 0, rows);
    BatchSampler plain = BatchSampler.create(config, 5L, 0, rows);
    TokenLogprobs[] holders = new TokenLogprobs[rows];
    for (int r = 0; r < rows; r++) {
      holders[r] = new TokenLogprobs(3);
    }
    int[] tokens = new int[rows];
    int[] expected = new int[rows];
    for (int step = 0; step < 20; step++) {
      plain.sample(batch, V, expected);
      withLogprobs.sample(batch, V, tokens, holders);
      assertArrayEquals(expected, tokens);
      for (int r = 0; r < rows; r++) {
        TokenLogprobs single = new TokenLogprobs(3);
        Sampler alone = config.newSampler(5L, r);
        for (int s = 0; s <= step; s++) {
          alone.sample(batch, r * V, V, single);
        }
        assertEquals(single.toString(), holders[r].toString());
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> withLogprobs.sample(batch, V, tokens, new TokenLogprobs[2]));
    assertTrue(e.getMessage().contains("logprobs.length"), e.getMessage());
  }

  @Test
  void greedySelectionHasProcessedLogprobZero() {
    float[] logits = TestLogits.gaussian(new Random(3), V, 2);
    TokenLogprobs out = new TokenLogprobs(5);
    int token = SamplerConfig.builder().temperature(0f).build().newSampler(1L)
        .sample(logits, out);
    double[] raw = logSoftmax(logits);
    assertEquals(order(raw)[0], token);
    assertEquals(0f, out.processedLogprob());
    assertEquals(1, out.processedTopCount());
    assertEquals(token, out.processedTopId(0));
    assertEquals(0f, out.processedTopLogprob(0));
    assertClose(raw[token], out.rawLogprob(), "raw");
    assertEquals(5, out.rawTopCount());
  }

  @Test
  void tiedAlternativesAreListedLowerIdFirst() {
    float[] logits = new float[50];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = i % 3 == 0 ? 2f : (i % 3 == 1 ? 1f : 0f);
    }
    TokenLogprobs out = new TokenLogprobs(20);
    SamplerConfig.builder().build().newSampler(8L).sample(logits, out);
    // 17 tokens with logit 2 (ids 0, 3, ..., 48), then the logit-1 tokens 1, 4, 7.
    for (int r = 0; r < 17; r++) {
      assertEquals(3 * r, out.rawTopId(r));
    }
    assertEquals(1, out.rawTopId(17));
    assertEquals(4, out.rawTopId(18));
    assertEquals(7, out.rawTopId(19));
    assertEquals(out.rawTopLogprob(0), out.rawTopLogprob(16));
  }

  /**
   * Found by a property test: token 2's logit is one ulp above token 1's, but both
   * log-probabilities round to the same float; the raw list gave the higher id first while showing
   * equal values (the processed list already ranked by its reported values).
   */
  @Test
  void logitsThatRoundToTheSameLogprobAreTiedLowerIdFirst() {
    float[] logits = {0f, -0.01f, Math.nextUp(-0.01f)};
    TokenLogprobs out = new TokenLogprobs(3);
    SamplerConfig.builder().build().newSampler(8L).sample(logits, out);
    assertEquals(out.rawTopLogprob(1), out.rawTopLogprob(2), "the two round to the same float");
    assertArrayEquals(new int[] {0, 1, 2},
        IntStream.range(0, 3).map(out::rawTopId).toArray(), "raw");
    assertArrayEquals(new int[] {0, 1, 2},
        IntStream.range(0, 3).map(out::processedTopId).toArray(), "processed");
  }

  @Test
  void maskedTokensAreNeverAlternatives() {
    float[] logits = new float[30];
    java.util.Arrays.fill(logits, Float.NEGATIVE_INFINITY);
    logits[4] = 1f;
    logits[9] = 3f;
    logits[20] = 2f;
    TokenLogprobs out = new TokenLogprobs(10);
    SamplerConfig.builder().build().newSampler(2L).sample(logits, out);
    assertEquals(3, out.rawTopCount());
    assertEquals(9, out.rawTopId(0));
    assertEquals(20, out.rawTopId(1));
    assertEquals(4, out.rawTopId(2));
    assertEquals(3, out.processedTopCount());
    assertThrows(IndexOutOfBoundsException.class, () -> out.rawTopId(3));
  }

  @Test
  void capacityZeroReportsTheSampledTokenOnly() {
    float[] logits = TestLogits.gaussian(new Random(4), V, 1);
    TokenLogprobs out = new TokenLogprobs(0);
    int token = SamplerConfig.builder().topK(10).build().newSampler(3L).sample(logits, out);
    assertEquals(0, out.rawTopCount());
    assertEquals(0, out.processedTopCount());
    assertEquals(token, out.token());
    assertClose(logSoftmax(logits)[token], out.rawLogprob(), "raw");
  }

  @Test
  void capacityOutOfRangeIsRejectedWithTheParameterName() {
    IllegalArgumentException low =
        assertThrows(IllegalArgumentException.class, () -> new TokenLogprobs(-1));
    assertTrue(low.getMessage().contains("top_logprobs") && low.getMessage().contains("-1"),
        low.getMessage());
    IllegalArgumentException high =
        assertThrows(IllegalArgumentException.class, () -> new TokenLogprobs(21));
    assertTrue(high.getMessage().contains("21"), high.getMessage());
    assertThrows(NullPointerException.class,
        () -> SamplerConfig.greedy().newSampler(1L).sample(new float[3], (TokenLogprobs) null));
  }

  /**
   * A raw NaN that a stage masks is fine for sampling but has no raw log-probability: the call
   * fails naming the index and consumes no random number.
   */
  @Test
  void rawNaNMaskedByAStageFailsWithoutConsumingTheStream() {
    Stage maskThree = c -> c.setLogit(3, Float.NEGATIVE_INFINITY);
    SamplerConfig config = SamplerConfig.builder().stage(maskThree).build();
    float[] bad = TestLogits.gaussian(new Random(5), 10, 1);
    bad[3] = Float.NaN;
    float[] good = TestLogits.gaussian(new Random(6), 10, 1);
    Sampler sampler = config.newSampler(12L);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> sampler.sample(bad, new TokenLogprobs(2)));
    assertTrue(e.getMessage().contains("logits[3] is NaN"), e.getMessage());
    assertEquals(config.newSampler(12L).sample(good), sampler.sample(good));
    bad[3] = Float.POSITIVE_INFINITY;
    IllegalArgumentException infinite = assertThrows(IllegalArgumentException.class,
        () -> sampler.sample(bad, new TokenLogprobs(2)));
    assertTrue(infinite.getMessage().contains("logits[3] is +Infinity"), infinite.getMessage());
  }

  private static double[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (float x : logits) {
      sum += Math.exp(x - max);
    }
    double logSum = Math.log(sum);
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = logits[i] - max - logSum;
    }
    return out;
  }

  /** Token ids by decreasing value, ties by increasing id. */
  private static int[] order(double[] values) {
    return IntStream.range(0, values.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -values[i]).thenComparing(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }

  private static void assertClose(double expected, float actual, String what) {
    assertEquals(expected, actual, 2e-5 + 2e-6 * Math.abs(expected), what);
  }
}
