package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConstraintMatcherTest {
  private static final TokenVocabulary VOCAB =
      TestVocabularies.of("ab", "abc", "yes", "no", "12", "123", "-", "é", "\"", "\":", "{\"");

  private static int id(TokenVocabulary v, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < v.size(); i++) {
      if (!v.isSpecial(i) && java.util.Arrays.equals(v.tokenBytes(i), b)) {
        return i;
      }
    }
    throw new AssertionError("no token " + s);
  }

  private static boolean allowed(long[] w, int id) {
    return (w[id >>> 6] & (1L << id)) != 0;
  }

  @Test
  void choiceAllowsExactlyThePrefixesOfItsOptions() {
    ConstraintMatcher m = TokenConstraint.compile(Grammar.choice("yes", "no"), VOCAB).newMatcher();
    long[] w = new long[(VOCAB.size() + 63) / 64];
    int n = m.fillAllowed(w);
    assertEquals(4, n); // y, n, yes, no
    assertTrue(allowed(w, 'y'));
    assertTrue(allowed(w, id(VOCAB, "yes")));
    assertTrue(allowed(w, id(VOCAB, "no")));
    assertFalse(allowed(w, TestVocabularies.eos(VOCAB)));
    m.accept('y');
    assertEquals(1, m.fillAllowed(w));
    assertEquals('e', m.forcedToken());
    m.accept('e');
    m.accept('s');
    assertTrue(m.isAccepting());
    assertTrue(m.isFinished());
    assertEquals(TestVocabularies.eos(VOCAB), m.forcedToken());
    m.accept(TestVocabularies.eos(VOCAB));
    assertEquals(0, m.fillAllowed(w));
  }

  @Test
  void rejectedTokenLeavesTheStateAndNamesTheToken() {
    ConstraintMatcher m = TokenConstraint.compile(Grammar.regex("[0-9]+"), VOCAB).newMatcher();
    m.accept(id(VOCAB, "12"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> m.accept(id(VOCAB, "ab")));
    assertTrue(e.getMessage().contains("\"ab\""), e.getMessage());
    m.accept(id(VOCAB, "123"));
    assertTrue(m.isAccepting());
    assertFalse(m.isFinished());
  }

  @Test
  void multiByteCharactersMaySplitAcrossTokens() {
    ConstraintMatcher m = TokenConstraint.compile(Grammar.regex("é+"), VOCAB).newMatcher();
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    long[] w = new long[(VOCAB.size() + 63) / 64];
    assertEquals(2, m.fillAllowed(w)); // the lead byte and "é"
    m.accept(e[0] & 0xFF);
    assertEquals(1, m.fillAllowed(w));
    assertEquals(e[1] & 0xFF, m.forcedToken());
    m.accept(e[1] & 0xFF);
    assertTrue(m.isAccepting());
  }

  @Test
  void gbnfJsonLikeGrammar() {
    String g = "root ::= \"{\" ws pair (\",\" ws pair)* \"}\"\n"
        + "pair ::= str \":\" ws [0-9]+\n"
        + "str ::= \"\\\"\" [a-z]* \"\\\"\"\n"
        + "ws ::= [ ]?\n";
    ConstraintMatcher m = TokenConstraint.compile(Grammar.gbnf(g), VOCAB).newMatcher();
    for (String t : new String[] {"{\"", "ab", "\":", " ", "12", "}"}) {
      assertTrue(m.isAllowed(id(VOCAB, t)), t);
      m.accept(id(VOCAB, t));
    }
    assertTrue(m.isFinished());
  }

  @Test
  void saveRestoreAndCopyContinueIdentically() throws Exception {
    TokenConstraint c = TokenConstraint.compile(Grammar.regex("(ab|abc)+-[0-9]{2,4}"), VOCAB);
    ConstraintMatcher m = c.newMatcher();
    m.accept(id(VOCAB, "ab"));
    m.accept(id(VOCAB, "abc"));
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    m.saveState(new java.io.DataOutputStream(bytes));
    ConstraintMatcher r = c.newMatcher();
    r.restoreState(new java.io.DataInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray())));
    ConstraintMatcher k = m.copy();
    long[] a = new long[(VOCAB.size() + 63) / 64];
    long[] b = new long[a.length];
    long[] d = new long[a.length];
    for (String t : new String[] {"-", "12", "3"}) {
      m.fillAllowed(a);
      r.fillAllowed(b);
      k.fillAllowed(d);
      assertArrayEqualsWords(a, b);
      assertArrayEqualsWords(a, d);
      m.accept(id(VOCAB, t));
      r.accept(id(VOCAB, t));
      k.accept(id(VOCAB, t));
    }
    assertTrue(r.isAccepting());
    assertTrue(k.isAccepting());
  }

  private static void assertArrayEqualsWords(long[] a, long[] b) {
    org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
  }
}
