package dev.tokensampler.vocab;

import dev.tokensampler.internal.Excerpt;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The id forms of parameters given as strings, computed once with a {@link TextTokenizer}: bad
 * words (vLLM's {@code bad_words}), DRY sequence breakers (llama.cpp's
 * {@code dry_sequence_breakers}) and biases by string (llama.cpp server's {@code logit_bias} with
 * string keys). The results are what {@code BannedSequences}, {@code Dry} and {@code LogitBias}
 * take; nothing here runs per token.
 */
public final class StringForms {
  /** llama.cpp's cap on the bytes of one DRY sequence breaker ({@code MAX_CHAR_LEN}). */
  public static final int MAX_BREAKER_BYTES = 40;

  /** llama.cpp's cap on the tokens after the head of a DRY breaker ({@code MAX_SEQ_LEN}). */
  public static final int MAX_BREAKER_TAIL = 20;

  private StringForms() {}

  /**
   * Bad words as token sequences, as vLLM's {@code SamplingParams.bad_words}: each word, its
   * leading white space removed, is encoded without special tokens; so is the word after one
   * space, and that second sequence is kept when it is as long as the first and starts with
   * another token (the word's form in the middle of a text). A word is banned only as the whole
   * sequence: its last token is banned after the others.
   *
   * @param tokenizer the model's tokenizer
   * @param words the bad words
   * @return the sequences for {@code bad_words_ids}, in the order of the words
   * @throws NullPointerException if an argument or a word is null
   * @throws IllegalArgumentException if a word is empty or only white space
   */
  public static List<int[]> badWords(TextTokenizer tokenizer, List<String> words) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(words, "bad_words");
    List<int[]> sequences = new ArrayList<>();
    for (int w = 0; w < words.size(); w++) {
      String word = Objects.requireNonNull(words.get(w), "bad_words[" + w + "]").stripLeading();
      if (word.isEmpty()) {
        throw new IllegalArgumentException("bad_words[" + w + "] must hold a word, got '"
            + Excerpt.of(words.get(w)) + "'");
      }
      int[] plain = tokenizer.encode(word);
      if (plain.length == 0) {
        throw new IllegalArgumentException(
            "bad_words[" + w + "] encodes to no token: '" + Excerpt.of(word) + "'");
      }
      sequences.add(plain);
      int[] spaced = tokenizer.encode(" " + word);
      if (spaced.length == plain.length && spaced[0] != plain[0]) {
        sequences.add(spaced);
      }
    }
    return sequences;
  }

  /**
   * DRY sequence breakers as token sequences, as llama.cpp's {@code llama_sampler_init_dry}
   * makes them from strings. For each breaker (its UTF-8 bytes) and each token id of the
   * vocabulary (its byte string, special tokens in their written form):
   * <ul>
   *   <li>a token whose bytes contain the breaker is a breaker by itself ({@code [id]});
   *   <li>a token whose bytes end with a proper prefix of the breaker (at any position where that
   *       prefix starts) is the head of a breaker whose tail is the encoding of the rest of the
   *       breaker, cut to {@value #MAX_BREAKER_TAIL} tokens ({@code [id, tail...]}).
   * </ul>
   * So {@code "\n"} makes every token holding a line break a breaker, and {@code "User:"} also
   * matches {@code "User"} followed by the tokens of {@code ":"}. Equal sequences are kept once.
   *
   * <p>Differences from llama.cpp: a breaker over {@value #MAX_BREAKER_BYTES} bytes is an error
   * (llama.cpp cuts it there, possibly inside a character, and warns); an overlap whose rest of
   * the breaker starts inside a character (a token ending with part of a multi-byte character of
   * the breaker) is left out, as the rest is not text to encode; llama.cpp reads a SentencePiece
   * token without its leading space (how it decodes a text's first token), here with it, which
   * matters only for breakers that begin with a space.
   *
   * @param tokenizer the model's tokenizer
   * @param breakers the breakers, e.g. llama.cpp's defaults {@code "\n", ":", "\"", "*"}
   * @return the sequences for {@code dry_sequence_breakers}, breaker by breaker, in id order
   * @throws NullPointerException if an argument or a breaker is null
   * @throws IllegalArgumentException if a breaker is empty or longer than
   *     {@value #MAX_BREAKER_BYTES} bytes
   */
  public static List<int[]> drySequenceBreakers(TextTokenizer tokenizer, List<String> breakers) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(breakers, "dry_sequence_breakers");
    TokenVocabulary vocabulary = tokenizer.vocabulary();
    Map<String, int[]> sequences = new LinkedHashMap<>();
    for (int b = 0; b < breakers.size(); b++) {
      String breaker = Objects.requireNonNull(breakers.get(b), "dry_sequence_breakers[" + b + "]");
      byte[] s = breaker.getBytes(StandardCharsets.UTF_8);
      if (s.length == 0 || s.length > MAX_BREAKER_BYTES) {
        throw new IllegalArgumentException("dry_sequence_breakers[" + b + "] must have 1 to "
            + MAX_BREAKER_BYTES + " UTF-8 bytes, got " + s.length + ": '" + Excerpt.of(breaker)
            + "'");
      }
      Map<Integer, int[]> tails = new TreeMap<>();
      for (int id = 0; id < vocabulary.size(); id++) {
        int n = vocabulary.tokenLength(id);
        if (contains(vocabulary, id, n, s)) {
          add(sequences, new int[] {id});
          continue;
        }
        for (int pos = Math.max(0, n - s.length + 1); pos < n; pos++) {
          int overlap = n - pos;
          if (vocabulary.byteAt(id, pos) != s[0] || !regionMatches(vocabulary, id, pos, s, overlap)
              || (s[overlap] & 0xC0) == 0x80) {
            continue;
          }
          int[] tail = tails.computeIfAbsent(overlap, k -> encodeRest(tokenizer, s, k));
          int[] sequence = new int[1 + tail.length];
          sequence[0] = id;
          System.arraycopy(tail, 0, sequence, 1, tail.length);
          add(sequences, sequence);
        }
      }
    }
    return new ArrayList<>(sequences.values());
  }

  /**
   * Biases given by string, as llama.cpp's server reads a {@code logit_bias} entry whose key is a
   * string: every token of the string's encoding (without special tokens) gets the bias. The
   * rule here: each distinct token of one string's encoding gets its bias once, and the biases
   * of several strings that reach the same token add up (llama.cpp adds once per occurrence, so
   * a token repeated within one string gets the bias more than once there).
   *
   * @param tokenizer the model's tokenizer
   * @param biases text to bias (finite, or {@code -Infinity} to ban)
   * @return token id to bias, in increasing id order
   * @throws NullPointerException if an argument, a key or a value is null
   * @throws IllegalArgumentException if a key is empty or encodes to no token
   */
  public static Map<Integer, Float> logitBias(TextTokenizer tokenizer, Map<String, Float> biases) {
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(biases, "logit_bias");
    Map<Integer, Float> byId = new TreeMap<>();
    for (Map.Entry<String, Float> entry : biases.entrySet()) {
      String text = Objects.requireNonNull(entry.getKey(), "logit_bias key");
      float bias = Objects.requireNonNull(entry.getValue(), "logit_bias value");
      int[] ids = text.isEmpty() ? new int[0] : tokenizer.encode(text);
      if (ids.length == 0) {
        throw new IllegalArgumentException(
            "logit_bias key '" + Excerpt.of(text) + "' encodes to no token");
      }
      int[] distinct = Arrays.stream(ids).distinct().toArray();
      for (int id : distinct) {
        byId.merge(id, bias, Float::sum);
      }
    }
    return byId;
  }

  private static int[] encodeRest(TextTokenizer tokenizer, byte[] s, int from) {
    int[] tail = tokenizer.encode(new String(s, from, s.length - from, StandardCharsets.UTF_8));
    return tail.length > MAX_BREAKER_TAIL ? Arrays.copyOf(tail, MAX_BREAKER_TAIL) : tail;
  }

  private static void add(Map<String, int[]> sequences, int[] sequence) {
    sequences.putIfAbsent(Arrays.toString(sequence), sequence);
  }

  private static boolean contains(TokenVocabulary vocabulary, int id, int n, byte[] s) {
    for (int pos = 0; pos + s.length <= n; pos++) {
      if (regionMatches(vocabulary, id, pos, s, s.length)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the token's bytes at {@code pos} equal the first {@code length} bytes of s. */
  private static boolean regionMatches(
      TokenVocabulary vocabulary, int id, int pos, byte[] s, int length) {
    for (int i = 0; i < length; i++) {
      if (vocabulary.byteAt(id, pos + i) != s[i]) {
        return false;
      }
    }
    return true;
  }
}
