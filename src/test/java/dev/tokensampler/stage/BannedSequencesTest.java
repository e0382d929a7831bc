package dev.tokensampler.stage;

import static dev.tokensampler.stage.StageRun.accepted;
import static dev.tokensampler.stage.StageRun.logitsAfter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link BannedSequences} against transformers' {@code test_no_bad_words_dist_processor}
 * ({@code reference-vectors/hf.md}, No bad words), on both forms of the candidates.
 */
class BannedSequencesTest {
  /**
   * The bad words of the transformers test without {@code [4]}, which transformers drops because
   * 4 is the EOS id there (here the caller leaves it out).
   */
  private static final List<int[]> BAD_WORDS = List.of(
      new int[] {1}, new int[] {1, 0}, new int[] {0, 1, 2}, new int[] {1, 3, 1, 3});

  private static boolean[] banned(CandidatePath path, List<int[]> badWords, int... ids) {
    float[] uniform = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f};
    float[] out = logitsAfter(path, uniform, accepted(new BannedSequences(badWords), ids));
    boolean[] isInf = new boolean[5];
    for (int t = 0; t < 5; t++) {
      isInf[t] = out[t] == Float.NEGATIVE_INFINITY;
    }
    return isInf;
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void rowsOfTheTransformersTest(CandidatePath path) {
    assertArrayEquals(new boolean[] {true, true, false, true, false},
        banned(path, BAD_WORDS, 0, 1, 3, 1));
    assertArrayEquals(new boolean[] {true, true, true, false, false},
        banned(path, BAD_WORDS, 0, 1, 0, 1));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void withoutHistoryOnlyOneTokenSequencesAreBanned(CandidatePath path) {
    assertArrayEquals(new boolean[] {false, true, false, false, false}, banned(path, BAD_WORDS));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void onlyTheEndOfTheHistoryMatters(CandidatePath path) {
    List<int[]> words = List.of(new int[] {2, 3, 4});
    assertArrayEquals(new boolean[] {false, false, false, false, true},
        banned(path, words, 0, 2, 3));
    assertArrayEquals(new boolean[5], banned(path, words, 2, 3, 0));
  }

  /** A banned token whose logit is NaN or +Infinity is an error, not a masked token. */
  @Test
  void invalidLogitsAtABannedTokenAreStillAnError() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      float[] logits = {0f, bad, 1f};
      Candidates c = CandidatePath.WHOLE_VOCABULARY.start(logits);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
        new BannedSequences(List.of(new int[] {1})).apply(c);
        c.validate();
      });
      assertTrue(e.getMessage().startsWith("logits[1] is "), e.getMessage());
    }
  }

  @Test
  void theSequencesAreCopiedAndReadBack() {
    int[] word = {1, 2};
    BannedSequences stage = new BannedSequences(List.of(word));
    word[0] = 9;
    assertArrayEquals(new int[] {1, 2}, stage.badWordsIds().get(0));
    assertEquals("bad_words_ids=[[1,2]]", stage.toString());
  }
}
