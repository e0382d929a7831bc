package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.kernel.ScalarKernels;
import dev.tokensampler.random.Seeds;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.FrequencyPresencePenalty;
import dev.tokensampler.stage.MinP;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.Temperature;
import dev.tokensampler.stage.TopK;
import dev.tokensampler.stage.TopP;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Properties of {@link TokenLogprobs} over generated logits ({@link TestLogits}, vocabularies up
 * to 300,000) and chains of temperature, top-k, top-p, min-p and a penalty with a history: the
 * processed distribution sums to 1, the raw value is the scalar kernels' log-softmax bit for bit,
 * the alternatives are the true top-N in order, and asking for log-probabilities never changes the
 * tokens.
 *
 * <p>Seeds are fixed ({@link FixedSeed}); {@code -Dtokensampler.seed=random} explores new cases.
 */
@AddLifecycleHook(FixedSeed.class)
class TokenLogprobsPropertyTest {
  private static final int TRIES = 80;
  private static final int TOP = TokenLogprobs.MAX_TOP_LOGPROBS;

  /**
   * A chain: an optional penalty (after a history), then temperature, top-k, top-p and min-p in
   * transformers' order or with temperature last as in llama.cpp. Disabled stages are left out.
   */
  record Chain(int penalty, float penaltyValue, float temperature, int topK, float topP,
      float minP, boolean temperatureLast, long historySeed) {
    List<Stage> stages() {
      List<Stage> stages = new ArrayList<>();
      if (penalty == 1) {
        stages.add(new RepetitionPenalty(1 + penaltyValue));
      } else if (penalty == 2) {
        stages.add(new FrequencyPresencePenalty(penaltyValue, penaltyValue / 2, -1));
      }
      Stage t = temperature == 1f ? null : new Temperature(temperature);
      if (t != null && !temperatureLast) {
        stages.add(t);
      }
      if (topK > 0) {
        stages.add(new TopK(topK));
      }
      if (topP < 1f) {
        stages.add(new TopP(topP));
      }
      if (minP > 0f) {
        stages.add(new MinP(minP));
      }
      if (t != null && temperatureLast) {
        stages.add(t);
      }
      return stages;
    }

    SamplerConfig config() {
      SamplerConfig.Builder builder = SamplerConfig.builder();
      stages().forEach(builder::stage);
      return builder.build();
    }

    /** Up to 40 earlier tokens, for the penalty. */
    int[] history(int v) {
      Random random = new Random(historySeed);
      return random.ints(random.nextInt(41), 0, v).toArray();
    }

    /** A sampler that has read the history. */
    Sampler sampler(int v, long seed) {
      Sampler sampler = config().newSampler(seed);
      for (int token : history(v)) {
        sampler.accept(token);
      }
      return sampler;
    }

    @Override
    public String toString() {
      return config().toString();
    }
  }

  @Provide
  Arbitrary<TestLogits.Case> logits() {
    return TestLogits.logits(TestLogits.MAX_VOCABULARY);
  }

