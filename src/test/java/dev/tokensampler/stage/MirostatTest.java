package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.TestLogits;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mirostat 1 and 2: the token is selected by the stage, {@code mu} moves by
 * {@code -eta * (surprise - tau)} with the surprise of the selected token under the truncated
 * distribution, and the state behaves under reset, copy, save and restore.
 */
class MirostatTest {
  private static final int V = 300;
  private static final float[] LOGITS = TestLogits.gaussian(new Random(77), V, 2.0);

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void mirostatV2SelectsFromTheCutAndUpdatesMu(TruncationPath path) {
    for (long seed = 0; seed < 20; seed++) {
      MirostatV2 stage = new MirostatV2(3f, 0.1f);
      assertEquals(6f, stage.mu());
      Candidates c = path.start(LOGITS, seed);
      stage.apply(c);
      assertTrue(c.isSelected());
      int token = c.selectedId();
      double[] p = softmax(IntStream.range(0, V).toArray());
      int[] cut = IntStream.range(0, V).filter(t -> p[t] >= Math.pow(2, -6)).toArray();
      assertTrue(cut.length > 1 && Arrays.binarySearch(cut, token) >= 0, "token " + token);
      double q = softmax(cut)[token];
      float expected = 6f - 0.1f * ((float) (-Math.log(q) / Math.log(2)) - 3f);
      assertEquals(expected, stage.mu(), 1e-5, "seed " + seed);
    }
  }

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void mirostatV1SelectsFromTheTopKAndUpdatesMu(TruncationPath path) {
    int[] sorted = ReferenceSelection.sortedByLogit(LOGITS, IntStream.range(0, V).toArray());
    double sumTb = 0;
    double sumTt = 0;
    for (int i = 0; i < 99; i++) {
      double t = Math.log((i + 2) / (double) (i + 1));
      sumTb += t * (LOGITS[sorted[i]] - LOGITS[sorted[i + 1]]);
      sumTt += t * t;
    }
    double sHat = sumTb / sumTt;
    int k = (int) MirostatV1.k(sHat, 8, V);
    assertTrue(k > 1 && k < V, "k = " + k);
    int[] top = Arrays.copyOf(sorted, k);
    for (long seed = 0; seed < 20; seed++) {
      MirostatV1 stage = new MirostatV1(4f, 0.2f);
      Candidates c = path.start(LOGITS, seed);
      stage.apply(c);
      int token = c.selectedId();
      int rank = IntStream.range(0, V).filter(i -> sorted[i] == token).findFirst().getAsInt();
      assertTrue(rank < k, "rank " + rank + " >= k " + k);
      double q = softmax(top)[token];
      float expected = 8f - 0.2f * ((float) (-Math.log(q) / Math.log(2)) - 4f);
      assertEquals(expected, stage.mu(), 1e-5, "seed " + seed);
    }
  }

  @Test
  void kFollowsTheFormulaAndItsLimit() {
    double epsilon = 0.3;
    assertEquals(Math.pow(epsilon * 16 / (1 - Math.pow(1000, -epsilon)), 1 / 1.3),
        MirostatV1.k(1.3, 4, 1000), 1e-9);
    assertEquals(Math.pow(16 / Math.log(1000), 1), MirostatV1.k(1, 4, 1000), 1e-9);
    assertEquals(MirostatV1.k(1, 4, 1000), MirostatV1.k(1 + 1e-9, 4, 1000), 1e-5);
  }

  @Test
  void muConvergesSoThatTheAverageSurpriseIsTau() {
    for (Stage prototype : new Stage[] {new MirostatV2(4f, 0.1f), new MirostatV1(4f, 0.1f)}) {
      Sampler sampler = SamplerConfig.builder().stage(prototype).build().newSampler(5);
      double surprise = 0;
      int steps = 4000;
      for (int i = 0; i < steps; i++) {
        float[] logits = TestLogits.gaussian(new Random(i % 50), V, 2.5);
        int token = sampler.sample(logits);
        if (i >= steps / 2) {
          surprise += -Math.log(softmax(logits, IntStream.range(0, V).toArray())[token])
              / Math.log(2);
        }
      }
      // Under the full distribution the average surprise of the sampled tokens is close to tau
      // (a little below, since the cut removes the surprising tail that tau is measured on).
      double average = surprise / (steps / 2);
      assertEquals(4.0, average, 0.6, prototype + ": average surprise " + average);
    }
  }

  @Test
  void promptTokensDoNotMoveMu() {
    MirostatV2 stage = new MirostatV2(3f, 0.5f);
    stage.accept(5);
    stage.accept(7);
    assertEquals(6f, stage.mu());
  }

  @Test
  void resetReturnsToTwiceTau() {
    for (Stage stage : new Stage[] {new MirostatV1(2.5f, 0.3f), new MirostatV2(2.5f, 0.3f)}) {
      stage.apply(TruncationPath.WHOLE_VOCABULARY.start(LOGITS, 1));
      assertNotEquals(5f, mu(stage));
      stage.reset();
      assertEquals(5f, mu(stage));
    }
  }

