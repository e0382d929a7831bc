package dev.tokensampler.samples.lab;

import dev.tokensampler.random.Seeds;
import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A deterministic stand-in for a language model, for tests and dry runs of a grid: a fixed
 * vocabulary of {@value #TOKEN_COUNT} tokens (words with a leading space, punctuation, JSON
 * characters, digits, {@code <eos>} = 0) and logits that are a fixed function of the last two
 * tokens (SplitMix64 of their ids and the candidate's), scaled so that a few tokens dominate.
 * Every machine computes the same logits; no file and no native library are needed.
 */
public final class FakeLabModel implements LabModel {
  /** The model's name in plans and titles. */
  public static final String NAME = "fake";
  private static final String[] TOKENS = {
    "<eos>", " the", " a", " cat", " dog", " sat", " ran", " on", " mat", " big", " small",
    " and", " saw", " it", " was", ".", ",", "{", "}", "\"", ":", " ", "name", "age", "0", "1",
    "2", "3", "7", "9", "true", "false"
  };
  /** The vocabulary size. */
  public static final int TOKEN_COUNT = 32;
  private final TokenVocabulary vocabulary;

  /** The fake model. */
  public FakeLabModel() {
    List<byte[]> bytes = new ArrayList<>();
    for (String token : TOKENS) {
      bytes.add(token.getBytes(StandardCharsets.UTF_8));
    }
    BitSet special = new BitSet();
    special.set(0);
    vocabulary = TokenVocabulary.of(bytes, special, 0);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int vocabularySize() {
    return TOKEN_COUNT;
  }

  /** Splits on spaces; each word must be a token with its leading space (or the first word without). */
  @Override
  public int[] encode(String text) {
    List<Integer> ids = new ArrayList<>();
    for (String word : text.trim().split("\\s+")) {
      if (word.isEmpty()) {
        continue;
      }
      ids.add(id(" " + word, word));
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("prompt encodes to no token: \"" + text + "\"");
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int id(String withSpace, String word) {
    for (int i = 1; i < TOKENS.length; i++) {
      if (TOKENS[i].equals(withSpace) || TOKENS[i].equals(word)) {
        return i;
      }
    }
    throw new IllegalArgumentException("word \"" + word + "\" is not in the fake vocabulary");
  }

  @Override
  public String decode(int[] ids, int offset, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = offset; i < offset + length; i++) {
      text.append(ids[i] == 0 ? "" : TOKENS[ids[i]]);
    }
    return text.toString();
  }

  @Override
  public String tokenLabel(int id) {
    return TOKENS[id].isBlank() ? "'" + TOKENS[id] + "'" : TOKENS[id].strip();
  }

  @Override
  public int endOfSequence() {
    return 0;
  }

  @Override
  public TokenVocabulary vocabulary() {
    return vocabulary;
  }

  @Override
  public void nextTokenLogits(int[] tokens, int length, float[] out) {
    long last = tokens[length - 1];
    long before = length > 1 ? tokens[length - 2] : -1;
    for (int id = 0; id < TOKEN_COUNT; id++) {
      long bits = Seeds.mix(Seeds.mix(last * 1_000_003L + before) + id);
      // Uniform in [0, 1), cubed: a few large logits, many small ones.
      double u = Seeds.uniform(bits);
      out[id] = (float) (8.0 * u * u * u);
    }
  }

  @Override
  public void close() {}
}
