package dev.tokensampler.stage;

import static dev.tokensampler.stage.CandidatePath.logOf;
import static dev.tokensampler.stage.CandidatePath.probabilityOf;
import static dev.tokensampler.stage.TruncationPath.live;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.random.Seeds;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The published test values of Hugging Face transformers and llama.cpp for min-p, typical,
 * epsilon, eta, XTC and top-n-sigma, on both forms of the candidates.
 *
 * <p>Sources, copied into {@code src/test/resources/reference-vectors/}: {@code hf.md}
 * (transformers {@code tests/generation/test_logits_process.py} at commit
 * {@code 019af3ac65298aae51038a941c54a038a505bd57}: {@code test_min_p_dist_warper},
 * {@code test_typical_dist_warper}, {@code test_epsilon_dist_warper}, {@code test_eta_dist_warper},
 * with their [derived] values) and {@code llamacpp.md} (llama.cpp {@code tests/test-sampling.cpp}
 * at commit {@code c392e5094deaf2d1a7c18683214f007fad3fe42b}: sections 6, XTC, and 10,
 * top-n-sigma). The references mask removed tokens; here they leave the candidates and
 * probabilities are renormalised, so the checks compare the surviving tokens and their expected
 * probabilities renormalised over them (transformers' tolerance 1e-3, llama.cpp's 1e-5).
 */
class TruncationReferenceVectorsTest {
  private static final double HF_TOLERANCE = 1e-3;
  private static final double LLAMA_TOLERANCE = 1e-5;

  /** transformers' {@code ramp} rows of Top-p case B: {@code [-5..4]} and the same times 100. */
  private static final float[][] RAMP = {
    {-5, -4, -3, -2, -1, 0, 1, 2, 3, 4},
    {-500, -400, -300, -200, -100, 0, 100, 200, 300, 400}
  };

  // ---- Min-p: test_min_p_dist_warper ----

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void minPCaseA(TruncationPath path) {
    assertKeeps(path, new MinP(0.05f), new double[] {0.9, 0.0274, 0.047, 0.0274}, 0, 2);
    assertKeeps(path, new MinP(0.05f), new double[] {0.15, 0.3, 0.3, 0.25}, 0, 1, 2, 3);
    assertKeeps(path, new MinP(0.05f), new double[] {0.97, 0.01, 0.01, 0.01}, 0);
  }

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void minPCaseBKeepsMinTokensToKeep(TruncationPath path) {
    for (float[] row : RAMP) {
      Candidates c = path.start(row, 1);
      new MinP(0.9f, 2).apply(c);
      assertArrayEquals(new int[] {8, 9}, live(c), Arrays.toString(row));
    }
  }

  /** hf.md's suggested matrix: a token exactly at {@code min_p * p_max} is kept. */
  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void minPKeepsATokenExactlyAtTheBound(TruncationPath path) {
    assertKeeps(path, new MinP(0.1f), new double[] {0.5, 0.05, 0.45 - 1e-9}, 0, 1, 2);
    assertKeeps(path, new MinP(0.5f), new double[] {0.4, 0.2, 0.2, 0.2}, 0, 1, 2, 3);
  }

