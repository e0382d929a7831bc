package dev.tokensampler.stage;

import static dev.tokensampler.stage.StageRun.logitsAfter;
import static dev.tokensampler.stage.StageRun.restored;
import static dev.tokensampler.stage.StageRun.saved;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The state contract of every stateful built-in stage, on both forms of the candidates, with
 * tokens fed as a sampler feeds generated ones (apply, then accept): the history changes the result; copies are independent of each other and of the prototype;
 * {@code reset} forgets; a saved state restored into a fresh copy gives the same result and saves
 * to the same bytes; a malformed state is rejected.
 */
class HistoryStageContractTest {
  private static final float[] LOGITS = {0.5f, 1.5f, -0.5f, 2f, 0.25f, 1f, -1f, 0.75f};

  /** A stage prototype and a history after which it changes {@link #LOGITS}. */
  record Case(String name, Supplier<Stage> prototype, int[] history, int[] more) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    cases.add(new Case("repetition penalty", () -> new RepetitionPenalty(1.7f),
        new int[] {1, 3, 3}, new int[] {5}));
    cases.add(new Case("repetition penalty, window 2", () -> new RepetitionPenalty(1.7f, 2),
        new int[] {1, 3, 0}, new int[] {5}));
    cases.add(new Case("frequency and presence", () -> new FrequencyPresencePenalty(0.4f, 0.3f),
        new int[] {1, 3, 3}, new int[] {3}));
    cases.add(new Case("frequency and presence, window 3",
        () -> new FrequencyPresencePenalty(0.4f, 0.3f, 3), new int[] {1, 3, 3, 7}, new int[] {3}));
    cases.add(new Case("no-repeat bigrams", () -> new NoRepeatNGram(2),
        new int[] {1, 3, 1}, new int[] {3}));
    cases.add(new Case("banned sequences",
        () -> new BannedSequences(List.of(new int[] {2}, new int[] {1, 3, 5}, new int[] {3, 0})),
        new int[] {1, 3}, new int[] {3}));
    cases.add(new Case("min new tokens", () -> new MinNewTokens(2, 3), new int[] {1, 5},
        new int[] {4}));
    cases.add(new Case("dry", () -> new Dry(0.8f, 1.75f, 2, -1, List.of(new int[] {6, 6})),
        new int[] {1, 3, 5, 1, 3}, new int[] {5}));
    cases.add(new Case("dry, window 6", () -> new Dry(0.8f, 1.75f, 1, 6, List.of(new int[] {7})),
        new int[] {2, 4, 0, 1, 3, 0, 1}, new int[] {3}));
    return cases;
  }

  /**
   * Feeds tokens as a sampler does when it generates them: apply, then accept, for each.
   *
   * @param stage the stage
   * @param tokens the tokens
   * @return the stage
   */
  private static Stage generated(Stage stage, int... tokens) {
    for (int token : tokens) {
      stage.apply(CandidatePath.WHOLE_VOCABULARY.start(LOGITS));
      stage.accept(token);
    }
    return stage;
  }

  static Stream<Arguments> casesAndPaths() {
    List<Arguments> rows = new ArrayList<>();
    for (Case c : cases()) {
      for (CandidatePath path : CandidatePath.values()) {
        rows.add(Arguments.of(c, path));
      }
    }
    return rows.stream();
  }

  private static float[] fresh(Case c, CandidatePath path) {
    return logitsAfter(path, LOGITS, c.prototype().get());
  }

  private static float[] after(Case c, CandidatePath path, int[]... histories) {
    Stage stage = c.prototype().get().copy();
    for (int[] history : histories) {
      generated(stage, history);
    }
    return logitsAfter(path, LOGITS, stage);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("casesAndPaths")
  void theHistoryChangesTheLogitsButNotTheCallersArray(Case c, CandidatePath path) {
    float[] before = LOGITS.clone();
    assertFalse(Arrays.equals(fresh(c, path), after(c, path, c.history())));
    assertArrayEquals(before, LOGITS, "the caller's logits are never written");
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("casesAndPaths")
  void copiesAreIndependent(Case c, CandidatePath path) {
    Stage prototype = c.prototype().get();
    Stage first = generated(prototype.copy(), c.history());
    Stage second = prototype.copy();
    assertArrayEquals(fresh(c, path), logitsAfter(path, LOGITS, second), "a new copy is fresh");
    assertArrayEquals(fresh(c, path), logitsAfter(path, LOGITS, prototype), "prototype untouched");

    Stage copyOfFirst = generated(first.copy(), c.more());
    assertArrayEquals(after(c, path, c.history()), logitsAfter(path, LOGITS, first),
        "the copy's tokens do not reach the original");
    assertArrayEquals(after(c, path, c.history(), c.more()),
        logitsAfter(path, LOGITS, copyOfFirst), "the copy starts from the original's state");
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("casesAndPaths")
  void resetForgetsTheHistory(Case c, CandidatePath path) {
    Stage stage = generated(c.prototype().get().copy(), c.history());
    stage.reset();
    assertArrayEquals(fresh(c, path), logitsAfter(path, LOGITS, stage));
    generated(stage, c.history());
    assertArrayEquals(after(c, path, c.history()), logitsAfter(path, LOGITS, stage));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("casesAndPaths")
  void aSavedStateRestoresToTheSameBehaviour(Case c, CandidatePath path) throws IOException {
    Stage original = generated(c.prototype().get().copy(), c.history());
    byte[] state = saved(original);
    Stage copy = restored(c.prototype().get().copy(), state);
    assertArrayEquals(logitsAfter(path, LOGITS, original), logitsAfter(path, LOGITS, copy));
    assertArrayEquals(state, saved(copy));
    generated(original, c.more());
    generated(copy, c.more());
    assertArrayEquals(logitsAfter(path, LOGITS, original), logitsAfter(path, LOGITS, copy),
        "they continue alike");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aMalformedStateIsRejected(Case c) {
    byte[] negative = ByteBuffer.allocate(4).putInt(-2).array();
    assertThrows(IOException.class, () -> restored(c.prototype().get().copy(), negative));
    assertThrows(IOException.class, () -> restored(c.prototype().get().copy(), new byte[2]));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aNegativeTokenIsRejected(Case c) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.prototype().get().copy().accept(-3));
    org.junit.jupiter.api.Assertions.assertEquals("token must be >= 0, got -3", e.getMessage());
  }
}
