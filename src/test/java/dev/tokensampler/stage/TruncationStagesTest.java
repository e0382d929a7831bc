package dev.tokensampler.stage;

import static dev.tokensampler.stage.CandidatePath.probabilityOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.TestLogits;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Behaviour of the truncating stages beyond their reference values: dynamic temperature, the
 * disabled settings, candidates after a truncation, stages after a pending top-p nucleus, and
 * the caller's logits left unwritten.
 */
class TruncationStagesTest {
  private static final int V = 200;
  private static final float[] LOGITS = TestLogits.gaussian(new Random(31), V, 2.0);

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void dynamicTemperatureWithoutRangeIsThePlainTemperature(TruncationPath path) {
    Candidates dynamic = path.start(LOGITS, 1);
    new DynamicTemperature(0.7f, 0f, 1f).apply(dynamic);
    Candidates plain = path.start(LOGITS, 1);
    new Temperature(0.7f).apply(plain);
    for (int id = 0; id < V; id++) {
      assertEquals(probabilityOf(plain, id), probabilityOf(dynamic, id), 0f, "token " + id);
    }
  }

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void dynamicTemperatureFollowsTheEntropy(TruncationPath path) {
    double[] p = softmax(LOGITS, 1);
    double entropy = -Arrays.stream(p).map(x -> x * Math.log(x)).sum();
    double ratio = entropy / Math.log(V);
    DynamicTemperature stage = new DynamicTemperature(1f, 0.6f, 2f);
    double t = 0.4 + 1.2 * ratio * ratio;
    assertEquals(t, stage.temperatureFor(ratio), 1e-6);
    Candidates c = path.start(LOGITS, 1);
    stage.apply(c);
    double[] expected = softmax(LOGITS, 1 / t);
    for (int id = 0; id < V; id++) {
      assertEquals(expected[id], probabilityOf(c, id), 1e-5, "token " + id);
    }
  }

  /**
   * After top-n-sigma, dynamic temperature's {@code n} is the number of tokens top-n-sigma kept
   * (not the vocabulary size, as llama.cpp counts after its masking top-n-sigma), as the javadoc
   * of {@link DynamicTemperature} states; the two differ enough here to tell apart.
   */
  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void dynamicTemperatureAfterTopNSigmaCountsTheSurvivors(TruncationPath path) {
    float n = 1f;
    double mean = IntStream.range(0, V).mapToDouble(i -> LOGITS[i]).average().getAsDouble();
    double sigma = Math.sqrt(IntStream.range(0, V)
        .mapToDouble(i -> (LOGITS[i] - mean) * (LOGITS[i] - mean)).average().getAsDouble());
    double bound = LOGITS[argmax(LOGITS)] - n * sigma;
    float[] survivors = new float[V];
    int kept = 0;
    for (int id = 0; id < V; id++) {
      survivors[id] = LOGITS[id] >= bound ? LOGITS[id] : Float.NEGATIVE_INFINITY;
      kept += LOGITS[id] >= bound ? 1 : 0;
    }
    double[] p = softmax(survivors, 1);
    double entropy = -Arrays.stream(p).filter(x -> x > 0).map(x -> x * Math.log(x)).sum();
    DynamicTemperature stage = new DynamicTemperature(1f, 0.6f, 1f);
    double t = stage.temperatureFor(entropy / Math.log(kept));
    double llamaCppT = stage.temperatureFor(entropy / Math.log(V));
    assertTrue(kept > 1 && kept < V / 4 && t - llamaCppT > 0.1, kept + " kept, t " + t);
    Candidates c = path.start(LOGITS, 1);
    new TopNSigma(n).apply(c);
    stage.apply(c);
    double[] expected = softmax(survivors, 1 / t);
    for (int id = 0; id < V; id++) {
      assertEquals(expected[id], probabilityOf(c, id), 1e-5, "token " + id);
    }
  }

