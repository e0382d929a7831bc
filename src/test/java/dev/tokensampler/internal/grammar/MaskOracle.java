package dev.tokensampler.internal.grammar;

import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Masks the slow way, token by token on an engine of its own, to check the fast paths. */
final class MaskOracle {
  private MaskOracle() {}

  /**
   * The tokens that can follow a text, each read byte by byte from the text's state; EOS where
   * the text is complete.
   *
   * @return the mask, or null if the text itself cannot be read
   */
  static long[] mask(ByteGrammar g, TokenVocabulary v, byte[] text) {
    ParseEngine e = new ParseEngine(g);
    int s = e.initial();
    for (byte b : text) {
      s = e.step(s, b & 0xFF);
      if (s == ParseEngine.DEAD) {
        return null;
      }
    }
    long[] words = new long[(v.size() + 63) >>> 6];
    for (int id = 0; id < v.size(); id++) {
      boolean ok;
      if (v.isEos(id)) {
        ok = e.isAccepting(s);
      } else if (v.isSpecial(id) || v.tokenLength(id) == 0) {
        ok = false;
      } else {
        int t = s;
        for (byte b : v.tokenBytes(id)) {
          t = e.step(t, b & 0xFF);
          if (t == ParseEngine.DEAD) {
            break;
          }
        }
        ok = t != ParseEngine.DEAD;
      }
      if (ok) {
        words[id >>> 6] |= 1L << id;
      }
    }
    return words;
  }

  /** The automaton's mask after a text read byte by byte. */
  static long[] automatonMask(TokenAutomaton a, TokenVocabulary v, byte[] text) {
    int s = a.initial();
    for (byte b : text) {
      s = a.advance(s, b & 0xFF); // ids 0..255 are the single bytes
      if (s == ParseEngine.DEAD) {
        return null;
      }
    }
    long[] words = new long[(v.size() + 63) >>> 6];
    a.fill(s, words);
    return words;
  }

  /**
   * A vocabulary: ids 0..255 the single bytes, then {@code extra} random distinct strings over
   * the alphabet (up to {@code maxLength} characters), then EOS and a special token.
   */
  static TokenVocabulary vocabulary(long seed, String alphabet, int extra, int maxLength) {
    Random r = new Random(seed);
    List<byte[]> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(new byte[] {(byte) b});
    }
    int[] cps = alphabet.codePoints().toArray();
    Set<String> seen = new LinkedHashSet<>();
    while (seen.size() < extra) {
      int len = 2 + r.nextInt(maxLength - 1);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < len; i++) {
        sb.appendCodePoint(cps[r.nextInt(cps.length)]);
      }
      byte[] utf8 = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (r.nextInt(8) == 0) {
        utf8 = Arrays.copyOf(utf8, utf8.length - 1); // may end inside a character
      }
      if (utf8.length > 1 && seen.add(new String(utf8, StandardCharsets.ISO_8859_1))) {
        tokens.add(utf8);
      }
    }
    int eos = tokens.size();
    tokens.add("</s>".getBytes(StandardCharsets.UTF_8));
    tokens.add("<pad>".getBytes(StandardCharsets.UTF_8));
    BitSet special = new BitSet();
    special.set(eos);
    special.set(eos + 1);
    return TokenVocabulary.of(tokens, special, eos);
  }
}
