package dev.tokensampler.stage;

import static dev.tokensampler.stage.CandidatePath.logOf;
import static dev.tokensampler.stage.CandidatePath.order;
import static dev.tokensampler.stage.CandidatePath.probabilityOf;
import static dev.tokensampler.stage.CandidatePath.survivors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.random.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The published test values of Hugging Face transformers and llama.cpp that apply to temperature,
 * top-k, top-p and greedy, through the public {@link Candidates} API.
 *
 * <p>Sources, copied verbatim into {@code src/test/resources/reference-vectors/}:
 * <ul>
 *   <li>{@code hf.md}: transformers {@code tests/generation/test_logits_process.py} at commit
 *       {@code 019af3ac65298aae51038a941c54a038a505bd57} ({@code test_temperature_dist_warper},
 *       {@code test_top_k_dist_warper}, {@code test_top_p_dist_warper}), with its [derived]
 *       float32 values;
 *   <li>{@code llamacpp.md}: llama.cpp {@code src/llama-sampling.cpp} and
 *       {@code tests/test-sampling.cpp} at commit {@code c392e5094deaf2d1a7c18683214f007fad3fe42b}
 *       (greedy and temp rules, the top-p knife-edge case).
 * </ul>
 *
 * <p>As in those tests, logits are {@code (float) Math.log(p)}. The reference implementations mask
 * removed tokens and keep the unnormalised probabilities; here the removed tokens leave the
 * candidates and probabilities are renormalised over the survivors, so the checks compare
 * survivor sets and the expected probabilities renormalised over them. Every case runs on both
 * forms of the candidates ({@link CandidatePath}): for top-p on the whole vocabulary that is the
 * pending nucleus (resolved by a threshold search when the candidates are read, and by rejection
 * when drawing), on explicit candidates the sorted scan.
 */
class ReferenceVectorsTest {
  /** llama.cpp's check: {@code |p - expected| < 1e-5} per position. */
  private static final double LLAMA_TOLERANCE = 1e-5;

  // ---- Temperature: test_temperature_dist_warper ----

