package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensampler.vocab.TokenVocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * llama.cpp's example grammars (test resources, MIT, see the LICENSE beside them) parse as they
 * are, accept valid texts under random tokenizations, and reject invalid ones at the first bad
 * token.
 */
class LlamaCppGrammarsTest {
  private static final TokenVocabulary VOCAB = TestVocabularies.random(7,
      "abcdefghijklmnopqrstuvwxyz {}[]\":,0123456789.-+\\=\n()*/;#éあア一", 600, 5);

  static Grammar load(String name) {
    try (InputStream in = LlamaCppGrammarsTest.class.getResourceAsStream(
        "llamacpp/" + name + ".gbnf")) {
      return Grammar.gbnf(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Arguments> validTexts() {
    return Stream.of(
        Arguments.of("json", "{\"a\": [1, 2.5e3, \"x\\u00e9\\n\"], \"b\": {\"c\": null, \"d\": true}}"),
        Arguments.of("json", "{}"),
        Arguments.of("json", "{\"k\":\"é あ\"}"),
        Arguments.of("json_arr", "[\n{\"a\": 1},\n\"s\",\n[true, false]]"),
        Arguments.of("arithmetic", "1+2=3\n(x *y1) = 42\n"),
        Arguments.of("list", "- one\n- two words\n"),
        Arguments.of("chess", "1. e4 e5\n2. Nf3 Nc6\n3. Bb5 a6\n"),
        Arguments.of("c", "int main(){return 0;}"),
        Arguments.of("c", "int f(int x){int y = x*2+1;while(y<10){y = y+1;}return y;}"),
        Arguments.of("english", "Hello, world! 42 (ok)"),
        Arguments.of("japanese", "こんにちは 世界"));
  }

  @ParameterizedTest
  @MethodSource("validTexts")
  void acceptsValidTexts(String grammar, String text) {
    TokenConstraint c = TokenConstraint.compile(load(grammar), VOCAB);
    String t = text;
    byte[] bytes = t.getBytes(StandardCharsets.UTF_8);
    Tokenizations tok = new Tokenizations(VOCAB);
    Random r = new Random(grammar.hashCode());
    long[] words = new long[(VOCAB.size() + 63) / 64];
    for (int trial = 0; trial < 20; trial++) {
      ConstraintMatcher m = c.newMatcher();
      for (int id : tok.random(bytes, r)) {
        m.fillAllowed(words);
        if ((words[id >>> 6] & (1L << id)) == 0) {
          fail(grammar + ": token " + id + " not allowed in " + t);
        }
        m.accept(id);
      }
      assertTrue(m.isAccepting(), grammar + " does not accept " + t);
      m.fillAllowed(words);
      int eos = TestVocabularies.eos(VOCAB);
      assertTrue((words[eos >>> 6] & (1L << eos)) != 0, "EOS not allowed after " + t);
    }
  }

  /** Each mask along a valid text equals the set of tokens a copy of the matcher can accept. */
  @ParameterizedTest
  @MethodSource("validTexts")
  void masksAgreeWithAdvancingEachToken(String grammar, String text) {
    TokenConstraint c = TokenConstraint.compile(load(grammar), VOCAB);
    int[] tokens = new Tokenizations(VOCAB).random(text.getBytes(StandardCharsets.UTF_8),
        new Random(5));
    ConstraintMatcher m = c.newMatcher();
    long[] words = new long[(VOCAB.size() + 63) / 64];
    for (int step = 0; step <= tokens.length; step += 3) {
      m.fillAllowed(words);
      for (int id = 0; id < VOCAB.size(); id++) {
        ConstraintMatcher probe = m.copy();
        boolean advances;
        try {
          probe.accept(id);
          advances = true;
        } catch (IllegalArgumentException e) {
          advances = false;
        }
        if (advances != ((words[id >>> 6] & (1L << id)) != 0)) {
          fail(grammar + ": token " + id + " mask " + !advances + " at step " + step);
        }
      }
      for (int k = step; k < Math.min(step + 3, tokens.length); k++) {
        m.accept(tokens[k]);
      }
    }
  }

  static Stream<Arguments> invalidTexts() {
    return Stream.of(
        Arguments.of("json", "{\"a\" 1}"),
        Arguments.of("json", "[1]"),
        Arguments.of("json", "{\"a\":01}"),
        Arguments.of("arithmetic", "1+=2\n"),
        Arguments.of("chess", "1. e9"),
        Arguments.of("c", "int main() {}"),
        Arguments.of("list", "-one"),
        Arguments.of("japanese", "abc"));
  }

  @ParameterizedTest
  @MethodSource("invalidTexts")
  void rejectsInvalidTexts(String grammar, String text) {
    ConstraintMatcher m = TokenConstraint.compile(load(grammar), VOCAB).newMatcher();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      if (!m.isAllowed(b & 0xFF)) {
        return;
      }
      m.accept(b & 0xFF);
    }
    assertFalse(m.isAccepting(), grammar + " accepts the invalid " + text);
  }
}
