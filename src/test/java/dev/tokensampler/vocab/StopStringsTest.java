package dev.tokensampler.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensampler.djl.HuggingFaceTextTokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Stop strings on text that arrives token by token: trimming, holding back, spans. */
class StopStringsTest {

  /** Feeds the pieces; returns the released text, "|" marking a stop. */
  private static String run(StopStrings stops, String... pieces) {
    StringBuilder out = new StringBuilder();
    for (String piece : pieces) {
      out.append(stops.append(piece));
      if (stops.stopped()) {
        return out.append('|').toString();
      }
    }
    return out.append(stops.finish()).toString();
  }

  @Test
  void theTextEndsWhereTheStopStringBegins() {
    assertEquals("Hello |", run(new StopStrings(List.of("User:")), "Hello U", "se", "r: more"));
    assertEquals("ab|", run(new StopStrings(List.of("c")), "abcdc"));
  }

  @Test
  void aPossibleStartIsHeldBackUntilItIsDecided() {
    StopStrings stops = new StopStrings(List.of("\n\nUser:"));
    assertEquals("one", stops.append("one\n"));
    assertEquals("", stops.append("\nUs"));
    assertEquals("\n\nUsed", stops.append("ed"), "not the stop string after all");
    assertFalse(stops.stopped());
    assertEquals("", stops.append("\n"));
    assertEquals("\n", stops.finish(), "released at the end");
  }

  @Test
  void theEarliestStopWinsThenTheLongest() {
    assertEquals("x hell|", run(new StopStrings(List.of("world", "o w")), "x hello world"));
    assertEquals("x |", run(new StopStrings(List.of("ab", "abc")), "x abcd"));
    assertEquals("x |", run(new StopStrings(List.of("ab", "abc")), "x a", "bc"));
  }

  @Test
  void emptyStopStringsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new StopStrings(List.of("a", "")));
    assertEquals("stop_strings[1] must not be empty", e.getMessage());
  }

  /** With a real tokenizer, a stop string spanning tokens is found and the text trimmed there. */
  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "qwen3", "llama3", "llama2"})
  void aStopStringSpanningTokensOfARealTokenizer(String name) throws IOException {
    assumeTrue(TestTokenizers.present(name), TestTokenizers.missing(name));
    String text = "Answer: the capital is Paris.\n\nUser: and of Italy?";
    String stop = "\n\nUser:";
    try (HuggingFaceTextTokenizer tokenizer =
        TestTokenizers.load(name)) {
      int[] ids = tokenizer.encode(text);
      StreamingDecoder decoder = new StreamingDecoder(tokenizer.vocabulary());
      StopStrings stops = new StopStrings(List.of(stop));
      StringBuilder out = new StringBuilder();
      int tokensInStop = 0;
      int stoppedAt = -1;
      for (int i = 0; i < ids.length && stoppedAt < 0; i++) {
        String piece = decoder.append(ids[i]);
        out.append(stops.append(piece));
        if (stops.stopped()) {
          stoppedAt = i;
        }
      }
      assertTrue(stoppedAt > 0, name + " " + Arrays.toString(ids));
      String before = tokenizer.decode(ids, 0, stoppedAt + 1);
      for (int k = stoppedAt; k >= 0 && !tokenizer.decode(ids, k, stoppedAt + 1 - k)
          .contains(stop); k--) {
        tokensInStop++;
      }
      assertTrue(tokensInStop >= 1, name + ": the stop string spans more than one token");
      assertTrue(before.contains(stop));
      String expected = before.substring(0, before.indexOf(stop));
      assertEquals(expected, out.toString(), name);
      assertTrue(out.toString().endsWith("Paris."), name);
    }
  }
}
