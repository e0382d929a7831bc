package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.ChiSquare;
import dev.tokensampler.TestLogits;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Goodness of fit of sampled token frequencies, for every stochastic configuration of the
 * truncating stages, to the exact distribution computed independently (sorts and double
 * precision: {@link ReferenceTruncation}, XTC's mixture, mirostat's cut at a fixed {@code mu}),
 * with Pearson's chi-square at {@code alpha = 1e-4} and fixed seeds. Mirostat runs with
 * {@code eta = 0}, so {@code mu} stays at {@code 2 tau} and every step has the same distribution
 * (its update is tested in {@link MirostatTest}). A negative control shows the test has power.
 */
class TruncationChiSquareTest {
  private static final double ALPHA = 1e-4;
  private static final int V = 40;
  private static final int DRAWS = 40_000;
  private static final float[] LOGITS = TestLogits.gaussian(new Random(4321), V, 1.5);
  private static final int[] ALL = IntStream.range(0, V).toArray();

  static Stream<Arguments> chains() {
    return Stream.of(
        chain("min_p 0.1 after T 0.8", b -> b.temperature(0.8f).stage(new MinP(0.1f)),
            () -> renormalised(ref(1.25).minP(0.1, 1), 1.25)),
        chain("typical 0.8", b -> b.stage(new TypicalP(0.8f)),
            () -> renormalised(ref(1).typical(0.8, 1), 1)),
        chain("epsilon 0.01", b -> b.stage(new EpsilonCutoff(0.01f)),
            () -> renormalised(ref(1).epsilon(0.01, 1), 1)),
        chain("eta 0.02", b -> b.stage(new EtaCutoff(0.02f)),
            () -> renormalised(ref(1).eta(0.02, 1), 1)),
        chain("top_n_sigma 1.5, T 1.3", b -> b.stage(new TopNSigma(1.5f)).temperature(1.3f),
            () -> renormalised(ref(1).topNSigma(1.5), 1 / 1.3)),
        chain("top-k 20, min_p 0.05", b -> b.topK(20).stage(new MinP(0.05f)),
            () -> renormalised(refTopK(20).minP(0.05, 1), 1)),
        chain("dynatemp 1 +- 0.5, exponent 1",
            b -> b.stage(new DynamicTemperature(1f, 0.5f, 1f)),
            TruncationChiSquareTest::dynamicTemperature),
        chain("xtc 0.5, 0.08", b -> b.stage(new Xtc(0.5f, 0.08f)),
            () -> xtcMixture(0.5, 0.08)),
        chain("xtc 1, 0.05, T 0.7", b -> b.temperature(0.7f).stage(new Xtc(1f, 0.05f)),
            () -> renormalised(ref(1 / 0.7).xtc(0.05, 1), 1 / 0.7)),
        chain("mirostat v2 tau 2", b -> b.stage(new MirostatV2(2f, 0f)),
            () -> mirostatV2(2)),
        chain("mirostat v1 tau 3", b -> b.stage(new MirostatV1(3f, 0f)),
            () -> mirostatV1(3, 100, V)),
        chain("mirostat v1 tau 2, m 5 after top-k 30",
            b -> b.topK(30).stage(new MirostatV1(2f, 0f, 5)), () -> mirostatV1(2, 5, 30)));
  }