  @Test
  void dynamicTemperatureLimits() {
    DynamicTemperature stage = new DynamicTemperature(0.5f, 1f, 1f);
    assertEquals(0, stage.temperatureFor(0), 0);
    assertEquals(1.5, stage.temperatureFor(1), 0);
    assertEquals(1.5, stage.temperatureFor(1.0000001), 0, "clamped");
    assertEquals(1.5, new DynamicTemperature(0.5f, 1f, 0f).temperatureFor(0.3), 0);
    // A point mass (the other weights underflow to 0) has entropy 0: t = max(0, T - range) = 0
    // selects the largest logit.
    float[] peaked = new float[V];
    Arrays.fill(peaked, -200f);
    peaked[17] = 0f;
    peaked[18] = -150f;
    Candidates c = TruncationPath.WHOLE_VOCABULARY.start(peaked, 1);
    stage.apply(c);
    assertTrue(c.isSelected());
    assertEquals(17, c.selectedId());
    Candidates greedy = TruncationPath.EXPLICIT.start(LOGITS, 1);
    new DynamicTemperature(0f, 0f, 1f).apply(greedy);
    assertEquals(argmax(LOGITS), greedy.selectedId());
  }

  @Test
  void uniformLogitsGetTheLargestTemperature() {
    float[] flat = new float[V];
    Candidates c = TruncationPath.WHOLE_VOCABULARY.start(flat, 1);
    new DynamicTemperature(1f, 0.5f, 1f).apply(c);
    assertEquals(1f / V, c.probability(0), 1e-7f);
    assertEquals(1 / 1.5, c.logitView().scale(), 1e-6, "t_max = 1.5");
  }

  /**
   * Found by a property test: on the whole vocabulary, XTC counted a masked token towards
   * {@code min_tokens_to_keep} and left one token where two were asked for.
   */
  @Test
  void xtcCountsOnlyUnmaskedCandidatesTowardsMinTokensToKeep() {
    float[] logits = {0.8f, 1.4f, Float.NEGATIVE_INFINITY}; // p = 0.35, 0.65, 0
    for (TruncationPath path : TruncationPath.values()) {
      Candidates kept = path.start(logits, 0);
      new Xtc(1f, 0.3f, 2).apply(kept);
      assertArrayEquals(new int[] {0, 1}, TruncationPath.live(kept), path + ", min_keep 2");
      Candidates cut = path.start(logits, 0);
      new Xtc(1f, 0.3f, 1).apply(cut);
      assertArrayEquals(new int[] {0}, TruncationPath.live(cut), path + ", min_keep 1");
    }
  }

  @Test
  void disabledSettingsLeaveTheWholeVocabulary() {
    for (Stage stage : new Stage[] {
        new MinP(0f), new TypicalP(1f), new Xtc(0f, 0.1f), new DynamicTemperature(1f, 0f, 1f)}) {
      Candidates c = new Candidates(V);
      c.reset(LOGITS, 0);
      stage.apply(c);
      assertTrue(c.isWholeVocabulary(), stage.toString());
      assertEquals(V, c.size());
    }
  }

  @Test
  void statelessStagesAreTheirOwnCopies() {
    for (Stage stage : new Stage[] {new MinP(0.1f), new TypicalP(0.9f), new EpsilonCutoff(0.01f),
        new EtaCutoff(0.01f), new TopNSigma(1f), new Xtc(0.5f, 0.1f),
        new DynamicTemperature(1f, 0.5f, 1f)}) {
      assertSame(stage, stage.copy());
    }
  }

