package dev.tokensampler.stage;

import static dev.tokensampler.stage.CandidatePath.logOf;
import static dev.tokensampler.stage.StageRun.accepted;
import static dev.tokensampler.stage.StageRun.apply;
import static dev.tokensampler.stage.StageRun.logitsAfter;
import static dev.tokensampler.stage.StageRun.probabilitiesById;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Dry} against llama.cpp's {@code test_dry} vectors (dry-1 to dry-5 of
 * {@code reference-vectors/llamacpp.md}, section 9) and against a brute-force restatement of
 * llama.cpp's rule on random histories, on both forms of the candidates.
 */
class DryTest {
  private static final double LLAMA_TOLERANCE = 1e-5;

  /** Section 9: probabilities by token id (the table gives them by position; the ids are named). */
  static Stream<Arguments> llamaVectors() {
    double p2 = 1 / (3 + Math.exp(-1));
    double p4 = 1 / (4 + Math.exp(-2));
    List<Arguments> rows = new ArrayList<>();
    for (CandidatePath path : CandidatePath.values()) {
      rows.add(Arguments.of(path, "dry-1", 4, new int[] {0, 1}, 1f, 1.1f, 2, 4, List.of(),
          new double[] {0.25, 0.25, 0.25, 0.25}));
      rows.add(Arguments.of(path, "dry-2", 4, new int[] {0, 1, 2, 0, 1}, 1f, 1.1f, 2, 5,
          List.of(), new double[] {p2, p2, Math.exp(-1) * p2, p2}));
      rows.add(Arguments.of(path, "dry-3", 5, new int[] {0, 1, 3, 4, 0, 1}, 1f, 1.1f, 2, 6,
          List.of(new int[] {3}), new double[] {0.2, 0.2, 0.2, 0.2, 0.2}));
      rows.add(Arguments.of(path, "dry-4", 5, new int[] {0, 1, 2, 0, 1}, 2f, 1.1f, 2, 5,
          List.of(), new double[] {p4, p4, Math.exp(-2) * p4, p4, p4}));
      rows.add(Arguments.of(path, "dry-5", 5, new int[] {0, 1, 2, 3, 4, 0, 1}, 1f, 1.1f, 4, 7,
          List.of(), new double[] {0.2, 0.2, 0.2, 0.2, 0.2}));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{1}, {0}")
  @MethodSource("llamaVectors")
  void matchesLlamaCppDryVectors(CandidatePath path, String name, int vocabulary, int[] lastTokens,
      float multiplier, float base, int allowedLength, int lastN, List<int[]> breakers,
      double[] expected) {
    double[] uniform = new double[vocabulary];
    Arrays.fill(uniform, 1.0 / vocabulary);
    Stage dry = accepted(new Dry(multiplier, base, allowedLength, lastN, breakers), lastTokens);
    float[] p = probabilitiesById(apply(path, logOf(uniform), dry), vocabulary);
    for (int id = 0; id < vocabulary; id++) {
      assertEquals(expected[id], p[id], LLAMA_TOLERANCE, name + ", token " + id);
    }
  }

  /** dry-2 observed: token 2 gets logit ln 0.25 - 1.0 = -2.386294. */
  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void theObservedPenalisedLogitOfDry2(CandidatePath path) {
    Stage dry = accepted(new Dry(1f, 1.1f, 2, 5, List.of()), 0, 1, 2, 0, 1);
    float[] out = logitsAfter(path, logOf(0.25, 0.25, 0.25, 0.25), dry);
    assertEquals(-2.386294f, out[2], 1e-6f);
  }

  /** Random histories over a small alphabet, with and without breakers, against the brute force. */
  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void agreesWithABruteForceRestatementOfTheRule(CandidatePath path) {
    SplittableRandom random = new SplittableRandom(11);
    int vocabulary = 6;
    int penalised = 0;
    for (int trial = 0; trial < 400; trial++) {
      int length = random.nextInt(1, 40);
      int[] history = new int[length];
      for (int i = 0; i < length; i++) {
        history[i] = random.nextInt(trial % 2 == 0 ? 3 : vocabulary);
      }
      int lastN = random.nextBoolean() ? -1 : random.nextInt(1, 30);
      int allowed = random.nextInt(1, 4);
      float base = random.nextBoolean() ? 1.75f : 1f;
      List<int[]> breakers = new ArrayList<>();
      if (random.nextBoolean()) {
        breakers.add(new int[] {random.nextInt(vocabulary)});
      }
      if (random.nextBoolean()) {
        breakers.add(new int[] {random.nextInt(3), random.nextInt(3)});
        breakers.add(new int[] {random.nextInt(3), random.nextInt(3), random.nextInt(3)});
      }
      float[] logits = new float[vocabulary];
      for (int t = 0; t < vocabulary; t++) {
        logits[t] = (float) random.nextDouble(-2, 2);
      }
      int[] window = lastN < 0 || lastN >= length
          ? history : Arrays.copyOfRange(history, length - lastN, length);
      float[] expected = bruteForce(logits, window, 0.8f, base, allowed, breakers);
      penalised += Arrays.equals(expected, logits) ? 0 : 1;
      Stage dry = accepted(new Dry(0.8f, base, allowed, lastN, breakers), history);
      assertArrayEquals(expected, logitsAfter(path, logits, dry),
          "trial " + trial + ": history " + Arrays.toString(history) + ", last_n " + lastN
              + ", allowed " + allowed);
    }
    assertTrue(penalised > 100, "trials with a penalty: " + penalised);
  }

  /** llama.cpp's rule, written directly over the window in forward order. */
  private static float[] bruteForce(float[] logits, int[] window, float multiplier, float base,
      int allowed, List<int[]> breakers) {
    float[] out = logits.clone();
    int n = window.length;
    if (n <= allowed) {
      return out;
    }
    int limit = n;
    search:
    for (int i = 0; i < n; i++) {
      int longest = -1;
      for (int[] breaker : breakers) {
        int tail = breaker.length - 1;
        if (breaker[0] != window[n - 1 - i] || tail > i || tail <= longest) {
          continue;
        }
        boolean match = true;
        for (int o = 0; o < tail; o++) {
          match &= breaker[1 + o] == window[n - 1 - (i - o - 1)];
        }
        if (match) {
          longest = tail;
        }
      }
      if (longest >= 0) {
        limit = i - longest;
        break search;
      }
    }
    if (limit < allowed) {
      return out;
    }
    int[] longestBefore = new int[logits.length];
    for (int j = 0; j < n - 1; j++) {
      int m = 0;
      while (m <= j && window[j - m] == window[n - 1 - m]) {
        m++;
      }
      int length = Math.min(m, limit);
      if (length >= allowed) {
        longestBefore[window[j + 1]] = Math.max(longestBefore[window[j + 1]], length);
      }
    }
    int maxExponent = base > 1.000001f ? (int) (88.7228391f / (float) Math.log(base)) : 0;
    for (int t = 0; t < logits.length; t++) {
      boolean singleBreaker = false;
      for (int[] breaker : breakers) {
        singleBreaker |= breaker.length == 1 && breaker[0] == t;
      }
      if (longestBefore[t] > 0 && !singleBreaker) {
        int exponent = longestBefore[t] - allowed;
        if (maxExponent > 0 && exponent > maxExponent) {
          exponent = maxExponent;
        }
        out[t] -= (float) (multiplier * Math.pow(base, exponent));
      }
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void aBreakerStopsARepetitionFromReachingAcrossIt(CandidatePath path) {
    // 0 1 2 | 0 1 2 ... would penalise 0 after "1 2"; a breaker "2" right at the end caps
    // the repetition length at 0, so nothing is penalised.
    float[] logits = new float[4];
    int[] history = {0, 1, 2, 0, 1, 2};
    float[] free = logitsAfter(path, logits, accepted(new Dry(1f, 2f, 2, -1, List.of()), history));
    assertEquals(-2f, free[0], "repetition of length 3: 1 * 2^(3 - 2)");
    float[] broken = logitsAfter(path, logits,
        accepted(new Dry(1f, 2f, 2, -1, List.of(new int[] {2})), history));
    assertArrayEquals(new float[4], broken);
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void zeroMultiplierOrZeroWindowDisables(CandidatePath path) {
    float[] logits = {1f, 2f, 3f};
    int[] history = {0, 1, 0, 1, 0, 1};
    assertArrayEquals(logits,
        logitsAfter(path, logits, accepted(new Dry(0f, 1.75f, 2, -1, List.of()), history)));
    assertArrayEquals(logits,
        logitsAfter(path, logits, accepted(new Dry(0.8f, 1.75f, 2, 0, List.of()), history)));
  }
}
