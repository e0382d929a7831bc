package dev.tokensampler.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.Softmax;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@link BeamSearch} on small models given as functions from the generated prefix to logits:
 * with a beam as wide as the tree of sequences it must return the exact best sequences of an
 * exhaustive search, for every {@code early_stopping} and several length penalties; hand-worked
 * examples fix the scores, the end-of-sequence rules and the Hamming diversity of groups.
 */
class BeamSearchTest {
  /** Runs a search to the end against {@code model}. */
  static List<BeamHypothesis> run(BeamSearch search, Function<int[], float[]> model, int v) {
    float[] logits = new float[search.beams() * v];
    int[][] beams = new int[search.beams()][0];
    while (!search.isDone()) {
      for (int b = 0; b < search.beams(); b++) {
        System.arraycopy(model.apply(beams[b]), 0, logits, b * v, v);
      }
      search.step(logits);
      int[][] next = new int[search.beams()][];
      for (int b = 0; b < search.beams(); b++) {
        int[] parent = beams[search.parent(b)];
        next[b] = Arrays.copyOf(parent, parent.length + 1);
        next[b][parent.length] = search.token(b);
        assertArrayEquals(next[b], search.sequence(b), "the beam's sequence is its parent's + token");
      }
      beams = next;
    }
    return search.results();
  }

  /** Random logits fixed by the prefix. */
  static Function<int[], float[]> randomModel(int v, long seed) {
    return prefix -> {
      Random random = new Random(seed * 31 + Arrays.hashCode(prefix));
      float[] logits = new float[v];
      for (int i = 0; i < v; i++) {
        logits[i] = (float) (random.nextGaussian() * 2);
      }
      return logits;
    };
  }

  /** Every complete sequence (ended by EOS or at maxNew tokens) with its float score. */
  static void enumerate(Function<int[], float[]> model, int v, int eos, int maxNew, int[] prefix,
      float sum, float lengthPenalty, List<Object[]> out) {
    float[] lp = Softmax.logProbabilities(model.apply(prefix), 1f);
    for (int t = 0; t < v; t++) {
      int[] seq = Arrays.copyOf(prefix, prefix.length + 1);
      seq[prefix.length] = t;
      float s = lp[t] + sum;
      if (t == eos || seq.length == maxNew) {
        out.add(new Object[] {seq, s / (float) Math.pow(seq.length, lengthPenalty)});
      } else {
        enumerate(model, v, eos, maxNew, seq, s, lengthPenalty, out);
      }
    }
  }

  @ParameterizedTest(name = "V={0} max_new_tokens={1} beams={2} length_penalty={3} early_stopping={4}")
  @CsvSource({
    "3, 3, 27, 0, never", "3, 3, 27, 1, never", "3, 3, 27, -1, never", "3, 3, 27, 1, false",
    "3, 3, 27, 0.5, true", "4, 3, 64, 1, false", "4, 3, 64, 2, never", "5, 2, 25, 1, false"})
  void aBeamCoveringEveryPathFindsTheExactBestSequences(int v, int maxNew, int beams,
      float lengthPenalty, String earlyStopping) {
    for (long seed = 1; seed <= 5; seed++) {
      Function<int[], float[]> model = randomModel(v, seed);
      int eos = v - 1;
      List<Object[]> all = new ArrayList<>();
      enumerate(model, v, eos, maxNew, new int[0], 0f, lengthPenalty, all);
      all.sort((x, y) -> Float.compare((Float) y[1], (Float) x[1]));
      int n = Math.min(all.size(), 10);
      BeamSearch search = new BeamSearch(BeamSearchSettings.builder().numBeams(beams)
          .lengthPenalty(lengthPenalty).earlyStopping(EarlyStopping.parse("es", earlyStopping))
          .numReturnSequences(n).build(), v, maxNew, eos);
      List<BeamHypothesis> found = run(search, model, v);
      assertEquals(n, found.size());
      for (int i = 0; i < n; i++) {
        assertArrayEquals((int[]) all.get(i)[0], found.get(i).tokens(), "seed " + seed + " rank " + i);
        assertEquals((float) all.get(i)[1], found.get(i).score(), "seed " + seed + " rank " + i);
      }
    }
  }