  /** After a truncation the survivors are explicit and a later stage sees only them. */
  @Test
  void laterStagesWorkOnTheSurvivors() {
    Candidates c = TruncationPath.WHOLE_VOCABULARY.start(LOGITS, 1);
    new MinP(0.05f).apply(c);
    assertFalse(c.isWholeVocabulary());
    int afterMinP = c.size();
    assertTrue(afterMinP > 1 && afterMinP < V, "kept " + afterMinP);
    double kept = 0;
    double[] p = softmax(LOGITS, 1);
    for (int i = 0; i < c.size(); i++) {
      kept += p[c.id(i)];
    }
    for (int i = 0; i < c.size(); i++) {
      assertEquals(p[c.id(i)] / kept, c.probability(i), 1e-6);
    }
    new EpsilonCutoff(0.5f / afterMinP).apply(c);
    assertTrue(c.size() < afterMinP && c.size() >= 1);
  }

  /** A pending top-p nucleus is made explicit first, so min-p sees the nucleus only. */
  @Test
  void stagesAfterAPendingNucleusSeeTheNucleus() {
    int[] all = IntStream.range(0, V).toArray();
    int[] sorted = ReferenceSelection.sortedByLogit(LOGITS, all);
    int nucleus = ReferenceSelection.topP(LOGITS, sorted, V, 0.8, 1).count();
    int[] nucleusIds = Arrays.copyOf(sorted, nucleus);
    for (Stage stage : new Stage[] {new MinP(0.2f), new TypicalP(0.6f), new EtaCutoff(0.05f)}) {
      Candidates c = new Candidates(V);
      c.reset(LOGITS, 0);
      new TopP(0.8f).apply(c);
      stage.apply(c);
      ReferenceTruncation reference = new ReferenceTruncation(LOGITS, nucleusIds, 1);
      ReferenceTruncation.Kept expected = stage instanceof MinP ? reference.minP(0.2, 1)
          : stage instanceof TypicalP ? reference.typical(0.6, 1) : reference.eta(0.05, 1);
      assertFalse(expected.fragile());
      int[] actual = IntStream.range(0, c.size()).map(c::id).sorted().toArray();
      assertArrayEquals(expected.kept(), actual, stage.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void theCallersLogitsAreNotWritten(TruncationPath path) {
    float[] logits = LOGITS.clone();
    for (Stage stage : new Stage[] {new MinP(0.1f), new TypicalP(0.5f), new EpsilonCutoff(0.01f),
        new EtaCutoff(0.01f), new TopNSigma(1f), new Xtc(1f, 0.05f),
        new DynamicTemperature(1f, 0.5f, 1f), new MirostatV1(3f, 0.1f),
        new MirostatV2(3f, 0.1f)}) {
      stage.apply(path.start(logits, 1));
      assertArrayEquals(LOGITS, logits, stage.toString());
    }
  }

  /** Tied logits are kept or dropped together by every threshold. */
  @ParameterizedTest
  @EnumSource(TruncationPath.class)
  void tiesAreKeptTogether(TruncationPath path) {
    float[] tied = {3, 3, 3, 1, 1, 0, 0, 0, -2, -2};
    for (Stage stage : new Stage[] {new MinP(0.1f), new TypicalP(0.3f), new EpsilonCutoff(0.05f),
        new EtaCutoff(0.3f), new TopNSigma(0.5f), new Xtc(1f, 0.1f), new MinP(0.9f, 2)}) {
      Candidates c = path.start(tied, 1);
      stage.apply(c);
      int[] ids = IntStream.range(0, c.size()).map(c::id).toArray();
      for (int id : ids) {
        for (int other = 0; other < tied.length; other++) {
          if (tied[other] == tied[id]) {
            int o = other;
            assertTrue(Arrays.stream(ids).anyMatch(x -> x == o),
                stage + ": token " + id + " kept without its tie " + other);
          }
        }
      }
    }
  }

  private static double[] softmax(float[] logits, double scale) {
    double max = IntStream.range(0, logits.length).mapToDouble(i -> logits[i]).max().getAsDouble();
    double[] p = IntStream.range(0, logits.length)
        .mapToDouble(i -> Math.exp((logits[i] - max) * scale)).toArray();
    double sum = Arrays.stream(p).sum();
    return Arrays.stream(p).map(x -> x / sum).toArray();
  }

  private static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }
}
