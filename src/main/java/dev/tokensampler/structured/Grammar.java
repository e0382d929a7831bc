package dev.tokensampler.structured;

import dev.tokensampler.internal.grammar.ByteGrammar;
import dev.tokensampler.internal.grammar.GbnfParser;
import dev.tokensampler.internal.grammar.GrammarBuilder;
import dev.tokensampler.internal.grammar.RegexParser;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A formal language over text that generated output must belong to: a GBNF grammar, a regular
 * expression, or a choice among fixed strings. Text is matched as its UTF-8 bytes.
 *
 * <p>Immutable, thread-safe and independent of any vocabulary; {@link TokenConstraint#compile}
 * binds it to one. Every factory checks its input and bounds its size: past
 * {@value GrammarBuilder#MAX_ELEMENTS} elements or {@value GrammarBuilder#MAX_RULES} rules (after
 * expanding repetitions such as {@code {m,n}}), it throws {@link IllegalArgumentException}.
 * Rules that can never complete are dropped, so every prefix a constraint allows can be
 * completed; a grammar that matches no finite string is rejected.
 */
public final class Grammar {
  private final ByteGrammar bytes;
  private final String description;

  private Grammar(ByteGrammar bytes, String description) {
    this.bytes = bytes;
    this.description = description;
  }

  /**
   * A grammar in llama.cpp's GBNF format; the start rule is {@code root}.
   *
   * <p>Supported: rules {@code name ::= ...} (names of letters, digits, {@code -}, {@code _}),
   * literals {@code "..."}, classes {@code [...]} / {@code [^...]}, {@code .}, groups,
   * {@code |}, {@code * + ?}, {@code {m} {m,} {m,n}}, {@code #} comments, llama.cpp's escapes.
   * Not supported: token references {@code <...>}. Left recursion that reads nothing before
   * recursing (like {@code expr ::= expr "+" term}) is rejected: write it with repetition.
   *
   * @param text the grammar
   * @return the grammar
   * @throws IllegalArgumentException with {@code line:column} and the reason, if the text is not
   *     a valid grammar, has no {@code root}, references an undefined rule, is left-recursive, or
   *     exceeds the size limits
   */
  public static Grammar gbnf(String text) {
    Objects.requireNonNull(text, "text");
    return new Grammar(GbnfParser.parse(text), "gbnf:" + abbreviate(text));
  }

  /**
   * The strings a regular expression matches as a whole (like
   * {@link java.util.regex.Matcher#matches()} with default flags).
   *
   * <p>The subset: literals and escaped punctuation; {@code \t \n \r \f \a \e \xHH \x{H...}
   * \\uHHHH}; classes with ranges and negation; {@code \d \w \s \D \W \S} (ASCII meanings, as
   * {@code java.util.regex}); {@code .} (not line terminators); groups {@code (...)},
   * {@code (?:...)}, {@code (?<name>...)}; {@code |}; {@code ? * + {n} {n,} {n,m}} and their lazy
   * forms; {@code ^} at the start and {@code $} at the end.
   *
   * @param pattern the pattern
   * @return the grammar
   * @throws IllegalArgumentException with the index and the reason for invalid patterns and for
   *     what is outside the subset: backreferences, lookaround, {@code \b}, possessive
   *     quantifiers, inline flags, Unicode properties, class intersection
   */
  public static Grammar regex(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    return new Grammar(RegexParser.parse(pattern), "regex:" + abbreviate(pattern));
  }

  /**
   * Exactly one of the given strings.
   *
   * @param options the strings (duplicates are harmless; the empty string is allowed)
   * @return the grammar
   * @throws IllegalArgumentException if there is no option, one is null or holds an unpaired
   *     surrogate
   */
  public static Grammar choice(String... options) {
    Objects.requireNonNull(options, "options");
    return choice(Arrays.asList(options));
  }

  /**
   * Exactly one of the given strings.
   *
   * @param options the strings
   * @return the grammar
   * @throws IllegalArgumentException as {@link #choice(String...)}
   */
  public static Grammar choice(List<String> options) {
    Objects.requireNonNull(options, "options");
    return new Grammar(GrammarBuilder.choice(options),
        "choice:" + abbreviate(String.valueOf(options)));
  }

  ByteGrammar bytes() {
    return bytes;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  @Override
  public String toString() {
    return "Grammar[" + description + ", " + bytes.ruleCount() + " rules, " + bytes.size()
        + " elements]";
  }
}