  /** Row 1 of the transformers temperature test: {@code uniform(20)} with two entries moved. */
  private static float[] temperatureRow1() {
    float[] row = uniform(20);
    row[5] = 1f / 20 + 0.1f;
    row[10] = 1f / 20 - 0.4f;
    return row;
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void temperatureKeepsTheUniformRowUniform(CandidatePath path) {
    for (float t : new float[] {0.5f, 1.3f}) {
      float[] row0 = uniform(20);
      Candidates c = path.start(row0);
      new Temperature(t).apply(c);
      for (int id = 0; id < 20; id++) {
        assertEquals(0.05, probabilityOf(c, id), 1e-6, "T=" + t + ", token " + id);
      }
      assertArrayEquals(uniform(20), row0, "the caller's logits are not written");
    }
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void temperatureMovesTheExtremesTheRightWay(CandidatePath path) {
    float maxAt1 = probabilityOf(path.start(temperatureRow1()), 5);
    float minAt1 = probabilityOf(path.start(temperatureRow1()), 10);

    Candidates sharp = path.start(temperatureRow1());
    new Temperature(0.5f).apply(sharp);
    assertTrue(probabilityOf(sharp, 5) > maxAt1, "T=0.5 raises the maximum");
    assertTrue(probabilityOf(sharp, 10) < minAt1, "T=0.5 lowers the minimum");

    Candidates smooth = path.start(temperatureRow1());
    new Temperature(1.3f).apply(smooth);
    assertTrue(probabilityOf(smooth, 5) < maxAt1, "T=1.3 lowers the maximum");
    assertTrue(probabilityOf(smooth, 10) > minAt1, "T=1.3 raises the minimum");
  }

  /** hf.md, Temperature, the [derived] probability table of row 1. */
  static Stream<Arguments> temperatureTable() {
    List<Arguments> rows = new ArrayList<>();
    for (CandidatePath path : CandidatePath.values()) {
      rows.add(Arguments.of(path, 1.0f, 0.0558859, 0.0338965, 0.0505676));
      rows.add(Arguments.of(path, 0.5f, 0.0620924, 0.0228425, 0.0508370));
      rows.add(Arguments.of(path, 1.3f, 0.0545018, 0.0371001, 0.0504666));
    }
    return rows.stream();
  }

  @ParameterizedTest
  @MethodSource("temperatureTable")
  void temperatureMatchesTheDerivedTable(
      CandidatePath path, float t, double max, double min, double other) {
    float[] row1 = temperatureRow1();
    Candidates c = path.start(row1);
    new Temperature(t).apply(c);
    for (int id = 0; id < 20; id++) {
      double expected = id == 5 ? max : id == 10 ? min : other;
      assertEquals(expected, probabilityOf(c, id), 1e-6, "T=" + t + ", token " + id);
    }
    assertArrayEquals(temperatureRow1(), row1, "the caller's logits are not written");
  }

  // ---- Top-k: test_top_k_dist_warper ----

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void topKCaseAKeepsTheThreeLargest(CandidatePath path) {
    float[] row0 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] row1 = {10, 11, 12, 13, 14, 5, 6, 7, 8, 9};

    Candidates c0 = path.start(row0);
    new TopK(3).apply(c0);
    assertArrayEquals(new int[] {9, 8, 7}, order(c0), "row 0, largest logit first");

    Candidates c1 = path.start(row1);
    new TopK(3).apply(c1);
    assertArrayEquals(new int[] {4, 3, 2}, order(c1), "row 1, largest logit first");
    assertRenormalised(c1, row1);
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void topKCaseBKeepsEveryTieOfTheUniformRow(CandidatePath path) {
    Candidates c = path.start(uniform(5));
    new TopK(1, 3).apply(c);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, order(c), "all five tie with the 3rd largest");
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void topKCaseBLetsMinTokensToKeepOverrideK(CandidatePath path) {
    float[] ramp = {0, 1, 2, 3, 4};
    Candidates c = path.start(ramp);
    new TopK(1, 3).apply(c);
    assertArrayEquals(new int[] {4, 3, 2}, order(c), "[derived] output row [0, 0, 2, 3, 4]");
    assertRenormalised(c, ramp);
  }

  // ---- Top-p: test_top_p_dist_warper ----

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void topPCaseARow0KeepsExactlyTheBoundaryMass(CandidatePath path) {
    // 0.5 + 0.3 is exactly 0.8: the nucleus is reached, the two 0.1 are dropped.
    Candidates c = path.start(logOf(0.3, 0.1, 0.1, 0.5));
    new TopP(0.8f).apply(c);
    assertArrayEquals(new int[] {0, 3}, survivors(c));
    assertEquals(0.3 / 0.8, probabilityOf(c, 0), LLAMA_TOLERANCE);
    assertEquals(0.5 / 0.8, probabilityOf(c, 3), LLAMA_TOLERANCE);
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void topPCaseARow1KeepsTheTiesAndTheCrossingToken(CandidatePath path) {
    // 0.3 + 0.3 = 0.6 < 0.8, so 0.25 (which crosses 0.8) is kept and 0.15 is dropped.
    Candidates c = path.start(logOf(0.15, 0.3, 0.3, 0.25));
    new TopP(0.8f).apply(c);
    assertArrayEquals(new int[] {1, 2, 3}, survivors(c));
    assertEquals(0.3 / 0.85, probabilityOf(c, 1), LLAMA_TOLERANCE);
    assertEquals(0.3 / 0.85, probabilityOf(c, 2), LLAMA_TOLERANCE);
    assertEquals(0.25 / 0.85, probabilityOf(c, 3), LLAMA_TOLERANCE);
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void topPCaseBHonoursMinTokensToKeep(CandidatePath path) {
    float[] row0 = {-5, -4, -3, -2, -1, 0, 1, 2, 3, 4};
    float[] row1 = new float[10];
    for (int i = 0; i < 10; i++) {
      row1[i] = row0[i] * 100;
    }
    Candidates c0 = path.start(row0);
    new TopP(0.9f, 2).apply(c0);
    Candidates c1 = path.start(row1);
    new TopP(0.9f, 2).apply(c1);

    assertArrayEquals(new int[] {3, 2}, new int[] {c0.size(), c1.size()}, "survivors per row");
    // 0.632 + 0.233 = 0.865 < 0.9: 0.0856 (index 7) crosses 0.9 and is kept.
    assertArrayEquals(new int[] {7, 8, 9}, survivors(c0));
    // Index 9 alone has mass ~1; index 8 is kept only because min_tokens_to_keep is 2.
    assertArrayEquals(new int[] {8, 9}, survivors(c1));
    assertRenormalised(c0, row0);
  }

  /** hf.md, Top-p case B: the [derived] softmax of row 0, given to five significant digits. */
  @Test
  void softmaxOfTopPCaseBRow0MatchesTheDerivedValues() {
    double[] expected = {
      7.8013e-05, 2.1206e-04, 5.7645e-04, 1.5669e-03, 4.2594e-03, 1.1578e-02, 3.1473e-02,
      8.5552e-02, 2.3255e-01, 6.3215e-01
    };
    for (CandidatePath path : CandidatePath.values()) {
      Candidates c = path.start(new float[] {-5, -4, -3, -2, -1, 0, 1, 2, 3, 4});
      for (int id = 0; id < 10; id++) {
        double p = probabilityOf(c, id);
        assertEquals(expected[id], p, expected[id] * 1e-4, path + ", token " + id);
      }
    }
  }

  /** Draws through the nucleus (rejection on the whole vocabulary) stay in the expected set. */
  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void topPDrawsFollowTheRenormalisedCaseARows(CandidatePath path) {
    Candidates pending = path.start(logOf(0.3, 0.1, 0.1, 0.5));
    new TopP(0.8f).apply(pending);
    assertFalse(pending.isWholeVocabulary());
    assertDrawFrequencies(path, logOf(0.3, 0.1, 0.1, 0.5), c -> new TopP(0.8f).apply(c),
        new double[] {0.3 / 0.8, 0, 0, 0.5 / 0.8});
    assertDrawFrequencies(path, logOf(0.15, 0.3, 0.3, 0.25), c -> new TopP(0.8f).apply(c),
        new double[] {0, 0.3 / 0.85, 0.3 / 0.85, 0.25 / 0.85});
  }

  // ---- llama.cpp: top-p knife edge (conventions, item 9) ----

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void llamaTopPKnifeEdgeKeepsTwoTokens(CandidatePath path) {
    // The mass of the two largest, 0.4 + 0.3, is 0.7f in float32: p is reached, 2 tokens.
    Candidates c = path.start(logOf(0.1, 0.2, 0.3, 0.4));
    new TopP(0.7f).apply(c);
    assertArrayEquals(new int[] {2, 3}, survivors(c));
    assertEquals(0.4 / 0.7, probabilityOf(c, 3), LLAMA_TOLERANCE);
    assertEquals(0.3 / 0.7, probabilityOf(c, 2), LLAMA_TOLERANCE);
    if (path == CandidatePath.EXPLICIT) {
      // llama.cpp checks by position in descending-logit order.
      assertArrayEquals(new int[] {3, 2}, order(c));
      assertEquals(0.4 / 0.7, c.probability(0), LLAMA_TOLERANCE);
      assertEquals(0.3 / 0.7, c.probability(1), LLAMA_TOLERANCE);
    }
  }

  /**
   * Top-p on {0.1, 0.2, 0.3, 0.4} for p around every boundary of the cumulative masses 0.4, 0.7,
   * 0.9 (largest first). A mass within one part in a million of p counts as reaching it, so the
   * float neighbours of 0.7 resolve like 0.7, and p just 1e-5 relative above a boundary keeps one
   * more token.
   */
  static Stream<Arguments> knifeEdgeNeighbourhood() {
    Object[][] cases = {
      {0.05f, 1}, {0.39f, 1}, {0.4f, 1}, {0.40001f, 2}, {0.5f, 2}, {0.69f, 2},
      {Math.nextDown(0.7f), 2}, {0.7f, 2}, {Math.nextUp(0.7f), 2}, {0.70001f, 3}, {0.71f, 3},
      {0.8f, 3}, {0.9f, 3}, {0.90001f, 4}, {0.95f, 4}, {1f, 4}
    };
    List<Arguments> rows = new ArrayList<>();
    for (CandidatePath path : CandidatePath.values()) {
      for (Object[] row : cases) {
        rows.add(Arguments.of(path, row[0], row[1]));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest
  @MethodSource("knifeEdgeNeighbourhood")
  void llamaTopPAroundTheKnifeEdge(CandidatePath path, float p, int expectedCount) {
    float[] logits = logOf(0.1, 0.2, 0.3, 0.4);
    Candidates c = path.start(logits);
    new TopP(p).apply(c);
    int[] expected = new int[expectedCount];
    for (int j = 0; j < expectedCount; j++) {
      expected[j] = 4 - expectedCount + j;
    }
    assertArrayEquals(expected, survivors(c), "top_p=" + p);
    assertRenormalised(c, logits);

    double[] frequencies = new double[4];
    for (int id = 4 - expectedCount; id < 4; id++) {
      frequencies[id] = (id + 1) / (10.0 * mass(expectedCount));
    }
    assertDrawFrequencies(path, logits, s -> new TopP(p).apply(s), frequencies);
  }

  // ---- Greedy: llama.cpp greedy (first maximum) and temp(<= 0) ----

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void greedyTakesTheFirstMaximum(CandidatePath path) {
    assertGreedy(path, logOf(0.1, 0.2, 0.3, 0.4), 3);
    assertGreedy(path, logOf(0.4, 0.3, 0.2, 0.1), 0);
    assertGreedy(path, logOf(0.1, 0.4, 0.1, 0.4), 1);
    assertGreedy(path, logOf(0.25, 0.25, 0.25, 0.25), 0);
  }

  private static void assertGreedy(CandidatePath path, float[] logits, int expected) {
    Candidates greedy = path.start(logits);
    Greedy.INSTANCE.apply(greedy);
    assertTrue(greedy.isSelected());
    assertEquals(expected, greedy.selectedId(), "greedy on " + Arrays.toString(logits));
    assertEquals(expected, greedy.draw(0L), "the draw returns the selected token");

    Candidates zero = path.start(logits);
    new Temperature(0f).apply(zero);
    assertEquals(expected, zero.selectedId(), "temperature 0 on " + Arrays.toString(logits));
  }

  // ---- helpers ----

  /** {@code uniform(1, n)} of the transformers tests: every logit {@code 1/n}. */
  private static float[] uniform(int n) {
    float[] row = new float[n];
    Arrays.fill(row, 1f / n);
    return row;
  }

  /** The probability mass of the {@code n} largest of {0.1, 0.2, 0.3, 0.4}. */
  private static double mass(int n) {
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += (4 - j) / 10.0;
    }
    return sum;
  }

  /** The survivors' probabilities are the softmax of their logits alone, in double. */
  private static void assertRenormalised(Candidates c, float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < c.size(); i++) {
      max = Math.max(max, logits[c.id(i)]);
    }
    double sum = 0;
    for (int i = 0; i < c.size(); i++) {
      sum += Math.exp(logits[c.id(i)] - max);
    }
    for (int i = 0; i < c.size(); i++) {
      double expected = Math.exp(logits[c.id(i)] - max) / sum;
      assertEquals(expected, c.probability(i), 1e-6, "token " + c.id(i));
    }
  }

  /**
   * Draws 4000 tokens (fresh candidates and stage each time, fixed seed) and compares the
   * frequencies with {@code expected}: a token of probability 0 is never drawn, the others within
   * 0.03 (more than 4 standard deviations).
   */
  private static void assertDrawFrequencies(
      CandidatePath path, float[] logits, Consumer<Candidates> stage, double[] expected) {
    UniformRandomProvider random = Seeds.generator(20240229L);
    int draws = 4000;
    int[] counts = new int[logits.length];
    for (int n = 0; n < draws; n++) {
      Candidates c = path.start(logits);
      stage.accept(c);
      counts[c.draw(random.nextLong())]++;
    }
    for (int id = 0; id < logits.length; id++) {
      if (expected[id] == 0) {
        assertEquals(0, counts[id], "token " + id + " is outside the nucleus");
      } else {
        assertEquals(expected[id], counts[id] / (double) draws, 0.03, "frequency of token " + id);
      }
    }
  }
}
