package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Goodness of fit of sampled token frequencies to the exact truncated, renormalised distribution
 * of each stochastic chain ({@link ReferenceDistribution}), with Pearson's chi-square at
 * {@code alpha = 1e-4}. Seeds are fixed, so every outcome is deterministic. Negative controls
 * show that the statistic rejects a wrong distribution.
 */
class ChiSquareTest {
  private static final double ALPHA = 1e-4;
  private static final int SMALL_VOCABULARY = 40;
  private static final int SMALL_DRAWS = 60_000;
  private static final int LARGE_VOCABULARY = 32000;
  private static final int LARGE_DRAWS = 15_000;
  private static final int LARGE_BINS = 30;
  /** A top-p boundary this close to p (relative) would make the small-vocabulary set ambiguous. */
  private static final double MIN_MARGIN = 1e-3;
  /** Relative slack of p for the set of tokens a large-vocabulary top-p may return. */
  private static final double SUPPORT_SLACK = 1e-5;

  private static final float[] SMALL_LOGITS =
      TestLogits.gaussian(new Random(1234), SMALL_VOCABULARY, 1.5);
  private static final float[] LARGE_LOGITS =
      TestLogits.gaussian(new Random(5678), LARGE_VOCABULARY, 2.5);

  static Stream<Arguments> smallVocabularyChains() {
    return Stream.of(
        chain("softmax", SamplerConfig.builder(), r -> r),
        chain("temperature 0.7", SamplerConfig.builder().temperature(0.7f),
            r -> r.temperature(0.7)),
        chain("temperature 1.5", SamplerConfig.builder().temperature(1.5f),
            r -> r.temperature(1.5)),
        chain("top-k 5, temperature 0.8", SamplerConfig.builder().topK(5).temperature(0.8f),
            r -> r.topK(5).temperature(0.8)),
        chain("top-p 0.9", SamplerConfig.builder().topP(0.9f), r -> r.topP(0.9)),
        chain("top-k 12, top-p 0.9", SamplerConfig.builder().topK(12).topP(0.9f),
            r -> r.topK(12).topP(0.9)),
        chain("top-k 20, top-p 0.8, temperature 1.3",
            SamplerConfig.builder().topK(20).topP(0.8f).temperature(1.3f),
            r -> r.topK(20).topP(0.8).temperature(1.3)));
  }

  static Stream<Arguments> largeVocabularyChains() {
    return Stream.of(
        chain("top-p 0.9", SamplerConfig.builder().topP(0.9f), r -> r.topP(0.9)),
        chain("top-k 40", SamplerConfig.builder().topK(40), r -> r.topK(40)));
  }

  private static Arguments chain(
      String name, SamplerConfig.Builder config, UnaryOperator<ReferenceDistribution> reference) {
    return Arguments.of(name, config.build(), reference);
  }

  @ParameterizedTest(name = "V=40: {0}")
  @MethodSource("smallVocabularyChains")
  void smallVocabularyFrequenciesFitTheExactDistribution(
      String name, SamplerConfig config, UnaryOperator<ReferenceDistribution> reference) {
    ReferenceDistribution exact = reference.apply(new ReferenceDistribution(SMALL_LOGITS, 0));
    assertTrue(exact.smallestMargin() > MIN_MARGIN,
        "the top-p boundary of the test logits is ambiguous: " + exact.smallestMargin());
    double[] q = exact.probabilities();
    int[] counts = sample(config, SMALL_LOGITS, SMALL_DRAWS, name.hashCode());
    assertInSupport(name, counts, q);
    assertFits("V=40 " + name, ChiSquare.perToken(counts, q, SMALL_DRAWS));
  }

  @ParameterizedTest(name = "V=32000: {0}")
  @MethodSource("largeVocabularyChains")
  void largeVocabularyFrequenciesFitTheExactDistributionByRankBins(
      String name, SamplerConfig config, UnaryOperator<ReferenceDistribution> reference) {
    double[] q = reference.apply(new ReferenceDistribution(LARGE_LOGITS, 0)).probabilities();
    double[] support =
        reference.apply(new ReferenceDistribution(LARGE_LOGITS, SUPPORT_SLACK)).probabilities();
    int[] counts = sample(config, LARGE_LOGITS, LARGE_DRAWS, name.hashCode());
    assertInSupport(name, counts, support);
    ChiSquare.Bins bins = ChiSquare.byRank(counts, q, LARGE_DRAWS, LARGE_BINS);
    assertTrue(bins.expected().length >= LARGE_BINS / 2, "bins: " + bins.expected().length);
    assertFits("V=32000 " + name, bins);
  }

