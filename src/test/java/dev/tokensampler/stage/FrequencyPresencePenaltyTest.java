package dev.tokensampler.stage;

import static dev.tokensampler.stage.CandidatePath.logOf;
import static dev.tokensampler.stage.StageRun.accepted;
import static dev.tokensampler.stage.StageRun.apply;
import static dev.tokensampler.stage.StageRun.logitsAfter;
import static dev.tokensampler.stage.StageRun.probabilitiesById;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FrequencyPresencePenalty}, alone and after {@link RepetitionPenalty} as llama.cpp's
 * penalties sampler applies them: the vectors pen-4 to pen-6 of {@code reference-vectors/llamacpp.md}
 * (section 8) on both forms of the candidates.
 */
class FrequencyPresencePenaltyTest {
  private static final double LLAMA_TOLERANCE = 1e-5;

  /** Rows pen-4 to pen-6: repeat 1, freq 5, present 5; p by token id and the exact double values. */
  static Stream<Arguments> llamaVectors() {
    double e10 = Math.exp(-10);
    double e20 = Math.exp(-20);
    double p4 = 1 / (4 + e10);
    double p5 = 1 / (2 + 3 * e10);
    double p6 = 1 / (2 + 2 * e10 + e20);
    return Stream.of(CandidatePath.values()).flatMap(path -> Stream.of(
        Arguments.of(path, new int[] {0}, new double[] {e10 * p4, p4, p4, p4, p4}),
        Arguments.of(path, new int[] {0, 1, 2}, new double[] {e10 * p5, e10 * p5, e10 * p5, p5, p5}),
        Arguments.of(path, new int[] {0, 1, 2, 0, 0},
            new double[] {e20 * p6, e10 * p6, e10 * p6, p6, p6})));
  }

  @ParameterizedTest(name = "{0}, last tokens {1}")
  @MethodSource("llamaVectors")
  void matchesLlamaCppPenaltyVectors(CandidatePath path, int[] lastTokens, double[] expected) {
    float[] logits = logOf(0.2, 0.2, 0.2, 0.2, 0.2);
    int n = lastTokens.length;
    Stage repeat = accepted(new RepetitionPenalty(1f, n), lastTokens);
    Stage frequency = accepted(new FrequencyPresencePenalty(5f, 5f, n), lastTokens);
    float[] p = probabilitiesById(apply(path, logits, repeat, frequency), 5);
    for (int id = 0; id < 5; id++) {
      assertEquals(expected[id], p[id], LLAMA_TOLERANCE, "token " + id);
    }
    // The observed logits: ln 0.2 - (5c + 5) for count c.
    float[] after = logitsAfter(path, logits, repeat, frequency);
    int[] counts = new int[5];
    for (int t : lastTokens) {
      counts[t]++;
    }
    for (int id = 0; id < 5; id++) {
      float want = counts[id] == 0 ? logits[id] : logits[id] - (5f * counts[id] + 5f);
      assertEquals(want, after[id], 0f, "token " + id);
    }
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void frequencyCountsOccurrencesInTheWindowPresenceOnlyTheirExistence(CandidatePath path) {
    float[] logits = {0f, 0f, 0f, 0f};
    // Window of 4 over 3,0,0,1,0: holds 0,0,1,0 (the 3 fell out).
    Stage stage = accepted(new FrequencyPresencePenalty(0.5f, 2f, 4), 3, 0, 0, 1, 0);
    assertArrayEquals(new float[] {-3.5f, -2.5f, 0f, 0f}, logitsAfter(path, logits, stage));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void negativePenaltiesRewardAndZeroesDisable(CandidatePath path) {
    float[] logits = {1f, 1f, 1f};
    assertArrayEquals(new float[] {2f, 1.5f, 1f},
        logitsAfter(path, logits, accepted(new FrequencyPresencePenalty(-0.5f, 0f), 0, 0, 1)));
    assertArrayEquals(logits,
        logitsAfter(path, logits, accepted(new FrequencyPresencePenalty(0f, 0f), 0, 0, 1)));
    assertArrayEquals(logits,
        logitsAfter(path, logits, accepted(new FrequencyPresencePenalty(1f, 1f, 0), 0, 0, 1)));
  }
}
