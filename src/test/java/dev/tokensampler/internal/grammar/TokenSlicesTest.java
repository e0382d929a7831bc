package dev.tokensampler.internal.grammar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sliced walk against the plain walk of the whole trie: the masks must be identical. */
class TokenSlicesTest {
  /** String-body characters of 1 to 4 bytes, and the characters that end or escape a string. */
  private static final String ALPHABET = "ab yz09-_.é€ü\"\\:,{}[]\t😀";

  /** Tokens of 1 to 45 characters, so every slice has members; some end inside a character. */
  private static TokenVocabulary vocabulary(long seed, int extra) {
    Random r = new Random(seed);
    List<byte[]> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(new byte[] {(byte) b});
    }
    int[] cps = ALPHABET.codePoints().toArray();
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (tokens.size() < 256 + extra) {
      int len = 1 + r.nextInt(r.nextInt(4) == 0 ? 45 : 12);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < len; i++) {
        // mostly string-body characters, so that most tokens fall in a slice
        sb.appendCodePoint(cps[r.nextInt(r.nextInt(6) == 0 ? cps.length : 13)]);
      }
      byte[] utf8 = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (r.nextInt(10) == 0 && utf8.length > 1) {
        utf8 = Arrays.copyOf(utf8, utf8.length - 1);
      }
      if (seen.add(new String(utf8, StandardCharsets.ISO_8859_1))) {
        tokens.add(utf8);
      }
    }
    int eos = tokens.size();
    tokens.add("</s>".getBytes(StandardCharsets.UTF_8));
    BitSet special = new BitSet();
    special.set(eos);
    return TokenVocabulary.of(tokens, special, eos);
  }

  private static final String STRING_CHAR = "([^\"\\\\\\x00-\\x1f] | \"\\\\\" [\"\\\\/bfnrt])";

  private static final String[] GRAMMARS = {
    // an unbounded string, as a JSON value
    "root ::= \"\\\"\" " + STRING_CHAR + "* \"\\\"\"",
    // bounded strings: shorter and longer than the slices
    "root ::= \"\\\"\" " + STRING_CHAR + "{0,5} \"\\\"\"",
    "root ::= \"\\\"\" " + STRING_CHAR + "{2,20} \"\\\"\"",
    "root ::= \"\\\"\" " + STRING_CHAR + "{0,40} \"\\\"\"",
    // a restricted character set
    "root ::= \"\\\"\" [a-z0-9 ]* \"\\\"\"",
    // object keys: listed names or any string, then values
    "root ::= \"{\" (member (\",\" member)*)? \"}\"\n"
        + "member ::= (\"\\\"ab\\\"\" | \"\\\"yz0\\\"\" | str) \":\" (str | [0-9]+)\n"
        + "str ::= \"\\\"\" " + STRING_CHAR + "* \"\\\"\"",
    // strings inside arrays of strings, nested
    "root ::= arr\narr ::= \"[\" (v (\",\" v)*)? \"]\"\nv ::= arr | \"\\\"\" "
        + STRING_CHAR + "{0,12} \"\\\"\"",
  };

  private static final String[] DOCUMENTS = {
    "\"ab yz09-_.é€😀 \\\" \\\\ zz\"",
    "\"ab\"",
    "\"ab yz09-_.é€😀 abc\"",
    "\"ab yz09-_.é€😀 abc é€😀 ab yz\"",
    "\"ab yz09 abc\"",
    "{\"ab\":\"é😀 x\",\"yz0\":12,\"zz\\\"q\":\"\"}",
    "[[\"ab é\",[]],\"0123456789ab\"]",
  };

  @Test
  void slicedWalksMatchThePlainWalkOnEveryState() {
    TokenVocabulary v = vocabulary(5, 4000);
    TokenTrie trie = TokenTrie.build(v, FragmentMasks.DEFAULT_BUDGET_BYTES);
    for (int s = 0; s < trie.slices.masks.length; s++) {
      assertTrue(Arrays.stream(trie.slices.masks[s]).map(Long::bitCount).sum() > 50,
          "slice " + s + " is nearly empty");
    }
    int words = (v.size() + 63) >>> 6;
    int[] depthState = new int[trie.maxDepth() + 1];
    boolean[] escaped = new boolean[trie.maxDepth() + 1];
    int wholeSliceUsed = 0;
    int statesChecked = 0;
    for (int gi = 0; gi < GRAMMARS.length; gi++) {
      ByteGrammar g = GbnfParser.parse(GRAMMARS[gi]);
      ParseEngine e = new ParseEngine(g);
      byte[] doc = DOCUMENTS[gi].getBytes(StandardCharsets.UTF_8);
      int state = e.initial();
      for (int k = 0; k <= doc.length; k++) {
        long[] plain = new long[words];
        trie.fill(e, state, plain, depthState);
        long[] sliced = new long[words];
        trie.slices.fill(e, state, sliced, depthState);
        assertArrayEquals(plain, sliced, "grammar " + gi + " after byte " + k);
        if (TokenSlices.safeLength(e, state) > TokenSlices.MAX_CHARS[0]) {
          wholeSliceUsed++;
        }
        for (int frames = 1; frames <= 3; frames++) {
          int cut = cutState(e, state, frames);
          long[] plainAccepted = new long[words];
          IntList plainUncertain = new IntList(16);
          trie.split(e, cut, plainAccepted, plainUncertain, depthState, escaped);
          long[] slicedAccepted = new long[words];
          Arrays.fill(slicedAccepted, -1L); // must be cleared
          IntList slicedUncertain = new IntList(16);
          trie.slices.split(e, cut, slicedAccepted, slicedUncertain, depthState, escaped);
          assertArrayEquals(plainAccepted, slicedAccepted,
              "grammar " + gi + " after byte " + k + ", " + frames + " frames");
          int[] a = plainUncertain.toArray();
          int[] b = slicedUncertain.toArray();
          Arrays.sort(a);
          Arrays.sort(b);
          assertArrayEquals(a, b, "uncertain, grammar " + gi + " after byte " + k);
        }
        statesChecked++;
        if (k < doc.length) {
          state = e.step(state, doc[k] & 0xFF);
          assertTrue(state != ParseEngine.DEAD, "grammar " + gi + " rejects its document");
        }
      }
    }
    assertTrue(wholeSliceUsed > 20, "slices taken whole only " + wholeSliceUsed + " times");
    assertTrue(statesChecked > 100);
  }

  /** A state's stacks cut to their top {@code frames} nodes, as the fragment masks cut them. */
  private static int cutState(ParseEngine e, int state, int frames) {
    int[] cut = new int[e.stateSize(state)];
    for (int i = 0; i < cut.length; i++) {
      cut[i] = e.truncated(e.stateNode(state, i), frames);
    }
    Arrays.sort(cut);
    IntList tops = new IntList(cut.length);
    for (int i = 0; i < cut.length; i++) {
      if (i == 0 || cut[i] != cut[i - 1]) {
        tops.add(cut[i]);
      }
    }
    return e.stateOf(tops);
  }

  @Test
  void safeLengthFollowsTheBoundOfAString() {
    ParseEngine e = new ParseEngine(GbnfParser.parse("root ::= \"\\\"\" [^\"]{0,12} \"\\\"\""));
    int s = e.step(e.initial(), '"');
    assertEquals(13, TokenSlices.safeLength(e, s)); // the 13th character cannot be read
    ParseEngine u = new ParseEngine(GbnfParser.parse("root ::= \"\\\"\" [^\"]* \"\\\"\""));
    assertEquals(Integer.MAX_VALUE, TokenSlices.safeLength(u, u.step(u.initial(), '"')));
    ParseEngine ascii = new ParseEngine(GbnfParser.parse("root ::= \"\\\"\" [a-z]* \"\\\"\""));
    assertEquals(1, TokenSlices.safeLength(ascii, ascii.step(ascii.initial(), '"')));
  }

  @Test
  void stringBodyCharactersAreCompleteAndPlain() {
    assertEquals(3, TokenSlices.stringBodyChars("a é".getBytes(StandardCharsets.UTF_8)));
    // a character of four bytes: left to the rest
    assertEquals(-1, TokenSlices.stringBodyChars("😀".getBytes(StandardCharsets.UTF_8)));
    assertEquals(1, TokenSlices.stringBodyChars("€".getBytes(StandardCharsets.UTF_8)));
    assertEquals(-1, TokenSlices.stringBodyChars("a\"".getBytes(StandardCharsets.UTF_8)));
    assertEquals(-1, TokenSlices.stringBodyChars("a\\".getBytes(StandardCharsets.UTF_8)));
    assertEquals(-1, TokenSlices.stringBodyChars(new byte[] {'a', 0x7F}));
    assertEquals(-1, TokenSlices.stringBodyChars(new byte[] {'a', '\n'}));
    assertEquals(-1, TokenSlices.stringBodyChars(new byte[] {(byte) 0xC3})); // cut character
    assertEquals(-1, TokenSlices.stringBodyChars(new byte[] {(byte) 0xED, (byte) 0xA0,
        (byte) 0x80})); // a surrogate
    assertEquals(-1, TokenSlices.stringBodyChars(new byte[] {(byte) 0xC0, (byte) 0x80}));
    assertNotNull(TokenSlices.MAX_CHARS);
  }
}