  // ---- Typical: test_typical_dist_warper ----

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void typicalCaseA(TruncationPath path) {
    assertKeeps(path, new TypicalP(0.5f), new double[] {0.97, 0.01, 0.01, 0.01}, 0);
    // The most likely token is dropped.
    assertKeeps(path, new TypicalP(0.5f), new double[] {0.4, 0.2, 0.2, 0.2}, 1, 2, 3);
  }

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void typicalCaseBKeepsEveryTokenOfAUniformRow(TruncationPath path) {
    float[] uniform = new float[5];
    Arrays.fill(uniform, 1f / 5);
    Candidates c = path.start(uniform, 1);
    new TypicalP(0.5f, 3).apply(c);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, live(c));
  }

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void typicalCaseCKeepsMinTokensToKeep(TruncationPath path) {
    for (float[] row : RAMP) {
      Candidates c = path.start(row, 1);
      new TypicalP(0.7f, 2).apply(c);
      assertArrayEquals(new int[] {8, 9}, live(c), Arrays.toString(row));
    }
  }

  // ---- Epsilon: test_epsilon_dist_warper ----

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void epsilonCaseA(TruncationPath path) {
    assertKeeps(path, new EpsilonCutoff(0.1f), new double[] {0.87, 0.099, 0.001, 0.03}, 0);
    assertKeeps(path, new EpsilonCutoff(0.1f), new double[] {0.4, 0.299, 0.101, 0.2},
        0, 1, 2, 3);
  }

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void epsilonCaseB(TruncationPath path) {
    int[][] expected = {{7, 8, 9}, {8, 9}};
    for (int r = 0; r < 2; r++) {
      Candidates c = path.start(RAMP[r], 1);
      new EpsilonCutoff(5e-2f, 2).apply(c);
      assertArrayEquals(expected[r], live(c), Arrays.toString(RAMP[r]));
    }
  }

  // ---- Eta: test_eta_dist_warper ----

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void etaCaseA(TruncationPath path) {
    assertKeeps(path, new EtaCutoff(0.0625f), new double[] {0.0, 0.1, 0.8, 0.1}, 1, 2, 3);
    assertKeeps(path, new EtaCutoff(0.0625f), new double[] {0.01, 0.04, 0.9, 0.05}, 2);
  }

  /** The [derived] entropies of hf.md and the cutoffs of transformers' comment. */
  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void etaEntropiesMatchTheDerivedValues(TruncationPath path) {
    EtaCutoff eta = new EtaCutoff(0.0625f);
    Candidates row0 = path.start(logOf(0.0, 0.1, 0.8, 0.1), 1);
    assertEquals(0.6390318, row0.stepWeights().entropy(), 1e-5);
    assertEquals(0.1319508, Math.sqrt(0.0625) * Math.exp(-row0.stepWeights().entropy()), 1e-5);
    assertEquals(0.0625, eta.cutoff(row0.stepWeights().entropy()), 0);
    Candidates row1 = path.start(logOf(0.01, 0.04, 0.9, 0.05), 1);
    assertEquals(0.4194178, row1.stepWeights().entropy(), 1e-5);
    assertEquals(0.1643574, Math.sqrt(0.0625) * Math.exp(-row1.stepWeights().entropy()), 1e-5);
  }

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void etaCaseB(TruncationPath path) {
    for (float[] row : RAMP) {
      Candidates c = path.start(row, 1);
      new EtaCutoff(0.1f, 2).apply(c);
      assertArrayEquals(new int[] {8, 9}, live(c), Arrays.toString(row));
    }
    assertEquals(1.0401524, path.start(RAMP[0], 1).stepWeights().entropy(), 1e-5);
  }

  // ---- XTC: llama.cpp section 6 ----

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void xtcVectors(TruncationPath path) {
    double[] probs = {0.4, 0.3, 0.2, 0.1};
    float[] thresholds = {0.09f, 0.19f, 0.29f, 0.39f};
    int[][] expected = {{3}, {2, 3}, {1, 2, 3}, {0, 1, 2, 3}};
    for (int i = 0; i < thresholds.length; i++) {
      for (float probability : new float[] {1f, 0.99f}) {
        Candidates c = path.start(logOf(probs), XTC_SEED);
        new Xtc(probability, thresholds[i]).apply(c);
        assertArrayEquals(expected[i], live(c), "xtc-" + (i + 1) + " p=" + probability);
        assertLlamaProbabilities(c, probs, expected[i]);
      }
    }
  }

  /** A seed whose XTC gate value is below 0.99 (llama.cpp's mt19937(0) gives 0.5488). */
  private static final long XTC_SEED = 3;

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void xtcSeedOpensTheGate(TruncationPath path) {
    long bits = Seeds.generator(XTC_SEED).nextLong();
    double gate = Seeds.uniform(Seeds.derive(bits, Xtc.SALT));
    assertTrue(gate < 0.99, "gate " + gate);
    assertEquals(bits, path.start(new float[] {0, 1}, XTC_SEED).randomBits());
  }

  // ---- Top-n-sigma: llama.cpp section 10 ----

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void topNSigmaVectors(TruncationPath path) {
    double[] probs = {0.1, 0.2, 0.3, 0.4};
    int[][] expected = {{2, 3}, {3}, {0, 1, 2, 3}};
    int[] n = {1, 0, 3};
    for (int i = 0; i < n.length; i++) {
      Candidates c = path.start(logOf(probs), 1);
      new TopNSigma(n[i]).apply(c);
      assertArrayEquals(expected[i], live(c), "nsig-" + (i + 1));
      assertLlamaProbabilities(c, probs, expected[i]);
    }
  }

  private static void assertKeeps(TruncationPath path, Stage stage, double[] probs, int... ids) {
    Candidates c = path.start(logOf(probs), 1);
    stage.apply(c);
    assertArrayEquals(ids, live(c), stage + " on " + Arrays.toString(probs));
    double kept = 0;
    for (int id : ids) {
      kept += probs[id];
    }
    for (int id : ids) {
      assertEquals(probs[id] / kept, probabilityOf(c, id), HF_TOLERANCE, stage + ", token " + id);
    }
  }

  private static void assertLlamaProbabilities(Candidates c, double[] probs, int[] ids) {
    double kept = 0;
    for (int id : ids) {
      kept += probs[id];
    }
    for (int id : ids) {
      assertEquals(probs[id] / kept, probabilityOf(c, id), LLAMA_TOLERANCE, "token " + id);
    }
  }
}