  /** A model given as a table from prefix to probabilities; logits are their logarithms. */
  static Function<int[], float[]> table(Map<String, double[]> probabilities) {
    return prefix -> {
      double[] p = probabilities.get(Arrays.toString(prefix));
      if (p == null) {
        throw new AssertionError("the search asked for an unexpected prefix " + Arrays.toString(prefix));
      }
      float[] logits = new float[p.length];
      for (int i = 0; i < p.length; i++) {
        logits[i] = (float) Math.log(p[i]);
      }
      return logits;
    };
  }

  /**
   * Two beams over {A=0, B=1, EOS=2}, {@code max_new_tokens} 3. Step 1: A -0.693, B -1.204, EOS
   * -1.609 (ranked third: not a finished candidate). Step 2: AE -0.916 finishes (score / 2 =
   * -0.458); BA -1.715 and BB -2.590 run on. Step 3 (last, all end): BAA -2.072, BAB -3.324 are
   * the two best; BAA (/3 = -0.691) replaces the empty slot, BAB (-1.108) is worse than both.
   */
  @Test
  void handWorkedBeamSearch() {
    Map<String, double[]> p = new HashMap<>();
    p.put("[]", new double[] {0.5, 0.3, 0.2});
    p.put("[0]", new double[] {0.1, 0.1, 0.8});
    p.put("[1]", new double[] {0.6, 0.25, 0.15});
    p.put("[1, 0]", new double[] {0.7, 0.2, 0.1});
    p.put("[1, 1]", new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0});
    BeamSearch search = new BeamSearch(BeamSearchSettings.builder().numBeams(2)
        .numReturnSequences(2).build(), 3, 3, 2);
    List<BeamHypothesis> r = run(search, table(p), 3);
    assertEquals(2, r.size());
    assertArrayEquals(new int[] {0, 2}, r.get(0).tokens());
    assertEquals((Math.log(0.5) + Math.log(0.8)) / 2, r.get(0).score(), 1e-5);
    assertArrayEquals(new int[] {1, 0, 0}, r.get(1).tokens());
    assertEquals((Math.log(0.3) + Math.log(0.6) + Math.log(0.7)) / 3, r.get(1).score(), 1e-5);
    assertEquals(3, search.generatedLength());

