package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    rows.add(bad("logit_bias negative id", () -> new LogitBias(Map.of(-1, 1f)),
        "logit_bias token id must be >= 0, got -1"));
    for (float b : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      rows.add(bad("logit_bias " + b, () -> new LogitBias(Map.of(3, b)),
          "logit_bias of token 3 must be finite or -Infinity, got " + b));
    }
    rows.add(bad("empty allowed tokens", () -> TokenMask.allowing(new BitSet()),
        "allowed tokens must keep at least one token outside the banned ones, got allowed {},"
            + " banned {}"));
    BitSet one = new BitSet();
    one.set(2);
    rows.add(bad("allowed tokens all banned", () -> new TokenMask(one, one),
        "allowed tokens must keep at least one token outside the banned ones, got allowed {2},"
            + " banned {2}"));
    rows.add(bad("no_repeat_ngram_size 0", () -> new NoRepeatNGram(0),
        "no_repeat_ngram_size must be >= 1 (leave the stage out to disable it), got 0"));
    rows.add(bad("bad_words_ids empty", () -> new BannedSequences(List.of()),
        "bad_words_ids must not be empty, got []"));
    rows.add(bad("bad_words_ids empty sequence",
        () -> new BannedSequences(List.of(new int[] {1}, new int[0])),
        "bad_words_ids[1] must not be empty, got []"));
    rows.add(bad("bad_words_ids negative id",
        () -> new BannedSequences(List.of(new int[] {1, -4})),
        "bad_words_ids[0][1] must be >= 0, got -4"));
    rows.add(bad("min_new_tokens -1", () -> new MinNewTokens(-1, 2),
        "min_new_tokens must be >= 0, got -1"));
    rows.add(bad("eos_token_id none", () -> new MinNewTokens(3),
        "eos_token_id must name at least one token, got []"));
    rows.add(bad("eos_token_id -2", () -> new MinNewTokens(3, 1, -2),
        "eos_token_id must be >= 0, got -2"));
    for (float m : new float[] {-0.5f, Float.NaN, Float.POSITIVE_INFINITY}) {
      rows.add(bad("dry_multiplier " + m, () -> new Dry(m, 1.75f, 2, -1, List.of()),
          "dry_multiplier must be finite and >= 0 (0 disables it), got " + m));
    }
    for (float b : new float[] {0.9f, Float.NaN, Float.POSITIVE_INFINITY}) {
      rows.add(bad("dry_base " + b, () -> new Dry(0.8f, b, 2, -1, List.of()),
          "dry_base must be finite and >= 1, got " + b));
    }
    rows.add(bad("dry_allowed_length 0", () -> new Dry(0.8f, 1.75f, 0, -1, List.of()),
        "dry_allowed_length must be >= 1, got 0"));
    rows.add(bad("dry_penalty_last_n -3", () -> new Dry(0.8f, 1.75f, 2, -3, List.of()),
        "dry_penalty_last_n must be > 0, -1 (the whole history) or 0 (disabled), got -3"));
    rows.add(bad("dry_sequence_breakers empty",
        () -> new Dry(0.8f, 1.75f, 2, -1, List.of(new int[] {1}, new int[0])),
        "dry_sequence_breakers[1] must not be empty, got []"));
    rows.add(bad("dry_sequence_breakers negative",
        () -> new Dry(0.8f, 1.75f, 2, -1, List.of(new int[] {1, -7})),
        "dry_sequence_breakers[0][1] must be >= 0, got -7"));
    return rows.stream();
  }

  static Stream<Arguments> nullParameters() {
    Map<Integer, Float> nullValue = new HashMap<>();
    nullValue.put(1, null);
    Map<Integer, Float> nullKey = new HashMap<>();
    nullKey.put(null, 1f);
    return Stream.of(
        Arguments.of("logit_bias", (Executable) () -> new LogitBias(null), "logit_bias"),
        Arguments.of("logit_bias value", (Executable) () -> new LogitBias(nullValue),
            "logit_bias of token 1"),
        Arguments.of("logit_bias key", (Executable) () -> new LogitBias(nullKey),
            "logit_bias token id"),
        Arguments.of("allowed", (Executable) () -> TokenMask.allowing(null), "allowed tokens"),
        Arguments.of("banned", (Executable) () -> TokenMask.banning(null), "banned tokens"),
        Arguments.of("bad_words_ids", (Executable) () -> new BannedSequences(null), "bad_words_ids"),
        Arguments.of("bad_words_ids[0]",
            (Executable) () -> new BannedSequences(java.util.Collections.singletonList(null)),
            "bad_words_ids[0]"),
        Arguments.of("dry_sequence_breakers",
            (Executable) () -> new Dry(0.8f, 1.75f, 2, -1, null), "dry_sequence_breakers"),
        Arguments.of("dry_sequence_breakers[0]", (Executable) () -> new Dry(0.8f, 1.75f, 2, -1,
            java.util.Collections.singletonList(null)), "dry_sequence_breakers[0]"),
        Arguments.of("eos_token_id", (Executable) () -> new MinNewTokens(1, (int[]) null),
            "eos_token_id"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullParameters")
  void nullIsANullPointerExceptionNamingTheParameter(String name, Executable call, String message) {
    NullPointerException e = assertThrows(NullPointerException.class, call, name);
    assertEquals(message, e.getMessage());
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
