package dev.tokensampler.vocab;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tokensampler.structured.ConstraintMatcher;
import dev.tokensampler.structured.Grammar;
import dev.tokensampler.structured.TokenConstraint;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Texts tokenized by the real tokenizer (Hugging Face tokenizers through DJL, no special tokens)
 * are walked token by token through a constraint compiled against the vocabulary that
 * {@link TokenizerJson} reads: every token of a text in the language must be allowed and an
 * end-of-sequence token after it, and a text outside the language must be refused somewhere.
 * Tokens holding part of a UTF-8 character (emoji, CJK) are among them. Needs the files of
 * {@code .ci/fetch-tokenizers}; skipped with a message naming the step when they are absent.
 */
class RealTokenizationWalkTest {

  private static final String PATTERN = "\\{\"name\":\"[^\"\\\\]*\",\"age\":(0|[1-9][0-9]*),"
      + "\"tags\":\\[(\"[a-z ]+\"(,\"[a-z ]+\")*)?\\]\\}";

  private static final List<String> IN_LANGUAGE = List.of(
      "{\"name\":\"Ada Lovelace\",\"age\":36,\"tags\":[\"math\",\"poetical science\"]}",
      "{\"name\":\"李小龙 🐉 Bruce\",\"age\":0,\"tags\":[]}",
      "{\"name\":\"Zoë — naïve café 👩‍💻\",\"age\":1234567890,\"tags\":[\"a\"]}",
      "{\"name\":\"\",\"age\":7,\"tags\":[\"x y\",\"z\"]}");

  private static final List<String> OUTSIDE = List.of(
      "{\"name\":\"Ada\",\"age\":036,\"tags\":[]}",
      "{\"name\":\"Ada\",\"age\":36,\"tags\":[\"Math\"]}",
      "{\"name\":\"Ada\",\"age\":36}",
      "{\"name\": \"Ada\",\"age\":36,\"tags\":[]}");

  @ParameterizedTest(name = "{0}")
  @CsvSource({"qwen3, 151936", "llama3, 128256"})
  void tokenizationsOfTheLanguageAreAllowedStepByStep(String name, int logits)
      throws IOException {
    assumeTrue(TokenizerFiles.present(name), TokenizerFiles.missing(name));
    Path dir = TokenizerFiles.folder(name);
    TokenVocabulary vocabulary = TokenizerJson.read(dir, logits);
    ConstraintMatcher matcher =
        TokenConstraint.compile(Grammar.regex(PATTERN), vocabulary).newMatcher();
    long[] words = new long[(logits + 63) >>> 6];
    try (InputStream in = Files.newInputStream(dir.resolve("tokenizer.json"));
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of())) {
      int partial = 0;
      for (String text : IN_LANGUAGE) {
        assertTrue(text.matches(PATTERN), text);
        long[] ids = tokenizer.encode(text, false, false).getIds();
        matcher.reset();
        for (int i = 0; i < ids.length; i++) {
          int id = (int) ids[i];
          matcher.fillAllowed(words);
          assertTrue((words[id >>> 6] & (1L << id)) != 0,
              name + ": token " + i + " (" + id + ") of " + text + " is not allowed");
          partial += Utf8Lossy.valid(vocabulary.tokenBytes(id)) ? 0 : 1;
          matcher.accept(id);
        }
        assertTrue(matcher.isAccepting(), text);
        matcher.fillAllowed(words);
        boolean endAllowed = false;
        for (int e : vocabulary.eosTokenIds()) {
          endAllowed |= (words[e >>> 6] & (1L << e)) != 0;
        }
        assertTrue(endAllowed, name + ": no end allowed after " + text);
      }
      assertTrue(partial > 0, "some tokens hold part of a UTF-8 character");

      for (String text : OUTSIDE) {
        assertFalse(text.matches(PATTERN), text);
        long[] ids = tokenizer.encode(text, false, false).getIds();
        matcher.reset();
        boolean refused = false;
        for (long id : ids) {
          matcher.fillAllowed(words);
          if ((words[(int) id >>> 6] & (1L << id)) == 0) {
            refused = true;
            break;
          }
          matcher.accept((int) id);
        }
        assertTrue(refused || !matcher.isAccepting(), name + ": accepted " + text);
      }
    }
  }
}
