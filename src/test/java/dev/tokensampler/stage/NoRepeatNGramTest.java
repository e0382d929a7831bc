package dev.tokensampler.stage;

import static dev.tokensampler.stage.StageRun.accepted;
import static dev.tokensampler.stage.StageRun.logitsAfter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link NoRepeatNGram} against transformers' {@code test_no_repeat_ngram_dist_processor} and its
 * two newer cases ({@code reference-vectors/hf.md}, No-repeat n-gram), on both forms of the
 * candidates. The expected values are the {@code isinf} patterns of the uniform scores.
 */
class NoRepeatNGramTest {
  private static boolean[] banned(CandidatePath path, int vocabulary, int n, int... ids) {
    float[] uniform = new float[vocabulary];
    java.util.Arrays.fill(uniform, 1f / vocabulary);
    float[] out = logitsAfter(path, uniform, accepted(new NoRepeatNGram(n), ids));
    boolean[] isInf = new boolean[vocabulary];
    for (int t = 0; t < vocabulary; t++) {
      isInf[t] = out[t] == Float.NEGATIVE_INFINITY;
    }
    return isInf;
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void bigramsOfTheTransformersTest(CandidatePath path) {
    assertArrayEquals(new boolean[] {false, true, true}, banned(path, 3, 2, 1, 1, 2, 1));
    assertArrayEquals(new boolean[] {true, false, false}, banned(path, 3, 2, 0, 1, 0, 1));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void trigramsOfTheTransformersTest(CandidatePath path) {
    assertArrayEquals(new boolean[] {false, false, false}, banned(path, 3, 3, 1, 1, 2, 1));
    assertArrayEquals(new boolean[] {true, false, false}, banned(path, 3, 3, 0, 1, 0, 1));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void aLaterNGramDoesNotUnbanAnEarlierOne(CandidatePath path) {
    boolean[] expected = new boolean[10];
    expected[5] = true;
    assertArrayEquals(expected, banned(path, 10, 3, 1, 2, 5, 7, 8, 5, 1, 2));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void aHistoryShorterThanNBansNothing(CandidatePath path) {
    assertArrayEquals(new boolean[10], banned(path, 10, 3, 1, 2));
    assertArrayEquals(new boolean[10], banned(path, 10, 3, 0, 1));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void unigramsBanEveryTokenSeen(CandidatePath path) {
    assertArrayEquals(new boolean[] {false, true, false, true, false},
        banned(path, 5, 1, 3, 1, 3, 7));
  }
}
