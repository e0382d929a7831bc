package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.stage.FrequencyPresencePenalty;
import dev.tokensampler.stage.LogitBias;
import dev.tokensampler.stage.RepetitionPenalty;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Goodness of fit of a chain with history stages: logit bias, repetition penalty, frequency and
 * presence penalties, temperature 0.8, top-k 12, after a fixed prompt. Each draw resets the
 * sampler and feeds the prompt again, so draws are independent with one exact distribution,
 * computed here in double from the rules ({@link ReferenceDistribution} for temperature and
 * top-k). Pearson's chi-square at {@code alpha = 1e-4}, fixed seed; a negative control shows that
 * the unpenalised distribution is rejected.
 */
class PenaltyChiSquareTest {
  private static final double ALPHA = 1e-4;
  private static final int V = 40;
  private static final int DRAWS = 60_000;
  private static final int[] PROMPT = {3, 5, 5, 7, 11, 3, 5, 0};
  private static final float[] LOGITS = TestLogits.gaussian(new Random(4321), V, 1.5);

  private static SamplerConfig config() {
    return SamplerConfig.builder()
        .stage(new LogitBias(Map.of(2, 1.5f, 9, Float.NEGATIVE_INFINITY)))
        .stage(new RepetitionPenalty(1.8f, 64))
        .stage(new FrequencyPresencePenalty(0.4f, 0.2f, 64))
        .temperature(0.8f)
        .topK(12)
        .build();
  }

  /** The penalised logits, from the rules, in double. */
  private static float[] penalisedLogits() {
    int[] counts = new int[V];
    for (int token : PROMPT) {
      counts[token]++;
    }
    float[] out = new float[V];
    for (int t = 0; t < V; t++) {
      double x = LOGITS[t];
      if (t == 2) {
        x += 1.5;
      }
      if (t == 9) {
        x = Double.NEGATIVE_INFINITY;
      }
      if (counts[t] > 0) {
        x = x > 0 ? x / 1.8 : x * 1.8;
        x -= counts[t] * 0.4 + 0.2;
      }
      out[t] = (float) x;
    }
    return out;
  }

  private static int[] sample() {
    Sampler sampler = config().newSampler(2024L);
    int[] counts = new int[V];
    for (int i = 0; i < DRAWS; i++) {
      sampler.reset();
      for (int token : PROMPT) {
        sampler.accept(token);
      }
      counts[sampler.sample(LOGITS)]++;
    }
    return counts;
  }

  @Test
  void frequenciesFitThePenalisedDistributionAndNotTheRawOne() {
    int[] counts = sample();
    double[] q = new ReferenceDistribution(penalisedLogits(), 0).temperature(0.8).topK(12)
        .probabilities();
    for (int t = 0; t < V; t++) {
      assertTrue(counts[t] == 0 || q[t] > 0, "token " + t + " sampled outside the top 12");
    }
    ChiSquare.Bins fit = ChiSquare.perToken(counts, q, DRAWS);
    double critical = ChiSquare.criticalValue(fit.degreesOfFreedom(), ALPHA);
    System.out.printf("PenaltyChiSquareTest: chi2 = %.2f, df = %d, critical = %.2f%n",
        fit.statistic(), fit.degreesOfFreedom(), critical);
    assertTrue(fit.degreesOfFreedom() >= 5, "bins: " + fit.degreesOfFreedom());
    assertTrue(fit.statistic() < critical, "chi2 " + fit.statistic() + " >= " + critical);

    double[] raw = new ReferenceDistribution(LOGITS, 0).temperature(0.8).topK(12).probabilities();
    ChiSquare.Bins control = ChiSquare.perToken(counts, raw, DRAWS);
    double controlCritical = ChiSquare.criticalValue(control.degreesOfFreedom(), ALPHA);
    assertTrue(control.statistic() > controlCritical,
        "the unpenalised distribution should be rejected: chi2 " + control.statistic());
  }
}