    BeamSearch unpenalised = new BeamSearch(BeamSearchSettings.builder().numBeams(2)
        .lengthPenalty(0f).numReturnSequences(1).build(), 3, 3, 2);
    List<BeamHypothesis> best = run(unpenalised, table(p), 3);
    assertArrayEquals(new int[] {0, 2}, best.get(0).tokens());
    assertEquals(Math.log(0.5) + Math.log(0.8), best.get(0).score(), 1e-5);
  }

  /**
   * Two beams, {@code max_new_tokens} 3, {@code length_penalty} 1. Step 2 finishes B-EOS
   * (ln 0.36 / 2 = -0.511) and A-EOS (ln 0.27 / 2 = -0.655); A-A runs on with ln 0.225 = -1.492.
   * {@code true} stops (both slots full); {@code false} stops too (-1.492 / 2 cannot beat
   * -0.655 at the current length); {@code never} bounds with the longest length (-1.492 / 3 =
   * -0.497 can) and finds A-A-A (ln 0.2205 / 3 = -0.504), the best sequence.
   */
  @Test
  void earlyStoppingDecidesWhetherLongerSequencesAreTried() {
    Map<String, double[]> p = new HashMap<>();
    p.put("[]", new double[] {0.5, 0.4, 0.1});
    p.put("[0]", new double[] {0.45, 0.01, 0.54});
    p.put("[1]", new double[] {0.05, 0.05, 0.9});
    for (String prefix : new String[] {"[0, 0]", "[0, 1]", "[1, 0]", "[1, 1]"}) {
      p.put(prefix, new double[] {0.98, 0.01, 0.01});
    }
    for (EarlyStopping stopping : new EarlyStopping[] {EarlyStopping.TRUE, EarlyStopping.FALSE}) {
      BeamSearch search = new BeamSearch(BeamSearchSettings.builder().numBeams(2)
          .earlyStopping(stopping).numReturnSequences(2).build(), 3, 3, 2);
      List<BeamHypothesis> r = run(search, table(p), 3);
      assertEquals(2, search.generatedLength(), stopping.toString());
      assertArrayEquals(new int[] {1, 2}, r.get(0).tokens(), stopping.toString());
      assertEquals(Math.log(0.36) / 2, r.get(0).score(), 1e-5);
      assertArrayEquals(new int[] {0, 2}, r.get(1).tokens(), stopping.toString());
      assertEquals(Math.log(0.27) / 2, r.get(1).score(), 1e-5);
    }
    BeamSearch never = new BeamSearch(BeamSearchSettings.builder().numBeams(2)
        .earlyStopping(EarlyStopping.NEVER).numReturnSequences(2).build(), 3, 3, 2);
    List<BeamHypothesis> r = run(never, table(p), 3);
    assertEquals(3, never.generatedLength());
    assertArrayEquals(new int[] {0, 0, 0}, r.get(0).tokens());
    assertEquals(Math.log(0.5 * 0.45 * 0.98) / 3, r.get(0).score(), 1e-5);
    assertArrayEquals(new int[] {1, 2}, r.get(1).tokens());
  }

  /**
   * Two groups of one beam, no EOS, two tokens. Group 0 takes the best token each step (0, 0).
   * Group 1 sees token 0 lowered by the penalty 10 (group 0 chose it), so takes token 1 at step 1
   * (ln 0.3) and again at step 2 (ln 0.1 beats ln 0.8 - 10). Without the penalty both groups
   * return the same sequence.
   */
  @Test
  void hammingDiversityPushesLaterGroupsAway() {
    Map<String, double[]> p = new HashMap<>();
    p.put("[]", new double[] {0.6, 0.3, 0.1});
    p.put("[0]", new double[] {0.5, 0.4, 0.1});
    p.put("[1]", new double[] {0.8, 0.1, 0.1});
    BeamSearch diverse = new BeamSearch(BeamSearchSettings.builder().numBeams(2).groups(2, 10f)
        .numReturnSequences(2).build(), 3, 2);
    List<BeamHypothesis> r = run(diverse, table(p), 3);
    assertArrayEquals(new int[] {0, 0}, r.get(0).tokens());
    assertEquals(0, r.get(0).group());
    assertEquals((Math.log(0.6) + Math.log(0.5)) / 2, r.get(0).score(), 1e-5);
    assertArrayEquals(new int[] {1, 1}, r.get(1).tokens());
    assertEquals(1, r.get(1).group());
    assertEquals((Math.log(0.3) + Math.log(0.1)) / 2, r.get(1).score(), 1e-5);

    BeamSearch same = new BeamSearch(BeamSearchSettings.builder().numBeams(2).groups(2, 0f)
        .numReturnSequences(2).build(), 3, 2);
    List<BeamHypothesis> twins = run(same, table(p), 3);
    assertArrayEquals(twins.get(0).tokens(), twins.get(1).tokens());
  }

  @Test
  void badSettingsNameTheParameter() {
    String[][] cases = {
      {"num_beams", "0"}, {"num_beam_groups", "3"}, {"diversity_penalty", "-1"},
      {"num_return_sequences", "5"}, {"length_penalty", "NaN"}};
    for (String[] c : cases) {
      BeamSearchSettings.Builder b = BeamSearchSettings.builder().numBeams(4);
      switch (c[0]) {
        case "num_beams": b.numBeams(0); break;
        case "num_beam_groups": b.groups(3, 1f); break;
        case "diversity_penalty": b.groups(2, -1f); break;
        case "num_return_sequences": b.numReturnSequences(5); break;
        default: b.lengthPenalty(Float.NaN);
      }
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
      assertTrue(e.getMessage().contains(c[0]) && e.getMessage().contains(c[1]), e.getMessage());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BeamSearchSettings.builder().numBeams(2).groups(1, 0.5f).build());
    assertTrue(e.getMessage().contains("num_beam_groups"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> EarlyStopping.parse("early_stopping", "maybe"));
    assertTrue(e.getMessage().contains("maybe"), e.getMessage());
    BeamSearch search = new BeamSearch(BeamSearchSettings.builder().build(), 3, 1);
    search.step(new float[] {1, 2, 3});
    assertThrows(IllegalStateException.class, () -> search.step(new float[] {1, 2, 3}));
    assertThrows(IllegalArgumentException.class,
        () -> new BeamSearch(BeamSearchSettings.builder().build(), 3, 1, 3));
  }
}
