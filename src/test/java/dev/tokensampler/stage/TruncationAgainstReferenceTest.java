package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.TestLogits;
import dev.tokensampler.random.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sort-free truncating stages keep exactly the tokens of their textbook, sort-based forms
 * ({@link ReferenceTruncation}) on random, tied, peaked, flat and partly masked logits, at several
 * temperatures, on the whole vocabulary and after top-k 40. Inputs where a decision is
 * float-fragile are skipped, and the test asserts that most are not.
 */
class TruncationAgainstReferenceTest {
  private static final int V = 1500;
  private static final int TOP_K = 40;
  private static final int SEEDS = 6;

  /** A stage under test, its reference rule, and a name. */
  private record Case(String name, Stage stage, Function<ReferenceTruncation,
      ReferenceTruncation.Kept> reference) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    List<Case> cases = List.of(
        new Case("min_p 0.05", new MinP(0.05f), r -> r.minP(0.05, 1)),
        new Case("min_p 0.3, keep 5", new MinP(0.3f, 5), r -> r.minP(0.3, 5)),
        new Case("epsilon 3e-4", new EpsilonCutoff(3e-4f), r -> r.epsilon(3e-4, 1)),
        new Case("epsilon 0.02, keep 4", new EpsilonCutoff(0.02f, 4), r -> r.epsilon(0.02, 4)),
        new Case("eta 1e-3", new EtaCutoff(1e-3f), r -> r.eta(1e-3, 1)),
        new Case("eta 0.05, keep 3", new EtaCutoff(0.05f, 3), r -> r.eta(0.05, 3)),
        new Case("top_n_sigma 1", new TopNSigma(1f), r -> r.topNSigma(1)),
        new Case("top_n_sigma 2.5", new TopNSigma(2.5f), r -> r.topNSigma(2.5)),
        new Case("typical 0.9", new TypicalP(0.9f), r -> r.typical(0.9, 1)),
        new Case("typical 0.3, keep 6", new TypicalP(0.3f, 6), r -> r.typical(0.3, 6)),
        new Case("xtc 0.05", new Xtc(1f, 0.05f), r -> r.xtc(0.05, 1)),
        new Case("xtc 0.01, keep 200", new Xtc(1f, 0.01f, 200), r -> r.xtc(0.01, 200)));
    List<Arguments> rows = new ArrayList<>();
    for (Case c : cases) {
      for (float temperature : new float[] {1f, 0.6f, 2f}) {
        for (boolean afterTopK : new boolean[] {false, true}) {
          rows.add(Arguments.of(c, temperature, afterTopK));
        }
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}, T={1}, after top-k: {2}")
  @MethodSource("cases")
  void keepsTheReferenceTokens(Case c, float temperature, boolean afterTopK) {
    int compared = 0;
    int total = 0;
    for (int seed = 0; seed < SEEDS; seed++) {
      for (float[] logits : inputs(seed)) {
        total++;
        int[] candidates = IntStream.range(0, V).toArray();
        if (afterTopK) {
          int[] sorted = ReferenceSelection.sortedByLogit(logits, candidates);
          candidates = Arrays.copyOf(sorted, ReferenceSelection.topK(logits, sorted, TOP_K));
        }
        ReferenceTruncation.Kept expected =
            c.reference.apply(new ReferenceTruncation(logits, candidates, 1 / temperature));
        if (expected.fragile()) {
          continue;
        }
        compared++;
        Candidates candidatesUnderTest = new Candidates(V);
        candidatesUnderTest.reset(logits, 0);
        candidatesUnderTest.takeRandomFrom(Seeds.generator(seed));
        if (afterTopK) {
          new TopK(TOP_K).apply(candidatesUnderTest);
        }
        new Temperature(temperature).apply(candidatesUnderTest);
        c.stage.apply(candidatesUnderTest);
        assertArrayEquals(expected.kept(), finiteIds(candidatesUnderTest, logits),
            c + " T=" + temperature + " seed " + seed);
      }
    }
    assertTrue(compared * 4 >= total * 3, "too many fragile inputs: " + compared + "/" + total);
  }

  private static List<float[]> inputs(int seed) {
    Random random = new Random(1000 + seed);
    float[] flat = new float[V];
    Arrays.fill(flat, 0.25f);
    return List.of(
        TestLogits.gaussian(random, V, 2.5),
        TestLogits.tied(random, V, 2.5, 0.5),
        TestLogits.peaked(random, V, 6f),
        TestLogits.mask(random, TestLogits.gaussian(random, V, 4), 0.3),
        flat);
  }

  private static int[] finiteIds(Candidates c, float[] logits) {
    return IntStream.range(0, c.size()).map(c::id)
        .filter(id -> logits[id] != Float.NEGATIVE_INFINITY).sorted().toArray();
  }
}
