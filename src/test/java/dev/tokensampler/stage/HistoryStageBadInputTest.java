package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid parameter of the history, bias and mask stages: an
 * {@link IllegalArgumentException} (or {@link NullPointerException} for null) whose message names
 * the parameter, with its transformers or llama.cpp name, and the value.
 */
class HistoryStageBadInputTest {
  static Stream<Arguments> badParameters() {
    List<Arguments> rows = new ArrayList<>();
    String penalty = "repetition_penalty must be positive and finite (1 disables it), got ";
    for (float p : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
      rows.add(bad("repetition_penalty " + p, () -> new RepetitionPenalty(p), penalty + p));
    }
    rows.add(bad("penalty_last_n -2", () -> new RepetitionPenalty(1.1f, -2),
        "penalty_last_n must be > 0, -1 (the whole history) or 0 (disabled), got -2"));
    for (float f : new float[] {Float.NaN, Float.NEGATIVE_INFINITY}) {
      rows.add(bad("frequency_penalty " + f, () -> new FrequencyPresencePenalty(f, 0f),
          "frequency_penalty must be finite, got " + f));
      rows.add(bad("presence_penalty " + f, () -> new FrequencyPresencePenalty(0f, f),
          "presence_penalty must be finite, got " + f));
    }
    rows.add(bad("frequency penalty_last_n -5", () -> new FrequencyPresencePenalty(1f, 1f, -5),
        "penalty_last_n must be > 0, -1 (the whole history) or 0 (disabled), got -5"));
    return rows.stream();
  }

  private static Arguments bad(String name, Executable call, String message) {
    return Arguments.of(name, call, message);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badParameters")
  void theMessageNamesTheParameterAndValue(String name, Executable call, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call, name);
    assertEquals(message, e.getMessage());
  }
}
