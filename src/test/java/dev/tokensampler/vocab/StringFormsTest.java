package dev.tokensampler.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensampler.djl.HuggingFaceTextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * String forms against real tokenizers (Llama 3 byte-level BPE, Llama 2 SentencePiece; skipped
 * when {@code .ci/fetch-tokenizers} has not run): vLLM's bad-word variants, llama.cpp's DRY
 * breaker sequences, biases by string.
 */
class StringFormsTest {
  private static HuggingFaceTextTokenizer llama3;
  private static HuggingFaceTextTokenizer llama2;

  @BeforeAll
  static void load() throws IOException {
    if (TokenizerFiles.present("llama3")) {
      llama3 = HuggingFaceTextTokenizer.load(TokenizerFiles.folder("llama3"));
    }
    if (TokenizerFiles.present("llama2")) {
      llama2 = HuggingFaceTextTokenizer.load(TokenizerFiles.folder("llama2"));
    }
  }

  @AfterAll
  static void close() {
    if (llama3 != null) {
      llama3.close();
    }
    if (llama2 != null) {
      llama2.close();
    }
  }

  private static HuggingFaceTextTokenizer llama3() {
    assumeTrue(llama3 != null, TokenizerFiles.missing("llama3"));
    return llama3;
  }

  private static HuggingFaceTextTokenizer llama2() {
    assumeTrue(llama2 != null, TokenizerFiles.missing("llama2"));
    return llama2;
  }

  private static String text(TextTokenizer t, int[] ids) {
    return t.decode(ids, 0, ids.length);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama3"})
  void aBadWordIsBannedAtTheStartAndInTheMiddleOfAText(String name) throws IOException {
    assumeTrue(TestTokenizers.present(name), TestTokenizers.missing(name));
    try (HuggingFaceTextTokenizer tokenizer = TestTokenizers.load(name)) {
      badWordForms(tokenizer);
    }
  }

  private static void badWordForms(TextTokenizer t) {
    List<int[]> sequences = StringForms.badWords(t, List.of("  hello", "Paris"));
    assertEquals(List.of("hello", " hello", "Paris", " Paris"),
        sequences.stream().map(s -> text(t, s)).collect(Collectors.toList()));
    assertEquals(1, sequences.get(1).length, "' hello' is one token");
    assertArrayEquals(t.encode(" hello"), sequences.get(1));
  }

  @Test
  void theSpacedFormIsDroppedWhenItsLengthDiffers() {
    TextTokenizer t = llama3();
    String word = "tokensampler";
    int[] plain = t.encode(word);
    int[] spaced = t.encode(" " + word);
    List<int[]> sequences = StringForms.badWords(t, List.of(word));
    assertArrayEquals(plain, sequences.get(0));
    assertEquals(spaced.length == plain.length && spaced[0] != plain[0] ? 2 : 1,
        sequences.size());
    // Llama 2 prepends its space marker to every encoded text: "▁hello" either way, so one form.
    TextTokenizer spm = llama2();
    List<int[]> spmSequences = StringForms.badWords(spm, List.of("hello"));
    assertEquals(" hello", text(spm, spmSequences.get(0)));
    for (int[] s : spmSequences.subList(1, spmSequences.size())) {
      assertFalse(s[0] == spmSequences.get(0)[0]);
    }
  }

  @Test
  void blankBadWordsAreRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StringForms.badWords(llama3(), List.of("ok", " \t")));
    assertTrue(e.getMessage().startsWith("bad_words[1] must hold a word"), e.getMessage());
  }

  /** llama.cpp's defaults: every token holding one of the characters breaks, and only those. */
  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama3", "qwen3"})
  void theDefaultBreakersAreEveryTokenHoldingTheirCharacter(String name) throws IOException {
    assumeTrue(TestTokenizers.present(name), TestTokenizers.missing(name));
    try (HuggingFaceTextTokenizer tokenizer = TestTokenizers.load(name)) {
      defaultBreakers(tokenizer);
    }
  }

  private static void defaultBreakers(TextTokenizer t) {
    List<int[]> sequences =
        StringForms.drySequenceBreakers(t, List.of("\n", ":", "\"", "*"));
    TokenVocabulary v = t.vocabulary();
    Set<Integer> heads = sequences.stream().map(s -> s[0]).collect(Collectors.toSet());
    assertTrue(sequences.stream().allMatch(s -> s.length == 1), "one-character breakers");
    int expected = 0;
    for (int id = 0; id < v.size(); id++) {
      String token = new String(v.tokenBytes(id), StandardCharsets.ISO_8859_1);
      boolean breaks = token.contains("\n") || token.contains(":") || token.contains("\"")
          || token.contains("*");
      assertEquals(breaks, heads.contains(id), () -> "token " + token);
      expected += breaks ? 1 : 0;
    }
    assertEquals(expected, sequences.size());
    assertTrue(heads.contains(t.encode("\n")[0]));
    assertTrue(heads.contains(t.encode(".\n\n")[t.encode(".\n\n").length - 1]));
    assertFalse(heads.contains(t.encode(" hello")[0]));
    assertTrue(expected > 100, "many tokens hold a line break or a colon: " + expected);
  }

  /** A breaker of several tokens: heads that end with its start, tails that finish it. */
  @Test
  void aLongerBreakerMatchesAcrossTokens() {
    TextTokenizer t = llama3();
    List<int[]> sequences = StringForms.drySequenceBreakers(t, List.of("User:"));
    int user = t.encode("User")[0];
    int colon = t.encode(":")[0];
    assertEquals(1, t.encode("User").length);
    assertTrue(sequences.stream().anyMatch(s -> Arrays.equals(s, new int[] {user, colon})));
    for (int[] s : sequences) {
      String head = new String(t.vocabulary().tokenBytes(s[0]), StandardCharsets.UTF_8);
      if (s.length == 1) {
        assertTrue(head.contains("User:"), head);
      } else {
        String rest = text(t, Arrays.copyOfRange(s, 1, s.length));
        assertTrue("User:".endsWith(rest) && head.endsWith("User:".substring(0,
            "User:".length() - rest.length())), head + " + " + rest);
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StringForms.drySequenceBreakers(t, List.of("x".repeat(41))));
    assertTrue(e.getMessage().startsWith("dry_sequence_breakers[0] must have 1 to 40 UTF-8 bytes,"
        + " got 41"), e.getMessage());
  }

  @Test
  void biasesByStringReachEveryTokenOfTheString() {
    TextTokenizer t = llama3();
    Map<String, Float> biases = new LinkedHashMap<>();
    biases.put(" hello world", -2f);
    biases.put(" world", -1f);
    Map<Integer, Float> byId = StringForms.logitBias(t, biases);
    int hello = t.encode(" hello")[0];
    int world = t.encode(" world")[0];
    assertEquals(Map.of(hello, -2f, world, -3f), byId, "the two biases of ' world' add up");
    Map<Integer, Float> repeated = StringForms.logitBias(t, Map.of(" world world", 1.5f));
    assertEquals(1.5f, repeated.get(world), "a token repeated in one string gets its bias once");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StringForms.logitBias(t, Map.of("", 1f)));
    assertEquals("logit_bias key '' encodes to no token", e.getMessage());
  }
}
