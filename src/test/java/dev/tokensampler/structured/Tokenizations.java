package dev.tokensampler.structured;

import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random tokenizations of byte strings with a vocabulary (any split into its text tokens). */
final class Tokenizations {
  private final Map<ByteBuffer, Integer> ids = new HashMap<>();
  private int maxLength;

  Tokenizations(TokenVocabulary v) {
    for (int id = 0; id < v.size(); id++) {
      if (!v.isSpecial(id) && !v.isEos(id) && v.tokenLength(id) > 0) {
        ids.putIfAbsent(ByteBuffer.wrap(v.tokenBytes(id)), id);
        maxLength = Math.max(maxLength, v.tokenLength(id));
      }
    }
  }

  /** A random split of {@code text} into tokens; each step picks among the tokens that fit. */
  int[] random(byte[] text, Random r) {
    List<Integer> out = new ArrayList<>();
    int pos = 0;
    List<Integer> options = new ArrayList<>();
    while (pos < text.length) {
      options.clear();
      for (int len = 1; len <= maxLength && pos + len <= text.length; len++) {
        Integer id = ids.get(ByteBuffer.wrap(text, pos, len).slice());
        if (id != null) {
          options.add(id);
        }
      }
      if (options.isEmpty()) {
        throw new AssertionError("no token fits at byte " + pos);
      }
      int id = options.get(r.nextInt(options.size()));
      out.add(id);
      pos += lengthOf(id, text, pos);
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private int lengthOf(int id, byte[] text, int pos) {
    for (int len = 1; len <= maxLength; len++) {
      Integer x = pos + len <= text.length ? ids.get(ByteBuffer.wrap(text, pos, len).slice()) : null;
      if (x != null && x == id) {
        return len;
      }
    }
    throw new AssertionError();
  }
}
