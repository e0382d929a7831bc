package dev.tokensampler.samples.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The experiment loop and its measures on a stand-in model ({@link BigramTestModel}) on the
 * PyTorch engine: the measures are computed as defined, runs are reproducible, and the strategies
 * differ the way they must (greedy repeats itself across samples and picks likelier tokens).
 */
class ExperimentRunnerTest {
  private static final List<int[]> PROMPTS =
      List.of(new int[] {5, 9}, new int[] {42}, new int[] {7});
  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  private static ExperimentRunner runner() {
    return new ExperimentRunner(new BigramTestModel(300), manager, 20, 3, 11L);
  }

  @Test
  void metricsFollowTheirDefinitions() {
    StrategyMetrics metrics = new StrategyMetrics();
    metrics.addContinuation(new int[] {1, 2, 1, 3, 1, 2, 99}, 6);
    // Tokens 1 2 1 3 1 2: 3 distinct of 6; repeats at positions 2, 4, 5; pairs 12 21 13 31 12.
    assertEquals(0.5, metrics.distinct1());
    assertEquals(0.5, metrics.repetitionRate());
    assertEquals(4.0 / 5, metrics.distinct2());
    metrics.addStep(2.0, -1.0, 3_000);
    metrics.addStep(1.0, -2.0, 1_000);
    assertEquals(1.5, metrics.meanEntropy());
    assertEquals(-1.5, metrics.meanLogProbability());
    assertEquals(2.0, metrics.microsPerToken());
    assertEquals(6, metrics.tokens());
  }

  @Test
  void entropyOfUniformAndMaskedDistributions() {
    float quarter = (float) Math.log(0.25);
    assertEquals(Math.log(4),
        ExperimentRunner.entropy(new float[] {quarter, quarter, quarter, quarter}), 1e-6);
    float half = (float) Math.log(0.5);
    assertEquals(Math.log(2),
        ExperimentRunner.entropy(new float[] {half, Float.NEGATIVE_INFINITY, half}), 1e-6);
    assertEquals(0.0, ExperimentRunner.entropy(new float[] {0f, Float.NEGATIVE_INFINITY}));
  }

  @Test
  void strategiesAreReproducibleAndDifferAsTheyMust() {
    List<Strategy> strategies = Strategy.standard();
    ExperimentRunner.Result greedy = runner().run(strategies.get(0), PROMPTS);
    ExperimentRunner.Result hot = runner().run(strategies.get(2), PROMPTS);
    ExperimentRunner.Result hotAgain = runner().run(strategies.get(2), PROMPTS);
    assertEquals(PROMPTS.size() * 3, hot.continuations().size());
    for (int i = 0; i < hot.continuations().size(); i++) {
      assertArrayEquals(hot.continuations().get(i), hotAgain.continuations().get(i), "sample " + i);
      int[] continuation = hot.continuations().get(i);
      assertTrue(continuation.length >= 1 && continuation.length <= 20);
      for (int j = 0; j < continuation.length - 1; j++) {
        assertTrue(continuation[j] != 1, "generation stops at the end of sequence");
      }
    }
    // Greedy gives the same continuation for every sample of a prompt.
    for (int p = 0; p < PROMPTS.size(); p++) {
      assertArrayEquals(greedy.continuations().get(3 * p), greedy.continuations().get(3 * p + 2));
    }
    assertTrue(greedy.metrics().distinct2() < hot.metrics().distinct2(),
        greedy.metrics().distinct2() + " vs " + hot.metrics().distinct2());
    assertTrue(greedy.metrics().meanLogProbability() > hot.metrics().meanLogProbability(),
        greedy.metrics().meanLogProbability() + " vs " + hot.metrics().meanLogProbability());
    for (ExperimentRunner.Result result : List.of(greedy, hot)) {
      StrategyMetrics m = result.metrics();
      assertTrue(m.meanEntropy() > 0 && m.meanEntropy() < Math.log(300),
          "entropy " + m.meanEntropy());
      assertTrue(m.meanLogProbability() < 0);
      assertTrue(m.repetitionRate() >= 0 && m.repetitionRate() <= 1);
      assertTrue(m.microsPerToken() > 0);
    }
  }
}
