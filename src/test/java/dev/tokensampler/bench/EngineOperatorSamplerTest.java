package dev.tokensampler.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The baseline of {@link DjlAdapterBenchmark} samples what it claims: over a small vocabulary, the
 * frequencies of 5,000 draws (fixed seed) match the chain's probabilities computed here in double
 * precision, to within 0.025 (3.5 standard deviations at p = 0.5), and tokens outside the kept
 * set never appear.
 */
class EngineOperatorSamplerTest {
  private static final float[] LOGITS = {1.5f, -0.5f, 3f, 0.25f, 2.5f, -2f, 1f, 0f};
  private static final float T = 0.8f;
  private static final int DRAWS = 5_000;
  private static NDManager manager;

  @BeforeAll
  static void start() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void stop() {
    manager.close();
  }

  /** Softmax of x / T over the tokens with {@code kept[i]}. */
  private static double[] expected(boolean[] kept) {
    double[] p = new double[LOGITS.length];
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = kept[i] ? Math.exp(LOGITS[i] / T) : 0;
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  private static void assertFrequencies(EngineOperatorSampler sampler, double[] expected) {
    for (DataType type : new DataType[] {DataType.FLOAT32, DataType.FLOAT16}) {
      // Logits on a 1/4 grid are exact in float16: both types have the same distribution.
      NDArray logits = manager.create(LOGITS, new Shape(1, 1, LOGITS.length)).toType(type, false);
      SplittableRandom random = new SplittableRandom(3);
      int[] counts = new int[LOGITS.length];
      for (int n = 0; n < DRAWS; n++) {
        counts[sampler.sample(logits, random.nextDouble())]++;
      }
      for (int i = 0; i < LOGITS.length; i++) {
        if (expected[i] == 0) {
          assertEquals(0, counts[i], type + ": token " + i + " is outside the kept set");
        } else {
          assertEquals(expected[i], (double) counts[i] / DRAWS, 0.025, type + ": token " + i);
        }
      }
    }
  }

  @Test
  void temperatureDrawsFromTheSoftmax() {
    boolean[] all = new boolean[LOGITS.length];
    Arrays.fill(all, true);
    assertFrequencies(new EngineOperatorSampler(T, 0, 1f), expected(all));
  }

  @Test
  void topKDrawsFromTheKLargest() {
    // The 3 largest logits: 3, 2.5, 1.5.
    boolean[] top3 = {true, false, true, false, true, false, false, false};
    assertFrequencies(new EngineOperatorSampler(T, 3, 1f), expected(top3));
  }

  @Test
  void topPKeepsTheTokenThatCrossesTheMass() {
    boolean[] all = new boolean[LOGITS.length];
    Arrays.fill(all, true);
    double[] p = expected(all);
    // In decreasing order: token 2 (p = 0.543), token 4 (0.291), token 0 (0.083), ...; with
    // top_p = 0.9 the first two hold 0.834, so token 0 crosses 0.9 and is kept.
    assertTrue(p[2] + p[4] < 0.9 && p[2] + p[4] + p[0] > 0.9, "the test's premise");
    boolean[] nucleus = {true, false, true, false, true, false, false, false};
    assertFrequencies(new EngineOperatorSampler(T, 0, 0.9f), expected(nucleus));
  }
}
