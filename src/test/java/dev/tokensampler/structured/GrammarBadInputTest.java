package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.vocab.TokenVocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid or pathological grammars fail fast with {@link IllegalArgumentException} naming the
 * position and the reason; large-but-valid ones compile within the limits.
 */
class GrammarBadInputTest {
  static Stream<Arguments> badGbnf() {
    return Stream.of(
        Arguments.of("root = \"a\"", "1:6: expecting '::='"),
        Arguments.of("root ::= x\n", "1:10: rule 'x' is not defined"),
        Arguments.of("a ::= \"x\"", "no rule 'root'"),
        Arguments.of("root ::= \"abc", "1:10: unterminated string literal"),
        Arguments.of("root ::= \"\\q\"", "1:11: unknown escape '\\q'"),
        Arguments.of("root ::= [z-a]", "1:11: character range ends below its start"),
        Arguments.of("root ::= expr\nexpr ::= expr \"+\" [0-9] | [0-9]", "left-recursive"),
        Arguments.of("root ::= \"a\" root", "matches no finite string"),
        Arguments.of("root ::= <[1]>", "token references"),
        Arguments.of("root ::= \"a\"{5,2}", "maximum below minimum"),
        Arguments.of("root ::= \"a\"{99999999999}", "repetition count above"),
        Arguments.of("root ::= \"ab\"{0,1000000}", "grammar too large"),
        Arguments.of("root ::= (\"a\"", "1:14: expecting ')'"),
        Arguments.of("root ::= \"a\"\nroot ::= \"b\"", "2:1: rule 'root' is defined twice"),
        Arguments.of("root ::= \"a\" )", "1:14: expecting newline"),
        Arguments.of("root ::= \"\\U00110000\"", "not a Unicode scalar value"),
        Arguments.of("root ::= " + "(".repeat(2000) + "\"a\"" + ")".repeat(2000),
            "nested deeper than"),
        Arguments.of("root ::= * \"a\"", "expecting an item before '*'"));
  }

  @ParameterizedTest
  @MethodSource("badGbnf")
  void gbnfErrorsNamePositionAndReason(String text, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Grammar.gbnf(text));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  static Stream<Arguments> badRegex() {
    return Stream.of(
        Arguments.of("(a)\\1", "index 3: backreferences"),
        Arguments.of("(?=a)b", "index 0: lookaround"),
        Arguments.of("a\\bb", "anchor '\\b'"),
        Arguments.of("a*+", "possessive"),
        Arguments.of("(?i)a", "not supported"),
        Arguments.of("(ab", "unclosed group"),
        Arguments.of("ab)", "unmatched ')'"),
        Arguments.of("a**", "quantifier after a quantifier"),
        Arguments.of("[z-a]", "range ends below"),
        Arguments.of("\\p{L}", "Unicode properties"),
        Arguments.of("*a", "with nothing before it"),
        Arguments.of("a{3", "expecting '}'"),
        Arguments.of("[]", "empty character class"),
        Arguments.of("[a[b]]", "nested character classes"),
        Arguments.of("[a&&b]", "intersection"),
        Arguments.of("a$b", "'$' is supported only at the end"),
        Arguments.of("x{0,1000000}", "grammar too large"),
        Arguments.of("\\", "lone backslash"));
  }

  @ParameterizedTest
  @MethodSource("badRegex")
  void regexErrorsNameIndexAndReason(String pattern, String expected) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Grammar.regex(pattern));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void choiceRejectsNoOptionsAndNulls() {
    assertThrows(IllegalArgumentException.class, () -> Grammar.choice());
    List<String> withNull = new ArrayList<>();
    withNull.add("a");
    withNull.add(null);
    assertThrows(IllegalArgumentException.class, () -> Grammar.choice(withNull));
    assertThrows(IllegalArgumentException.class, () -> Grammar.choice("\ud800"));
  }

  @Test
  void hugeChoiceIsRejectedPastTheLimit() {
    List<String> options = new ArrayList<>();
    for (int i = 0; i < 400_000; i++) {
      options.add("option-number-" + i);
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Grammar.choice(options));
    assertTrue(e.getMessage().contains("grammar too large"), e.getMessage());
  }

  @Test
  void nestedAndNullableRepetitionsCompileAndRun() {
    TokenVocabulary v = TestVocabularies.of("aa", "aaa");
    for (Supplier<Grammar> g : List.<Supplier<Grammar>>of(
        () -> Grammar.regex("(a*)*b"),
        () -> Grammar.regex("(a|a|aa)*b"),
        () -> Grammar.regex("((a{20}){20}){20}b?"),
        () -> Grammar.regex(".{0,20000}"),
        () -> Grammar.gbnf("root ::= (\"a\"?)* \"b\""),
        () -> Grammar.gbnf("root ::= x\nx ::= y | \"a\"\ny ::= x | \"b\""))) {
      ConstraintMatcher m = TokenConstraint.compile(g.get(), v).newMatcher();
      long[] words = new long[(v.size() + 63) / 64];
      for (int i = 0; i < 50 && m.fillAllowed(words) > 0 && m.isAllowed('a'); i++) {
        m.accept('a');
      }
      assertFalse(m.isFinished() && !m.isAccepting());
    }
  }
}