  @Test
  void copiesAreIndependentAndKeepMu() {
    for (Stage stage : new Stage[] {new MirostatV1(2.5f, 0.3f), new MirostatV2(2.5f, 0.3f)}) {
      stage.apply(TruncationPath.WHOLE_VOCABULARY.start(LOGITS, 1));
      float mu = mu(stage);
      Stage copy = stage.copy();
      assertEquals(mu, mu(copy));
      copy.apply(TruncationPath.WHOLE_VOCABULARY.start(LOGITS, 2));
      assertEquals(mu, mu(stage), "the original does not move with its copy");
      assertEquals(stage.toString(), copy.toString());
    }
  }

  @Test
  void saveAndRestoreContinueTheSequence() {
    for (Stage stage : new Stage[] {new MirostatV1(3f, 0.2f), new MirostatV2(3f, 0.2f)}) {
      SamplerConfig config = SamplerConfig.builder().temperature(0.9f).stage(stage).build();
      Sampler original = config.newSampler(11);
      for (int i = 0; i < 25; i++) {
        original.sample(logits(i));
      }
      byte[] state = original.saveState();
      Sampler restored = config.newSampler(99);
      restored.sample(logits(3));
      restored.restoreState(state);
      int[] expected = IntStream.range(25, 60).map(i -> original.sample(logits(i))).toArray();
      int[] actual = IntStream.range(25, 60).map(i -> restored.sample(logits(i))).toArray();
      assertArrayEquals(expected, actual, stage.toString());
    }
  }

  @Test
  void restoreRejectsANonFiniteMuAndKeepsTheState() throws IOException {
    for (Stage stage : new Stage[] {new MirostatV1(3f, 0.2f), new MirostatV2(3f, 0.2f)}) {
      for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new DataOutputStream(bytes).writeFloat(bad);
        IOException e = assertThrows(IOException.class, () -> stage.restoreState(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(e.getMessage().contains("mu") && e.getMessage().contains(String.valueOf(bad)),
            e.getMessage());
        assertEquals(6f, mu(stage));
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      new DataOutputStream(bytes).writeFloat(1.25f);
      stage.restoreState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      assertEquals(1.25f, mu(stage));
      ByteArrayOutputStream saved = new ByteArrayOutputStream();
      stage.saveState(new DataOutputStream(saved));
      assertArrayEquals(bytes.toByteArray(), saved.toByteArray());
    }
  }

  /**
   * Found by fuzzing: {@code mirostat_tau = Float.MAX_VALUE} started {@code mu} at +Infinity, a
   * state the stage's own restore rejects. A huge tau or eta now keeps {@code mu} finite (a huge
   * tau at the largest float, which cuts nothing, as the infinity did), and the state
   * round-trips.
   */
  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void hugeParametersKeepMuFiniteAndTheStateRestorable(TruncationPath path) throws IOException {
    float max = Float.MAX_VALUE;
    for (Stage stage : new Stage[] {new MirostatV1(max, 0.1f), new MirostatV2(max, 0.1f),
        new MirostatV1(3f, max), new MirostatV2(3f, max)}) {
      boolean hugeTau = stage.toString().contains("tau=" + max);
      for (long seed = 0; seed < 8; seed++) {
        Candidates c = path.start(LOGITS, seed);
        stage.apply(c);
        assertTrue(c.isSelected());
        assertTrue(Float.isFinite(mu(stage)), stage + ": mu " + mu(stage) + ", seed " + seed);
        if (hugeTau) {
          assertEquals(max, mu(stage), stage.toString());
          assertEquals(V, c.size(), "no cut: " + stage);
        }
      }
      Stage copy = stage.copy();
      copy.reset();
      StageRun.restored(copy, StageRun.saved(stage));
      assertEquals(mu(stage), mu(copy), "restored " + stage);
    }
    assertEquals(5f, Mirostat.updatedMu(5f, 3f, 0f, 0f), "eta 0 with q rounded to 0");
    assertEquals(5f - (149f - 3f), Mirostat.updatedMu(5f, 3f, 1f, 0f),
        "q rounded to 0 counts as Float.MIN_VALUE: 149 bits");
  }

  private static float[] logits(int step) {
    return TestLogits.gaussian(new Random(step), V, 2.0);
  }

  private static float mu(Stage stage) {
    return stage instanceof MirostatV1 ? ((MirostatV1) stage).mu() : ((MirostatV2) stage).mu();
  }

  private static double[] softmax(int[] ids) {
    return softmax(LOGITS, ids);
  }

  private static double[] softmax(float[] logits, int[] ids) {
    double max = Arrays.stream(ids).mapToDouble(id -> logits[id]).max().getAsDouble();
    double[] q = new double[logits.length];
    double sum = 0;
    for (int id : ids) {
      q[id] = Math.exp(logits[id] - max);
      sum += q[id];
    }
    for (int id : ids) {
      q[id] /= sum;
    }
    return q;
  }
}
