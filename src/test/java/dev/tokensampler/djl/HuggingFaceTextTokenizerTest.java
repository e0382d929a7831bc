package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tokensampler.vocab.TestTokenizers;
import dev.tokensampler.vocab.TokenizerFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The adapter over the Hugging Face tokenizers library on real tokenizer files (those of
 * {@code .ci/fetch-tokenizers}; skipped when absent): its ids are the library's, its decoding
 * is the library's decoding in the middle of a text, and it never truncates.
 */
class HuggingFaceTextTokenizerTest {
  static final String TEXT =
      "Hello, world! naïve café — 日本語のテキスト, emoji 🎉🦀 and\n\ttabs: \"quoted\" *bold*";

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "qwen3", "llama3", "llama2", "gemma"})
  void idsAndTextAreTheLibrarys(String name) throws IOException {
    assumeTrue(TestTokenizers.present(name), TestTokenizers.missing(name));
    Path file = TestTokenizers.folder(name).resolve("tokenizer.json");
    try (HuggingFaceTextTokenizer tokenizer = HuggingFaceTextTokenizer.load(file);
        HuggingFaceTokenizer reference = HuggingFaceTokenizer.newInstance(file, Map.of())) {
      int[] ids = tokenizer.encode(TEXT);
      long[] expected = reference.encode(TEXT, false, false).getIds();
      assertArrayEquals(expected, Arrays.stream(ids).asLongStream().toArray(), name);
      // The library's decode after an anchor token is the text in the middle of a text.
      long anchor = reference.encode("a", false, false).getIds()[0];
      long[] anchored = new long[ids.length + 1];
      anchored[0] = anchor;
      System.arraycopy(expected, 0, anchored, 1, ids.length);
      assertEquals(reference.decode(anchored, true), "a" + tokenizer.decode(ids, 0, ids.length));
      assertTrue(tokenizer.decode(ids, 0, ids.length).endsWith(TEXT.substring(1)), name);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "qwen3", "llama3"})
  void longTextsAreNotTruncated(String name) throws IOException {
    assumeTrue(TestTokenizers.present(name), TestTokenizers.missing(name));
    String text = "the quick brown fox jumps over the lazy dog. ".repeat(2000);
    try (HuggingFaceTextTokenizer tokenizer =
        TestTokenizers.load(name)) {
      int[] ids = tokenizer.encode(text);
      assertTrue(ids.length > 18_000, "ids: " + ids.length);
      assertEquals(text, tokenizer.decode(ids, 0, ids.length));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama2"})
  void promptsGetTheBeginningOfSequenceToken(String name) throws IOException {
    assumeTrue(TestTokenizers.present(name), TestTokenizers.missing(name));
    try (HuggingFaceTextTokenizer tokenizer =
        TestTokenizers.load(name)) {
      int[] plain = tokenizer.encode("Hello");
      int[] prompt = tokenizer.encodePrompt("Hello");
      assertEquals(plain.length + 1, prompt.length);
      assertEquals(1, prompt[0], "<s>");
      assertTrue(tokenizer.vocabulary().isSpecial(prompt[0]));
      assertEquals(" Hello", tokenizer.decode(prompt, 0, prompt.length),
          "special tokens skipped, the space marker kept");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen3"})
  void aVocabularySmallerThanTheTokenizerIsRefused(String name) {
    assumeTrue(TestTokenizers.present(name), TestTokenizers.missing(name));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HuggingFaceTextTokenizer.load(TokenizerFiles.folder(name), 1000));
    assertTrue(e.getMessage().contains("1000"), e.getMessage());
  }
}
