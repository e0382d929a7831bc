package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensampler.random.Seeds;
import dev.tokensampler.speculative.PartialVerifyException;
import dev.tokensampler.speculative.SpeculativeSampler;
import dev.tokensampler.stage.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Speculative sampling: the output token at every position follows the target's processed
 * distribution whatever the draft (chi-square at {@code alpha = 1e-4}, fixed seeds), the exact
 * acceptance rule replayed from the documented random values, the state seen by stateful stages,
 * bad input, and zero allocation.
 */
class SpeculativeSamplerTest {
  private static final double ALPHA = 1e-4;
  private static final int V = 8;
  private static final int K = 3;
  private static final int TRIALS = 100_000;
  private static final SamplerConfig CHAIN =
      SamplerConfig.builder().topK(6).temperature(0.9f).build();
  private static final float[] TARGET = targetLogits(new Random(42), K + 1, V);

  private static float[] targetLogits(Random random, int rows, int v) {
    float[] logits = new float[rows * v];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (random.nextGaussian() * 1.5);
    }
    return logits;
  }

  /** The exact processed distribution of the test chain for target row {@code i}. */
  private static double[] target(int i) {
    float[] row = Arrays.copyOfRange(TARGET, i * V, (i + 1) * V);
    return new ReferenceDistribution(row, 0).topK(6).temperature(0.9).probabilities();
  }

  static Stream<Arguments> drafts() {
    return Stream.of(
        Arguments.of("close to the target", (Function<double[], double[]>) p -> {
          double[] q = new double[V];
          for (int j = 0; j < V; j++) {
            q[j] = 0.8 * p[j] + 0.2 / V;
          }
          return q;
        }),
        Arguments.of("uniform", (Function<double[], double[]>) p -> {
          double[] q = new double[V];
          Arrays.fill(q, 1.0 / V);
          return q;
        }),
        Arguments.of("mass on tokens the target excludes", (Function<double[], double[]>) p -> {
          double[] q = new double[V];
          for (int j = 0; j < V; j++) {
            q[j] = p[j] == 0 ? 0.4 : 0.2 / (V - 2);
          }
          return q;
        }),
        Arguments.of("misses the target's favourite", (Function<double[], double[]>) p -> {
          double[] q = new double[V];
          int best = 0;
          for (int j = 1; j < V; j++) {
            best = p[j] > p[best] ? j : best;
          }
          for (int j = 0; j < V; j++) {
            q[j] = j == best ? 0 : 1.0 / (V - 1);
          }
          return q;
        }));
  }

  @ParameterizedTest(name = "draft {0}")
  @MethodSource("drafts")
  void everyPositionFollowsTheTargetDistribution(String name, Function<double[], double[]> draft) {
    double[][] p = new double[K + 1][];
    float[] q = new float[K * V];
    double[][] qRows = new double[K][];
    for (int i = 0; i <= K; i++) {
      p[i] = target(i);
      if (i < K) {
        qRows[i] = draft.apply(p[i]);
        for (int j = 0; j < V; j++) {
          q[i * V + j] = (float) qRows[i][j];
        }
      }
    }
    assertEquals(2, Arrays.stream(p[0]).filter(x -> x == 0).count(), "top-k 6 of 8 drops 2");
    Random draftRandom = new Random(name.hashCode());
    SpeculativeSampler sampler = SpeculativeSampler.create(CHAIN, 2023L);
    int[][] counts = new int[K + 1][V];
    int[] reached = new int[K + 1];
    int[] drafts = new int[K];
    int[] out = new int[K + 1];
    for (int t = 0; t < TRIALS; t++) {
      for (int i = 0; i < K; i++) {
        drafts[i] = sample(qRows[i], draftRandom);
      }
      int n = sampler.verify(TARGET, q, drafts, K, V, out);
      for (int i = 0; i < n; i++) {
        counts[i][out[i]]++;
        reached[i]++;
      }
    }
    for (int i = 0; i <= K; i++) {
      for (int j = 0; j < V; j++) {
        if (p[i][j] == 0) {
          assertEquals(0, counts[i][j], name + ": position " + i + " emitted excluded token " + j);
        }
      }
      assertTrue(reached[i] > 200, name + ": position " + i + " reached " + reached[i] + " times");
      ChiSquare.Bins bins = ChiSquare.perToken(counts[i], p[i], reached[i]);
      double critical = ChiSquare.criticalValue(bins.degreesOfFreedom(), ALPHA);
      assertTrue(bins.statistic() < critical, name + ": position " + i + " chi-square "
          + bins.statistic() + " >= " + critical + ", counts " + Arrays.toString(counts[i]));
    }
  }

  /** A wrong target makes the same statistic fail: the check above can detect a bad sampler. */
  @Test
  void theStatisticRejectsTheDraftDistributionAsTarget() {
    double[] p = target(0);
    double[] uniform = new double[V];
    Arrays.fill(uniform, 1.0 / V);
    float[] q = new float[K * V];
    Arrays.fill(q, 1f / V);
    Random draftRandom = new Random(9);
    SpeculativeSampler sampler = SpeculativeSampler.create(CHAIN, 7L);
    int[] counts = new int[V];
    int[] drafts = new int[K];
    int[] out = new int[K + 1];
    for (int t = 0; t < TRIALS; t++) {
      for (int i = 0; i < K; i++) {
        drafts[i] = sample(uniform, draftRandom);
      }
      sampler.verify(TARGET, q, drafts, K, V, out);
      counts[out[0]]++;
    }
    ChiSquare.Bins bins = ChiSquare.perToken(counts, uniform, TRIALS);
    assertTrue(bins.statistic() > ChiSquare.criticalValue(bins.degreesOfFreedom(), ALPHA));
    ChiSquare.Bins right = ChiSquare.perToken(counts, p, TRIALS);
    assertTrue(right.statistic() < ChiSquare.criticalValue(right.degreesOfFreedom(), ALPHA));
  }

  /**
   * With the plain softmax chain, the target probabilities are {@link Softmax#probabilities}, and
   * the acceptance values are those the class documents: replaying them predicts every decision.
   */
  @Test
  void acceptanceFollowsTheDocumentedRuleExactly() {
    SamplerConfig softmax = SamplerConfig.builder().build();
    Random random = new Random(77);
    int k = 5;
    int v = 12;
    int rejections = 0;
    for (int trial = 0; trial < 300; trial++) {
      float[] logits = targetLogits(random, k + 1, v);
      float[] q = new float[k * v];
      int[] drafts = new int[k];
      for (int i = 0; i < k; i++) {
        float[] row = Softmax.probabilities(targetLogits(random, 1, v), 1f + random.nextFloat());
        System.arraycopy(row, 0, q, i * v, v);
        drafts[i] = random.nextInt(v);
      }
      long seed = random.nextLong();
      int[] out = new int[k + 1];
      int n = SpeculativeSampler.create(softmax, seed).verify(logits, q, drafts, k, v, out);

      var stream = Seeds.generator(seed);
      long drawBits = stream.nextLong();
      long acceptBits = stream.nextLong();
      int expectedAccepted = k;
      float[] rejectedP = null;
      for (int i = 0; i < k; i++) {
        float[] p = Softmax.probabilities(Arrays.copyOfRange(logits, i * v, (i + 1) * v), 1f);
        double u = Seeds.uniform(Seeds.derive(acceptBits, i));
        if (!(u * q[i * v + drafts[i]] < p[drafts[i]])) {
          expectedAccepted = i;
          rejectedP = p;
          break;
        }
      }
      assertEquals(expectedAccepted + 1, n, "trial " + trial);
      assertArrayEquals(Arrays.copyOf(drafts, expectedAccepted), Arrays.copyOf(out, n - 1));
      if (rejectedP != null) {
        rejections++;
        int token = out[n - 1];
        assertTrue(rejectedP[token] > q[expectedAccepted * v + token],
            "the correction " + token + " is outside the residual's support");
      } else {
        float[] last = Arrays.copyOfRange(logits, k * v, (k + 1) * v);
        assertEquals(softmax.newSampler(seed).sample(last), out[k], "bonus token, trial " + trial);
      }
    }
    assertTrue(rejections > 50 && rejections < 300, "rejections " + rejections);
  }

  @Test
  void aDraftEqualToTheTargetIsAlwaysAcceptedAndTheBonusIsTheSamplersDraw() {
    int[] out = new int[K + 1];
    float[] q = new float[K * V];
    for (int i = 0; i < K; i++) {
      double[] p = target(i);
      for (int j = 0; j < V; j++) {
        q[i * V + j] = (float) p[j];
      }
    }
    Random random = new Random(3);
    for (long seed = 0; seed < 200; seed++) {
      int[] drafts = new int[K];
      for (int i = 0; i < K; i++) {
        drafts[i] = sample(target(i), random);
      }
      // q is the double reference rounded to float; accepted iff u * q < p, which holds when the
      // sampler's own p is at least q, as it is here up to rounding: allow only rounding misses.
      int n = SpeculativeSampler.create(CHAIN, seed).verify(TARGET, q, drafts, K, V, out);
      if (n == K + 1) {
        float[] last = Arrays.copyOfRange(TARGET, K * V, (K + 1) * V);
        assertEquals(CHAIN.newSampler(seed).sample(last), out[K]);
      } else {
        int r = n - 1;
        assertTrue(Math.abs(q[r * V + drafts[r]] - target(r)[drafts[r]]) < 1e-6);
      }
    }
  }

  @Test
  void noDraftsIsOneOrdinaryDraw() {
    float[] row = Arrays.copyOf(TARGET, V);
    int[] out = new int[1];
    for (long seed = 0; seed < 50; seed++) {
      assertEquals(1,
          SpeculativeSampler.create(CHAIN, seed).verify(row, new float[0], new int[0], 0, V, out));
      assertEquals(CHAIN.newSampler(seed).sample(row), out[0]);
    }
  }

  @Test
  void aDraftTheTargetExcludesIsAlwaysRejected() {
    double[] p = target(0);
    int excluded = 0;
    while (p[excluded] != 0) {
      excluded++;
    }
    float[] q = new float[K * V];
    Arrays.fill(q, 1f / V);
    int[] drafts = {excluded, 0, 0};
    int[] out = new int[K + 1];
    for (long seed = 0; seed < 200; seed++) {
      assertEquals(1, SpeculativeSampler.create(CHAIN, seed).verify(TARGET, q, drafts, K, V, out));
      assertTrue(p[out[0]] > 1.0 / V, "correction " + out[0] + " has p <= q");
    }
  }

  @Test
  void statefulStagesSeeExactlyTheOutputTokens() {
    List<Integer> seen = new ArrayList<>();
    Stage recorder = new Stage() {
      @Override
      public void apply(dev.tokensampler.stage.Candidates candidates) {}

      @Override
      public void accept(int token) {
        seen.add(token);
      }

      @Override
      public Stage copy() {
        return this;
      }
    };
    SamplerConfig config = SamplerConfig.builder().stage(recorder).temperature(0.9f).build();
    SpeculativeSampler sampler = SpeculativeSampler.create(config, 5L);
    sampler.accept(4);
    float[] q = new float[K * V];
    Arrays.fill(q, 1f / V);
    int[] out = new int[K + 1];
    List<Integer> expected = new ArrayList<>(List.of(4));
    for (int round = 0; round < 20; round++) {
      int n = sampler.verify(TARGET, q, new int[] {1, 2, 3}, K, V, out);
      for (int i = 0; i < n; i++) {
        expected.add(out[i]);
      }
    }
    assertEquals(expected, seen);
  }

  @Test
  void sameSeedSameTokens() {
    float[] q = new float[K * V];
    Arrays.fill(q, 1f / V);
    int[] a = new int[K + 1];
    int[] b = new int[K + 1];
    SpeculativeSampler first = SpeculativeSampler.create(CHAIN, 11L, 3);
    SpeculativeSampler second = SpeculativeSampler.create(CHAIN, 11L, 3);
    for (int round = 0; round < 100; round++) {
      int[] drafts = {round % V, (round * 3) % V, (round * 5) % V};
      assertEquals(first.verify(TARGET, q, drafts, K, V, a),
          second.verify(TARGET, q, drafts, K, V, b));
      assertArrayEquals(a, b);
    }
  }

  @Test
  void badInputIsNamedAndTakesNoRandomNumber() {
    float[] q = new float[K * V];
    Arrays.fill(q, 1f / V);
    int[] drafts = {1, 2, 3};
    int[] out = new int[K + 1];
    SpeculativeSampler sampler = SpeculativeSampler.create(CHAIN, 8L);
    float[] nanTarget = TARGET.clone();
    nanTarget[V + 2] = Float.NaN;
    float[] masked = TARGET.clone();
    Arrays.fill(masked, 2 * V, 3 * V, Float.NEGATIVE_INFINITY);
    float[] negative = q.clone();
    negative[V + 1] = -0.1f;
    float[] unnormalised = q.clone();
    unnormalised[5] = 0.5f;
    float[] zeroAtDraft = q.clone();
    zeroAtDraft[V + 2] = 0f;
    zeroAtDraft[V + 3] += 1f / V;
    assertMessage("targetLogits[1][2] is NaN",
        () -> sampler.verify(nanTarget, q, drafts, K, V, out));
    assertMessage("targetLogits row 2: every logit is -Infinity",
        () -> sampler.verify(masked, q, drafts, K, V, out));
    assertMessage("draftProbabilities[1][1] must be finite and >= 0, got -0.1",
        () -> sampler.verify(TARGET, negative, drafts, K, V, out));
    assertMessage("draftProbabilities row 0 must sum to 1",
        () -> sampler.verify(TARGET, unnormalised, drafts, K, V, out));
    assertMessage("draftProbabilities[1][2] is 0",
        () -> sampler.verify(TARGET, zeroAtDraft, drafts, K, V, out));
    assertMessage("draftTokens[1] must be in [0, 8), got 9",
        () -> sampler.verify(TARGET, q, new int[] {1, 9, 3}, K, V, out));
    assertMessage("draftCount must be >= 0, got -1",
        () -> sampler.verify(TARGET, q, drafts, -1, V, out));
    assertMessage("draftTokens.length 3 is less than draftCount 4",
        () -> sampler.verify(TARGET, q, drafts, 4, V, out));
    assertMessage("out.length 3 is less than draftCount + 1 = 4",
        () -> sampler.verify(TARGET, q, drafts, K, V, new int[3]));
    assertMessage("targetLogits.length 31 is less than",
        () -> sampler.verify(Arrays.copyOf(TARGET, 31), q, drafts, K, V, out));
    assertMessage("draftProbabilities.length 20 is less than",
        () -> sampler.verify(TARGET, Arrays.copyOf(q, 20), drafts, K, V, out));
    assertMessage("vocabularySize must be >= 1, got 0",
        () -> sampler.verify(TARGET, q, drafts, K, 0, out));
    assertThrows(NullPointerException.class, () -> sampler.verify(null, q, drafts, K, V, out));
    int[] expected = new int[K + 1];
    int n = SpeculativeSampler.create(CHAIN, 8L).verify(TARGET, q, drafts, K, V, expected);
    assertEquals(n, sampler.verify(TARGET, q, drafts, K, V, out));
    assertArrayEquals(expected, out);
    assertMessage("vocabularySize 4 differs from the vocabulary size 8 of the first call",
        () -> sampler.verify(TARGET, q, new int[] {1, 2, 3}, K, 4, out));
  }

  @Test
  void verifyingAllocatesNothingAfterWarmUp() {
    AllocationMeter meter = AllocationMeter.assumeAvailable();
    int v = 32_000;
    int k = 4;
    Random random = new Random(1);
    float[] logits = targetLogits(random, k + 1, v);
    float[] q = new float[k * v];
    for (int i = 0; i < k; i++) {
      float[] row = Softmax.probabilities(targetLogits(random, 1, v), 1f);
      System.arraycopy(row, 0, q, i * v, v);
    }
    int[] drafts = {5, 6, 7, 8};
    int[] out = new int[k + 1];
    SpeculativeSampler sampler = SpeculativeSampler.create(
        SamplerConfig.builder().topK(40).topP(0.95f).temperature(0.8f).build(), 3L);
    for (int n = 0; n < 1500; n++) {
      sampler.verify(logits, q, drafts, k, v, out);
    }
    meter.assertSomeWindowAllocatesNothing(10, "500 calls", () -> {
      long checksum = 0;
      for (int n = 0; n < 500; n++) {
        checksum += sampler.verify(logits, q, drafts, k, v, out);
      }
      return checksum;
    });
  }

  private static void assertMessage(String expected, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static int sample(double[] q, Random random) {
    double u = random.nextDouble();
    double cumulative = 0;
    int last = 0;
    for (int j = 0; j < q.length; j++) {
      if (q[j] > 0) {
        last = j;
        cumulative += q[j];
        if (u < cumulative) {
          return j;
        }
      }
    }
    return last;
  }

  /** A stage that throws when applied after {@code n} accepted tokens, until disarmed. */
  private static final class FailAfter implements Stage {
    private final int n;
    private final boolean[] armed;
    private int accepted;

    FailAfter(int n, boolean[] armed) {
      this.n = n;
      this.armed = armed;
    }

    @Override
    public void apply(dev.tokensampler.stage.Candidates c) {
      if (armed[0] && accepted == n) {
        throw new IllegalStateException("stage failed after " + n + " tokens");
      }
    }

    @Override
    public void accept(int token) {
      accepted++;
    }

    @Override
    public Stage copy() {
      return new FailAfter(n, armed);
    }
  }

  /** Draft rows equal to the softmax of the target rows: every draft is accepted. */
  private static float[] softmaxRows(float[] logits, int rows, int v) {
    float[] q = new float[rows * v];
    for (int r = 0; r < rows; r++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < v; j++) {
        max = Math.max(max, logits[r * v + j]);
      }
      double sum = 0;
      for (int j = 0; j < v; j++) {
        sum += Math.exp(logits[r * v + j] - max);
      }
      for (int j = 0; j < v; j++) {
        q[r * v + j] = (float) (Math.exp(logits[r * v + j] - max) / sum);
      }
    }
    return q;
  }

  @Test
  void aVerifyThatFailsBeforeAcceptingTakesNoRandomValue() {
    int v = 8;
    int k = 2;
    float[] target = new float[(k + 1) * v];
    for (int j = 0; j < target.length; j++) {
      target[j] = (j * 7 % 11) / 3f;
    }
    float[] q = softmaxRows(target, k, v);
    int[] drafts = {1, 2};
    boolean[] armed = {true};
    SamplerConfig config = SamplerConfig.builder().stage(new FailAfter(0, armed)).build();
    SpeculativeSampler failed = SpeculativeSampler.create(config, 5L);
    int[] out = new int[k + 1];
    assertThrows(IllegalStateException.class, () -> failed.verify(target, q, drafts, k, v, out));
    armed[0] = false;
    for (int call = 0; call < 3; call++) {
      int[] fresh = new int[k + 1];
      SpeculativeSampler reference = SpeculativeSampler.create(config, 5L);
      int m = 0;
      for (int c = 0; c <= call; c++) {
        m = reference.verify(target, q, drafts, k, v, fresh);
      }
      int got = failed.verify(target, q, drafts, k, v, out);
      assertEquals(m, got, "call " + call);
      assertArrayEquals(Arrays.copyOf(fresh, m), Arrays.copyOf(out, got), "call " + call);
    }
  }

  @Test
  void aVerifyThatFailsAfterAcceptingSaysWhichTokensAdvanced() {
    int v = 8;
    int k = 2;
    float[] target = new float[(k + 1) * v];
    for (int j = 0; j < target.length; j++) {
      target[j] = (j * 5 % 13) / 4f;
    }
    float[] q = softmaxRows(target, k, v);
    int[] drafts = {3, 4};
    boolean[] armed = {true};
    SamplerConfig config = SamplerConfig.builder().stage(new FailAfter(1, armed)).build();
    SpeculativeSampler sampler = SpeculativeSampler.create(config, 9L);
    int[] out = new int[k + 1];
    PartialVerifyException e = assertThrows(PartialVerifyException.class,
        () -> sampler.verify(target, q, drafts, k, v, out));
    assertEquals(1, e.acceptedCount());
    assertEquals(3, out[0]);
    assertTrue(e.getCause() instanceof IllegalStateException, String.valueOf(e.getCause()));
    assertTrue(e.getMessage().contains("1 draft token"), e.getMessage());
  }
}
