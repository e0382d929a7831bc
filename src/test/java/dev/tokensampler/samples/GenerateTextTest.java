package dev.tokensampler.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link GenerateText} on the shipped model with standard output captured: it prints the
 * seed, a text per prompt and strategy, a JSON object valid against the schema, finds the rerun
 * identical, and streams one sentence.
 */
class GenerateTextTest {
  private static String output;

  @BeforeAll
  static void runGenerateText() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      GenerateText.main(new String[] {"--seed", "5"});
    } finally {
      System.setOut(original);
    }
    output = captured.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }

  @Test
  void printsTheSeedAndEveryStrategy() {
    assertTrue(output.contains("seed: 5\n"), output);
    for (String strategy : GenerateText.strategies().keySet()) {
      assertTrue(output.contains("== " + strategy + "\n"), output);
    }
  }

  @Test
  void printsOneTextPerPromptAndStrategyStartingWithThePrompt() {
    int texts = GenerateText.strategies().size() * GenerateText.PROMPTS.length;
    Matcher stops = Pattern.compile("\\[(\\d+) tokens, [A-Z_]+\\]").matcher(output);
    int count = 0;
    while (stops.find()) {
      int tokens = Integer.parseInt(stops.group(1));
      assertTrue(tokens >= 1 && tokens <= GenerateText.MAX_JSON_TOKENS, stops.group());
      count++;
    }
    assertEquals(texts + 2, count, output);
    for (String prompt : GenerateText.PROMPTS) {
      assertTrue(output.contains("\n" + prompt), prompt);
    }
    assertFalse(output.contains("\uFFFD"), output);
  }

  @Test
  void printsAJsonObjectThatValidatesAgainstTheSchema() {
    Matcher json = Pattern.compile("\n(\\{\"title\":.*)\n").matcher(output);
    assertTrue(json.find(), output);
    assertEquals(java.util.List.of(), GenerateText.schemaViolations(json.group(1)), json.group(1));
    assertTrue(output.contains("valid against the schema: true\n"), output);
  }

  @Test
  void schemaCheckFindsInvalidObjects() {
    assertEquals(java.util.List.of(),
        GenerateText.schemaViolations("{\"title\":\"The jury\",\"year\":1961,\"section\":\"news\"}"));
    assertEquals(1, GenerateText.schemaViolations(
        "{\"title\":\"The jury\",\"year\":1861,\"section\":\"news\"}").size());
    assertEquals(1, GenerateText.schemaViolations(
        "{\"title\":\"Th\",\"year\":1961,\"section\":\"news\"}").size());
    assertEquals(1, GenerateText.schemaViolations(
        "{\"title\":\"The jury\",\"year\":1961.5,\"section\":\"news\"}").size());
    assertEquals(1, GenerateText.schemaViolations(
        "{\"title\":\"The jury\",\"year\":1961,\"section\":\"sports\"}").size());
    assertEquals(1, GenerateText.schemaViolations(
        "{\"title\":\"The jury\",\"year\":1961}").size());
    assertEquals(1, GenerateText.schemaViolations(
        "{\"title\":\"The jury\",\"year\":1961,\"section\":\"news\",\"x\":1}").size());
    assertEquals(1, GenerateText.schemaViolations("{\"title\":\"The jury\",").size());
  }

  @Test
  void findsTheRerunWithTheSameSeedIdentical() {
    int texts = GenerateText.strategies().size() * GenerateText.PROMPTS.length + 1;
    assertTrue(output.contains("same seed again, same text: true (" + texts + " texts)"), output);
  }
}