  @Provide
  Arbitrary<Chain> chains() {
    Arbitrary<Integer> penalty = Arbitraries.integers().between(0, 2);
    Arbitrary<Float> penaltyValue = Arbitraries.floats().between(0f, 2f).ofScale(3);
    Arbitrary<Float> temperature = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(1f)), Tuple.of(1, Arbitraries.just(0f)),
        Tuple.of(4, Arbitraries.floats().between(0.2f, 3f).ofScale(3)));
    Arbitrary<Integer> topK = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(0)), Tuple.of(3, Arbitraries.integers().between(1, 30)),
        Tuple.of(1, Arbitraries.integers().between(1, 400_000)));
    Arbitrary<Float> topP = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(1f)),
        Tuple.of(2, Arbitraries.floats().between(0.05f, 0.999f).ofScale(3)));
    Arbitrary<Float> minP = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.just(0f)),
        Tuple.of(1, Arbitraries.floats().between(0.001f, 0.5f).ofScale(3)));
    return Combinators.combine(penalty, penaltyValue, temperature, topK, topP, minP,
            Arbitraries.of(true, false), Arbitraries.longs())
        .as(Chain::new);
  }

  /**
   * The processed log-probabilities of the kept tokens exponentiate to a distribution: the listed
   * alternatives when they cover every kept token, else the candidates' own log-probabilities
   * after the same chain, whose top entries are then the listed ones.
   */
  @Property(tries = TRIES)
  void processedLogprobsOfTheKeptTokensSumToOne(@ForAll("logits") TestLogits.Case logits,
      @ForAll("chains") Chain chain, @ForAll long seed) {
    float[] x = logits.values();
    int v = x.length;
    TokenLogprobs out = new TokenLogprobs(TOP);
    chain.sampler(v, seed).sample(x, out);
    int listed = out.processedTopCount();
    assertTrue(listed >= 1, "at least the sampled token's distribution has one token");
    if (listed < TOP) {
      double sum = 0;
      for (int r = 0; r < listed; r++) {
        sum += Math.exp(out.processedTopLogprob(r));
      }
      assertEquals(1.0, sum, 1e-6, listed + " alternatives cover the kept set");
      return;
    }
    dev.tokensampler.stage.Chain copies = new dev.tokensampler.stage.Chain(chain.stages());
    for (int token : chain.history(v)) {
      copies.accept(token);
    }
    Candidates c = copies.apply(x, 0, v, Seeds.generator(seed));
    assertTrue(!c.isSelected(), "a selecting chain keeps one token, listed above");
    float[] logprobs = new float[c.size()];
    c.writeLogProbabilities(logprobs);
    double sum = 0;
    int positive = 0;
    for (float lp : logprobs) {
      if (lp != Float.NEGATIVE_INFINITY) {
        sum += Math.exp(lp);
        positive++;
      }
    }
    assertEquals(1.0, sum, 1e-6, positive + " kept tokens");
    float[] sorted = logprobs.clone();
    Arrays.sort(sorted);
    for (int r = 0; r < TOP; r++) {
      assertEquals(sorted[sorted.length - 1 - r], out.processedTopLogprob(r), 0f, "rank " + r);
    }
  }

  /**
   * The raw log-probability of the sampled token, and of every raw alternative, is the log-softmax
   * of the input on the scalar kernels, bit for bit, whichever kernels the sampler uses.
   */
  @Property(tries = TRIES)
  void rawLogprobIsTheScalarLogSoftmaxBitForBit(@ForAll("logits") TestLogits.Case logits,
      @ForAll("chains") Chain chain, @ForAll long seed) {
    float[] x = logits.values();
    TokenLogprobs out = new TokenLogprobs(TOP);
    int token = chain.sampler(x.length, seed).sample(x, out);
    float[] expected = scalarLogSoftmax(x);
    assertEquals(Float.floatToRawIntBits(expected[token]),
        Float.floatToRawIntBits(out.rawLogprob()), "token " + token + ": " + expected[token] + " vs " + out.rawLogprob());
    for (int r = 0; r < out.rawTopCount(); r++) {
      int id = out.rawTopId(r);
      assertEquals(Float.floatToRawIntBits(expected[id]),
          Float.floatToRawIntBits(out.rawTopLogprob(r)), "raw alternative " + r + ", id " + id);
    }
  }

  /**
   * The alternatives are listed in non-increasing order of log-probability with ties (equal
   * reported values) to the lower id; the raw ones are the top of the whole vocabulary (masked
   * tokens never listed), chosen among the tokens whose logit is at least the N-th largest.
   */
  @Property(tries = TRIES)
  void alternativesAreInOrderWithTiesToTheLowerId(
      @ForAll("logits") TestLogits.Case logits, @ForAll("chains") Chain chain,
      @ForAll long seed) {
    float[] x = logits.values();
    TokenLogprobs out = new TokenLogprobs(TOP);
    chain.sampler(x.length, seed).sample(x, out);
    float[] raw = scalarLogSoftmax(x);
    long[] byLogit = ranked(x);
    int unmasked = (int) Arrays.stream(byLogit).filter(key -> key != Long.MAX_VALUE).count();
    int listed = Math.min(TOP, unmasked);
    assertEquals(listed, out.rawTopCount(), "raw alternatives listed");
    float nthLogit = x[(int) (byLogit[listed - 1] & 0xffffffffL)];
    float[] eligible = raw.clone();
    for (int id = 0; id < x.length; id++) {
      if (!(x[id] >= nthLogit)) {
        eligible[id] = Float.NEGATIVE_INFINITY;
      }
    }
    long[] expected = ranked(eligible);
    int[] ids = new int[listed];
    float[] values = new float[listed];
    for (int r = 0; r < listed; r++) {
      ids[r] = out.rawTopId(r);
      values[r] = out.rawTopLogprob(r);
      assertEquals((int) (expected[r] & 0xffffffffL), ids[r], "raw rank " + r);
    }
    assertOrdered("raw", ids, values);
    ids = new int[out.processedTopCount()];
    values = new float[ids.length];
    for (int r = 0; r < ids.length; r++) {
      ids[r] = out.processedTopId(r);
      values[r] = out.processedTopLogprob(r);
    }
    assertOrdered("processed", ids, values);
  }

  /** Asking for log-probabilities, at any capacity, never changes the token stream. */
  @Property(tries = TRIES)
  void askingForLogprobsNeverChangesTheTokens(@ForAll("logits") TestLogits.Case logits,
      @ForAll("chains") Chain chain, @ForAll long seed,
      @ForAll @IntRange(min = 0, max = TOP) int capacity) {
    float[] x = logits.values();
    Sampler plain = chain.sampler(x.length, seed);
    Sampler recording = chain.sampler(x.length, seed);
    TokenLogprobs out = new TokenLogprobs(capacity);
    for (int step = 0; step < 6; step++) {
      int token = plain.sample(x);
      assertEquals(token, recording.sample(x, out), "step " + step);
      assertEquals(token, out.token(), "step " + step);
    }
  }

  // ---- helpers ----

  private static void assertOrdered(String what, int[] ids, float[] values) {
    for (int r = 1; r < ids.length; r++) {
      assertTrue(values[r - 1] > values[r] || values[r - 1] == values[r] && ids[r - 1] < ids[r],
          what + " rank " + r + ": " + ids[r - 1] + ":" + values[r - 1] + " then " + ids[r] + ":"
              + values[r]);
    }
  }

  /** The log-softmax of the logits on the scalar kernels, as a reference. */
  private static float[] scalarLogSoftmax(float[] x) {
    Kernels scalar = new ScalarKernels();
    float max = scalar.max(x, 0, x.length);
    double sum = scalar.expSum(x, 0, x.length, max, 1f, null,
        new float[(x.length + Kernels.BLOCK - 1) / Kernels.BLOCK]);
    float[] out = new float[x.length];
    scalar.logSoftmax(x, 0, x.length, max, 1f, (float) Math.log(sum), out);
    return out;
  }

  /**
   * Token ids ranked by decreasing value, ties by increasing id, as sortable keys whose low 32 bits
   * are the id; {@code -Infinity} values get {@link Long#MAX_VALUE} and come last.
   */
  private static long[] ranked(float[] values) {
    long[] keys = new long[values.length];
    for (int id = 0; id < values.length; id++) {
      if (values[id] == Float.NEGATIVE_INFINITY) {
        keys[id] = Long.MAX_VALUE;
      } else {
        int bits = Float.floatToIntBits(values[id] + 0f);
        int ordered = bits >= 0 ? bits : bits ^ 0x7fffffff;
        keys[id] = (-(long) ordered << 32) + id;
      }
    }
    Arrays.sort(keys);
    return keys;
  }
}