  private static Arguments chain(String name,
      Function<SamplerConfig.Builder, SamplerConfig.Builder> config,
      java.util.function.Supplier<double[]> expected) {
    return Arguments.of(name, config.apply(SamplerConfig.builder()).build(), expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chains")
  void frequenciesFitTheExactDistribution(
      String name, SamplerConfig config, java.util.function.Supplier<double[]> expected) {
    double[] q = expected.get();
    int[] counts = sample(config, name.hashCode());
    for (int t = 0; t < V; t++) {
      int token = t;
      assertTrue(counts[t] == 0 || q[t] > 0,
          () -> name + ": token " + token + " sampled " + counts[token] + " times, outside");
    }
    ChiSquare.Bins bins = ChiSquare.perToken(counts, q, DRAWS);
    double statistic = bins.statistic();
    double critical = ChiSquare.criticalValue(bins.degreesOfFreedom(), ALPHA);
    System.out.printf("TruncationChiSquareTest %s: chi2 = %.2f, df = %d, critical = %.2f%n",
        name, statistic, bins.degreesOfFreedom(), critical);
    assertTrue(bins.degreesOfFreedom() >= 2, name + ": too few bins");
    assertTrue(statistic < critical, name + ": chi2 " + statistic + " >= " + critical);
  }

  /** XTC at probability 0.5 does not fit either of the two distributions it mixes. */
  @Test
  void xtcFrequenciesFitNeitherComponentAlone() {
    int[] counts = sample(SamplerConfig.builder().stage(new Xtc(0.5f, 0.08f)).build(), 7);
    for (double[] component : new double[][] {
        renormalised(ref(1).xtc(0.08, 1), 1), renormalised(ALL, 1)}) {
      ChiSquare.Bins bins = ChiSquare.perToken(counts, component, DRAWS);
      assertTrue(bins.statistic() > ChiSquare.criticalValue(bins.degreesOfFreedom(), ALPHA),
          "chi2 " + bins.statistic() + ": the test has no power here");
    }
  }

  private static int[] sample(SamplerConfig config, long seed) {
    Sampler sampler = config.newSampler(seed);
    int[] counts = new int[V];
    for (int i = 0; i < DRAWS; i++) {
      counts[sampler.sample(LOGITS)]++;
    }
    return counts;
  }

  private static ReferenceTruncation ref(double scale) {
    return new ReferenceTruncation(LOGITS, ALL, scale);
  }

  private static ReferenceTruncation refTopK(int k) {
    int[] sorted = ReferenceSelection.sortedByLogit(LOGITS, ALL);
    return new ReferenceTruncation(
        LOGITS, Arrays.copyOf(sorted, ReferenceSelection.topK(LOGITS, sorted, k)), 1);
  }

  private static double[] renormalised(ReferenceTruncation.Kept kept, double scale) {
    assertTrue(!kept.fragile(), "the test logits sit on a boundary");
    return renormalised(kept.kept(), scale);
  }

  /** softmax of {@code LOGITS * scale} over {@code ids}, zero elsewhere. */
  private static double[] renormalised(int[] ids, double scale) {
    double max = Arrays.stream(ids).mapToDouble(id -> LOGITS[id]).max().getAsDouble();
    double[] q = new double[V];
    double sum = 0;
    for (int id : ids) {
      q[id] = Math.exp((LOGITS[id] - max) * scale);
      sum += q[id];
    }
    for (int id : ids) {
      q[id] /= sum;
    }
    return q;
  }

  private static double[] dynamicTemperature() {
    double t = new DynamicTemperature(1f, 0.5f, 1f).temperatureFor(ref(1).entropy() / Math.log(V));
    assertTrue(t > 0.5 && t < 1.5, "t = " + t);
    return renormalised(ALL, 1 / t);
  }

  private static double[] xtcMixture(double probability, double threshold) {
    double[] cut = renormalised(ref(1).xtc(threshold, 1), 1);
    double[] full = renormalised(ALL, 1);
    assertTrue(!Arrays.equals(cut, full), "XTC removes nothing on the test logits");
    double[] q = new double[V];
    for (int t = 0; t < V; t++) {
      q[t] = probability * cut[t] + (1 - probability) * full[t];
    }
    return q;
  }

  /** Keeps {@code p_i >= 2^-mu} with {@code mu = 2 tau}, at least the most probable token. */
  private static double[] mirostatV2(double tau) {
    double[] p = renormalised(ALL, 1);
    double bound = Math.pow(2, -2 * tau);
    int[] kept = IntStream.range(0, V).filter(t -> p[t] >= bound).toArray();
    assertTrue(kept.length > 1 && kept.length < V, "cut keeps " + kept.length);
    for (double x : p) {
      assertTrue(Math.abs(x / bound - 1) > 1e-4, "a token sits on the cut");
    }
    return renormalised(kept, 1);
  }

  /**
   * The top {@code k} of llama.cpp's Zipf estimate from the top {@code m} of the {@code n}
   * largest logits, then its softmax.
   */
  private static double[] mirostatV1(double tau, int m, int n) {
    int[] sorted = ReferenceSelection.sortedByLogit(LOGITS, ALL);
    double sumTb = 0;
    double sumTt = 0;
    for (int i = 0; i < Math.min(m, n) - 1; i++) {
      double t = Math.log((i + 2) / (double) (i + 1));
      double b = LOGITS[sorted[i]] - LOGITS[sorted[i + 1]];
      sumTb += t * b;
      sumTt += t * t;
    }
    double sHat = sumTb / sumTt;
    double epsilon = sHat - 1;
    double k = Math.pow(
        epsilon * Math.pow(2, 2 * tau) / (1 - Math.pow(V, -epsilon)), 1 / sHat);
    assertTrue(k > 1 && k < n && Math.abs(k - Math.rint(k)) > 1e-3, "k = " + k);
    int keep = (int) k;
    return renormalised(Arrays.copyOf(sorted, keep), 1);
  }
}
