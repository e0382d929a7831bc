package dev.tokensampler.structured;

import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Synthetic vocabularies: every single byte, random multi-byte tokens, and special tokens. */
final class TestVocabularies {
  private TestVocabularies() {}

  /**
   * A vocabulary: ids 0..255 are the single bytes, then {@code extra} distinct random strings
   * over the alphabet (1 to {@code maxLength} characters, UTF-8), then an EOS token and a special
   * token.
   */
  static TokenVocabulary random(long seed, String alphabet, int extra, int maxLength) {
    Random r = new Random(seed);
    List<byte[]> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(new byte[] {(byte) b});
    }
    Set<String> seen = new LinkedHashSet<>();
    int[] cps = alphabet.codePoints().toArray();
    int guard = 0;
    while (seen.size() < extra && guard++ < extra * 20) {
      int len = 2 + r.nextInt(Math.max(1, maxLength - 1));
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < len; i++) {
        sb.appendCodePoint(cps[r.nextInt(cps.length)]);
      }
      byte[] utf8 = sb.toString().getBytes(StandardCharsets.UTF_8);
      if (utf8.length > 1 && seen.add(sb.toString())) {
        tokens.add(utf8);
      }
    }
    return withSpecials(tokens);
  }

  /** The given strings as tokens after the 256 single bytes, then EOS and a special token. */
  static TokenVocabulary of(String... words) {
    List<byte[]> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(new byte[] {(byte) b});
    }
    for (String w : words) {
      tokens.add(w.getBytes(StandardCharsets.UTF_8));
    }
    return withSpecials(tokens);
  }

  private static TokenVocabulary withSpecials(List<byte[]> tokens) {
    int eos = tokens.size();
    tokens.add("</s>".getBytes(StandardCharsets.UTF_8));
    tokens.add("<pad>".getBytes(StandardCharsets.UTF_8));
    BitSet special = new BitSet();
    special.set(eos);
    special.set(eos + 1);
    return TokenVocabulary.of(tokens, special, eos);
  }

  static int eos(TokenVocabulary v) {
    return v.eosTokenIds()[0];
  }
}
