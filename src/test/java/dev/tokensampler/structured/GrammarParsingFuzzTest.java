package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz targets for the GBNF and regex parsers and the matcher behind them. Parsing arbitrary
 * text either compiles or throws {@link IllegalArgumentException}; a compiled grammar then follows
 * fuzzer-chosen allowed tokens without other errors. For regexes the text generated up to an
 * end-of-sequence token must match the same pattern under {@code java.util.regex}.
 *
 * <p>Without {@code JAZZER_FUZZ=1} these run their saved inputs as regression tests;
 * {@code .ci/fuzz} fuzzes them for a bounded time.
 */
@Tag("fuzz")
class GrammarParsingFuzzTest {
  private static final TokenVocabulary VOCAB =
      TestVocabularies.of("ab", "abc", "\"", "\":", "{\"", "12", "é", "  ", "\n", "a\n");
  private static final int EOS = TestVocabularies.eos(VOCAB);

  @FuzzTest(maxDuration = "30s")
  void parseArbitraryGbnf(FuzzedDataProvider data) {
    String text = data.consumeString(400);
    Grammar g;
    try {
      g = Grammar.gbnf(text);
    } catch (IllegalArgumentException expected) {
      return;
    }
    walk(g, data);
  }

  @FuzzTest(maxDuration = "30s")
  void regexAgreesWithJavaRegex(FuzzedDataProvider data) {
    String pattern = data.consumeString(60);
    Grammar g;
    try {
      g = Grammar.regex(pattern);
    } catch (IllegalArgumentException expected) {
      return;
    }
    String text = walk(g, data);
    if (text == null) {
      return;
    }
    Pattern p;
    try {
      p = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new AssertionError("accepted a pattern java.util.regex rejects: " + pattern, e);
    }
    assertTrue(p.matcher(text).matches(), "'" + pattern + "' does not match '" + text + "'");
  }

  /** Follows fuzzer-chosen allowed tokens; returns the text if it ended with end of sequence. */
  private static String walk(Grammar g, FuzzedDataProvider data) {
    ConstraintMatcher m;
    try {
      m = TokenConstraint.compile(g, VOCAB).newMatcher();
    } catch (IllegalStateException tooLarge) {
      return null;
    }
    long[] words = new long[(VOCAB.size() + 63) / 64];
    StringBuilder bytes = new StringBuilder();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int step = 0; step < 40 && data.remainingBytes() > 0; step++) {
      int count;
      try {
        count = m.fillAllowed(words);
      } catch (IllegalStateException tooLarge) {
        return null;
      }
      if (count == 0) {
        return null;
      }
      int k = data.consumeInt(0, count - 1);
      int id = nth(words, k);
      m.accept(id);
      if (id == EOS) {
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
      }
      out.writeBytes(VOCAB.tokenBytes(id));
    }
    return null;
  }

  private static int nth(long[] words, int k) {
    for (int w = 0; w < words.length; w++) {
      int c = Long.bitCount(words[w]);
      if (k < c) {
        long x = words[w];
        for (int i = 0; i < k; i++) {
          x &= x - 1;
        }
        return (w << 6) + Long.numberOfTrailingZeros(x);
      }
      k -= c;
    }
    throw new AssertionError();
  }
}
