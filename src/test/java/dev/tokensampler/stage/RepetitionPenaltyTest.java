package dev.tokensampler.stage;

import static dev.tokensampler.stage.CandidatePath.logOf;
import static dev.tokensampler.stage.StageRun.accepted;
import static dev.tokensampler.stage.StageRun.apply;
import static dev.tokensampler.stage.StageRun.logitsAfter;
import static dev.tokensampler.stage.StageRun.probabilitiesById;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RepetitionPenalty} against llama.cpp's {@code test_penalties} vectors (pen-1 to pen-3 of
 * {@code reference-vectors/llamacpp.md}) and transformers' {@code test_repetition_penalty_dist_process}
 * ({@code reference-vectors/hf.md}), on both forms of the candidates.
 */
class RepetitionPenaltyTest {
  /** llama.cpp's check: {@code |p - expected| < 1e-5}. */
  private static final double LLAMA_TOLERANCE = 1e-5;

  /** llamacpp.md section 8, rows pen-1 to pen-3: repeat 50, freq 0, present 0; p by token id. */
  static Stream<Arguments> llamaRepeatVectors() {
    return Stream.of(CandidatePath.values()).flatMap(path -> Stream.of(
        Arguments.of(path, new int[] {0}, new double[] {0, 0.25, 0.25, 0.25, 0.25}),
        Arguments.of(path, new int[] {0, 1, 2}, new double[] {0, 0, 0, 0.5, 0.5}),
        Arguments.of(path, new int[] {0, 1, 2, 0, 0}, new double[] {0, 0, 0, 0.5, 0.5})));
  }

  @ParameterizedTest(name = "{0}, last tokens {1}")
  @MethodSource("llamaRepeatVectors")
  void matchesLlamaCppPenaltyVectors(CandidatePath path, int[] lastTokens, double[] expected) {
    float[] logits = logOf(0.2, 0.2, 0.2, 0.2, 0.2);
    Stage stage = accepted(new RepetitionPenalty(50f, lastTokens.length), lastTokens);
    Candidates c = apply(path, logits, stage);
    float[] p = probabilitiesById(c, 5);
    for (int id = 0; id < 5; id++) {
      assertEquals(expected[id], p[id], LLAMA_TOLERANCE, "token " + id);
    }
    float[] after = logitsAfter(path, logits, stage);
    for (int id : lastTokens) {
      // The observed llama.cpp logit: ln 0.2 * 50 (the count does not matter).
      assertEquals(-80.471893f, after[id], 1e-4f, "token " + id);
    }
  }

  /** hf.md, Repetition penalty: input_ids [[0, 1], [5, 0]], penalty 2.0, vocabulary 10. */
  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void matchesTransformersRepetitionPenaltyRows(CandidatePath path) {
    float[] row0 = uniform(10, 0.1f);
    row0[0] = -0.1f;
    float[] row1 = uniform(10, 0.1f);
    row1[5] = 0.4f;

    float[] out0 = logitsAfter(path, row0, accepted(new RepetitionPenalty(2f), 0, 1));
    float[] expected0 = uniform(10, 0.1f);
    expected0[0] = -0.2f;
    expected0[1] = 0.05f;
    assertArrayEquals(expected0, out0, 1e-7f);

    float[] out1 = logitsAfter(path, row1, accepted(new RepetitionPenalty(2f), 5, 0));
    float[] expected1 = uniform(10, 0.1f);
    expected1[0] = 0.05f;
    expected1[5] = 0.2f;
    assertArrayEquals(expected1, out1, 1e-7f);
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void theWindowHoldsOnlyTheLastNTokens(CandidatePath path) {
    float[] logits = {1f, 1f, 1f, 1f};
    float[] out = logitsAfter(path, logits, accepted(new RepetitionPenalty(2f, 2), 0, 1, 2));
    assertArrayEquals(new float[] {1f, 0.5f, 0.5f, 1f}, out);
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void zeroWindowAndUnitPenaltyChangeNothing(CandidatePath path) {
    float[] logits = {1f, -2f, 0f, 3f};
    assertArrayEquals(logits, logitsAfter(path, logits, accepted(new RepetitionPenalty(3f, 0), 0, 1)));
    assertArrayEquals(logits, logitsAfter(path, logits, accepted(new RepetitionPenalty(1f), 0, 1)));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void aPenaltyBelowOneRewardsAndZeroStaysZero(CandidatePath path) {
    float[] logits = {2f, -2f, 0f, 3f};
    float[] out = logitsAfter(path, logits, accepted(new RepetitionPenalty(0.5f), 0, 1, 2, 99));
    // 99 is outside the vocabulary and is ignored.
    assertArrayEquals(new float[] {4f, -1f, 0f, 3f}, out);
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void aPendingTemperatureIsAppliedBeforeThePenalty(CandidatePath path) {
    float[] logits = {2f, -2f, 1f};
    float[] out = logitsAfter(path, logits, new Temperature(0.5f),
        accepted(new RepetitionPenalty(2f), 0, 1));
    assertArrayEquals(new float[] {2f, -8f, 2f}, out);
  }

  static float[] uniform(int n, float value) {
    float[] row = new float[n];
    Arrays.fill(row, value);
    return row;
  }
}