  @Test
  void topKFrequenciesDoNotFitTheUntruncatedDistribution() {
    int[] counts = sample(SamplerConfig.builder().topK(5).temperature(0.8f).build(),
        SMALL_LOGITS, SMALL_DRAWS, 99);
    double[] untruncated =
        new ReferenceDistribution(SMALL_LOGITS, 0).temperature(0.8).probabilities();
    assertRejected("top-k 5 vs untruncated", ChiSquare.perToken(counts, untruncated, SMALL_DRAWS));
  }

  @Test
  void topPFrequenciesDoNotFitTheUntruncatedDistribution() {
    int[] counts =
        sample(SamplerConfig.builder().topP(0.9f).build(), SMALL_LOGITS, SMALL_DRAWS, 98);
    double[] untruncated = new ReferenceDistribution(SMALL_LOGITS, 0).probabilities();
    assertRejected("top-p 0.9 vs untruncated",
        ChiSquare.perToken(counts, untruncated, SMALL_DRAWS));
  }

  @Test
  void criticalValuesMatchClosedForms() {
    // df = 2: P(X > x) = exp(-x / 2).
    assertEquals(-2 * Math.log(ALPHA), ChiSquare.criticalValue(2, ALPHA), 1e-9);
    // df = 4: P(X > x) = exp(-x / 2) (1 + x / 2).
    double x4 = ChiSquare.criticalValue(4, ALPHA);
    assertEquals(ALPHA, Math.exp(-x4 / 2) * (1 + x4 / 2), 1e-12);
    // df = 6: P(X > x) = exp(-x / 2) (1 + x / 2 + x^2 / 8); large x uses the continued fraction.
    double x6 = ChiSquare.criticalValue(6, ALPHA);
    assertEquals(ALPHA, Math.exp(-x6 / 2) * (1 + x6 / 2 + x6 * x6 / 8), 1e-12);
    assertEquals(Math.exp(-1.5) * (1 + 1.5 + 1.125), ChiSquare.upperTail(3, 6), 1e-14);
    // Wilson-Hilferty with z(1 - 1e-4) = 3.719 agrees closely at larger df.
    for (int df : new int[] {29, 39}) {
      double h = 2.0 / (9 * df);
      double approximation = df * Math.pow(1 - h + 3.719016485 * Math.sqrt(h), 3);
      assertEquals(approximation, ChiSquare.criticalValue(df, ALPHA), 0.01 * approximation);
    }
  }

  private static int[] sample(SamplerConfig config, float[] logits, int draws, long seed) {
    Sampler sampler = config.newSampler(seed);
    int[] counts = new int[logits.length];
    for (int i = 0; i < draws; i++) {
      counts[sampler.sample(logits)]++;
    }
    return counts;
  }

  /** No token outside the truncated set was sampled. */
  private static void assertInSupport(String name, int[] counts, double[] support) {
    for (int t = 0; t < counts.length; t++) {
      if (counts[t] > 0) {
        int token = t;
        assertTrue(support[t] > 0,
            () -> name + ": token " + token + " sampled " + counts[token] + " times, outside");
      }
    }
  }

  private static void assertFits(String name, ChiSquare.Bins bins) {
    double statistic = bins.statistic();
    double critical = ChiSquare.criticalValue(bins.degreesOfFreedom(), ALPHA);
    System.out.printf("ChiSquareTest %s: chi2 = %.2f, df = %d, critical = %.2f%n",
        name, statistic, bins.degreesOfFreedom(), critical);
    assertTrue(bins.degreesOfFreedom() >= 3, name + ": too few bins");
    assertTrue(statistic < critical,
        name + ": chi2 " + statistic + " >= " + critical + " (df " + bins.degreesOfFreedom() + ")");
  }

  private static void assertRejected(String name, ChiSquare.Bins bins) {
    double statistic = bins.statistic();
    double critical = ChiSquare.criticalValue(bins.degreesOfFreedom(), ALPHA);
    System.out.printf("ChiSquareTest %s: chi2 = %.2f, df = %d, critical = %.2f%n",
        name, statistic, bins.degreesOfFreedom(), critical);
    assertTrue(statistic > critical,
        name + ": chi2 " + statistic + " <= " + critical + ", the test has no power here");
  }
}
