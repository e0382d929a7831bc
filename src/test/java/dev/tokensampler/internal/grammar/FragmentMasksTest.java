package dev.tokensampler.internal.grammar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FragmentMasksTest {
  private static final String JSON_ALPHABET = "{}[]\":,\\ 0123456789-.abcdeé€xyz";

  private static FragmentKey key(int i) {
    long[] ids = {i, i + 1};
    return FragmentKey.ofStackIds(ids, 2);
  }

  private static FragmentMasks.Entry entry(int words) {
    return new FragmentMasks.Entry(new long[words], new int[0]);
  }

  @Test
  void leastRecentlyUsedMasksGoFirstPastTheBudget() {
    long one = 2 * FragmentMasks.ENTRY_OVERHEAD + 8 * 2 + 8 * 100;
    FragmentMasks m = new FragmentMasks(10 * one);
    for (int i = 0; i < 10; i++) {
      m.put(key(i), entry(100));
    }
    assertTrue(m.bytes() <= m.budget());
    assertNotNull(m.get(key(0))); // now the most recently used
    m.put(key(10), entry(100));
    assertNotNull(m.get(key(0)));
    assertNull(m.get(key(1)));
    assertNotNull(m.get(key(10)));
    for (int i = 11; i < 200; i++) {
      m.put(key(i), entry(100));
      assertTrue(m.bytes() <= m.budget(), "bytes " + m.bytes());
    }
    assertTrue(m.size() <= 10);
  }

  @Test
  void aMaskLargerThanTheBudgetIsNotKept() {
    FragmentMasks m = new FragmentMasks(1000);
    m.put(key(1), entry(1000));
    assertNull(m.get(key(1)));
    assertTrue(m.bytes() == 0);
  }

  @Test
  void internedIdsAreNeverReusedAcrossClears() {
    FragmentMasks m = new FragmentMasks(4 * (FragmentMasks.ENTRY_OVERHEAD + 8 * 3) * 4);
    java.util.Set<Long> ids = new java.util.HashSet<>();
    long first = m.intern(key(0));
    for (int i = 0; i < 100; i++) {
      assertTrue(ids.add(m.intern(key(1000 + i))), "id reused");
    }
    assertTrue(m.generation() > 0);
    long again = m.intern(key(0)); // forgotten since: a fresh id
    assertTrue(again != first && !ids.contains(again));
    assertTrue(m.intern(key(0)) == again);
    assertTrue(m.bytes() <= m.budget());
  }

  @Test
  void budgetMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new FragmentMasks(0));
  }

  /**
   * Three hundred grammars share one vocabulary's fragment masks under a small budget: the masks
   * stay within it and every mask along a document equals the one computed token by token.
   */
  @Test
  void manyGrammarsSharingAVocabularyStayWithinTheBudgetAndExact() {
    TokenVocabulary v = MaskOracle.vocabulary(11, JSON_ALPHABET, 1500, 6);
    long budget = 256 << 10;
    TokenTrie trie = TokenTrie.build(v, budget);
    long maxSeen = 0;
    for (int i = 0; i < 300; i++) {
      String gbnf = "root ::= \"{\\\"k" + i + "\\\":\" ws value (\",\\\"n\\\":\" num)? \"}\"\n"
          + "value ::= string | num | \"[\" (value (\",\" value)*)? \"]\"\n"
          + "string ::= \"\\\"\" ([^\"\\\\\\x00-\\x1f] | \"\\\\\" [\"\\\\/bfnrt])"
          + (i % 3 == 0 ? "{0," + (i % 7 + 1) + "}" : "*") + " \"\\\"\"\n"
          + "num ::= \"-\"? [0-9]" + (i % 2 == 0 ? "+" : "{1,3}") + "\n"
          + "ws ::= " + (i % 4 == 0 ? "[ ]?" : "\"\"") + "\n";
      ByteGrammar g = GbnfParser.parse(gbnf);
      TokenAutomaton a = new TokenAutomaton(g, trie, v.eosTokenIds());
      String doc = "{\"k" + i + "\":" + (i % 4 == 0 ? " " : "")
          + (i % 3 == 0 ? "[\"é\",12,[]]" : "\"a \\\"b\\\" é€x\"")
          + ",\"n\":-" + (i % 900) + "}";
      byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
      for (int k = 0; k <= bytes.length; k += 1 + (k % 3 == 0 ? 1 : 0)) {
        byte[] prefix = java.util.Arrays.copyOf(bytes, k);
        long[] expected = MaskOracle.mask(g, v, prefix);
        assertNotNull(expected, "grammar " + i + " rejects its document at byte " + k);
        assertArrayEquals(expected, MaskOracle.automatonMask(a, v, prefix),
            "grammar " + i + " after " + new String(prefix, StandardCharsets.UTF_8));
        maxSeen = Math.max(maxSeen, trie.fragments.bytes());
        assertTrue(trie.fragments.bytes() <= budget,
            "fragment masks hold " + trie.fragments.bytes());
      }
    }
    assertTrue(maxSeen > budget / 2, "the budget was not reached: " + maxSeen);
  }

  @Test
  void theDefaultTrieSharesOneCache() {
    TokenVocabulary v = MaskOracle.vocabulary(3, "ab", 10, 3);
    assertSame(TokenTrie.of(v).fragments, TokenTrie.of(v).fragments);
  }
}
