package dev.tokensampler.vocab;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * The byte string of every token id of a tokenizer: what a constraint needs to know which tokens
 * can extend a text.
 *
 * <p>Immutable and safe to share across threads. Token ids run from 0 to {@link #size()} - 1, where
 * the size is the number of logits a model produces (it may exceed the tokenizer's vocabulary, in
 * which case the extra ids have empty byte strings and are {@linkplain #isSpecial special}).
 * Special tokens (control tokens such as {@code <|endoftext|>}) never match text; their byte
 * strings are their written forms, for display only. {@linkplain #isAdded Added} tokens are those a
 * tokenizer matches as whole strings before its model runs (Hugging Face's {@code added_tokens});
 * an added token that is not special stands for its text like any other token.
 * {@link #eosTokenIds()} lists the ids that end a sequence.
 *
 * <p>{@link TokenizerJson} reads a vocabulary from a Hugging Face {@code tokenizer.json}.
 */
public final class TokenVocabulary {
  private final byte[][] tokens;
  private final BitSet special;
  private final BitSet added;
  private final int[] eosIds;

  private TokenVocabulary(byte[][] tokens, BitSet special, BitSet added, int[] eosIds) {
    this.tokens = tokens;
    this.special = special;
    this.added = added;
    this.eosIds = eosIds;
  }

  /**
   * A vocabulary from the byte strings of its tokens.
   *
   * @param tokenBytes the byte string of each id, in id order; copied
   * @param special the ids of special tokens; copied; may be empty
   * @param eosTokenIds the ids that end a sequence; each must be in {@code [0, tokenBytes.size())}
   * @return the vocabulary
   * @throws IllegalArgumentException if the list is empty, holds {@code null}, or an id is out of
   *     range
   */
  public static TokenVocabulary of(List<byte[]> tokenBytes, BitSet special, int... eosTokenIds) {
    return of(tokenBytes, special, new BitSet(), eosTokenIds);
  }

  /**
   * A vocabulary from the byte strings of its tokens, with its added tokens.
   *
   * @param tokenBytes the byte string of each id, in id order; copied
   * @param special the ids of special tokens; copied; may be empty
   * @param added the ids of added tokens (matched as whole strings by the tokenizer); copied; may
   *     be empty
   * @param eosTokenIds the ids that end a sequence; each must be in {@code [0, tokenBytes.size())}
   * @return the vocabulary
   * @throws IllegalArgumentException if the list is empty, holds {@code null}, or an id is out of
   *     range
   */
  public static TokenVocabulary of(
      List<byte[]> tokenBytes, BitSet special, BitSet added, int... eosTokenIds) {
    Objects.requireNonNull(tokenBytes, "tokenBytes");
    Objects.requireNonNull(special, "special");
    Objects.requireNonNull(added, "added");
    Objects.requireNonNull(eosTokenIds, "eosTokenIds");
    int n = tokenBytes.size();
    if (n == 0) {
      throw new IllegalArgumentException(
          "tokenBytes is empty: a vocabulary needs at least one token");
    }
    byte[][] copy = new byte[n][];
    for (int id = 0; id < n; id++) {
      byte[] b = tokenBytes.get(id);
      if (b == null) {
        throw new IllegalArgumentException("tokenBytes[" + id + "] is null");
      }
      copy[id] = b.clone();
    }
    if (special.length() > n) {
      throw new IllegalArgumentException(
          "special holds id " + (special.length() - 1) + ", outside [0, " + n + ")");
    }
    if (added.length() > n) {
      throw new IllegalArgumentException(
          "added holds id " + (added.length() - 1) + ", outside [0, " + n + ")");
    }
    return new TokenVocabulary(
        copy, (BitSet) special.clone(), (BitSet) added.clone(), checkEos(eosTokenIds, n));
  }

  /**
   * This vocabulary with other end-of-sequence ids (the byte strings are shared, not copied).
   *
   * @param eosTokenIds the ids that end a sequence; each must be in {@code [0, size())}
   * @return the vocabulary
   * @throws IllegalArgumentException if an id is out of range
   */
  public TokenVocabulary withEosTokenIds(int... eosTokenIds) {
    Objects.requireNonNull(eosTokenIds, "eosTokenIds");
    return new TokenVocabulary(tokens, special, added, checkEos(eosTokenIds, tokens.length));
  }

  private static int[] checkEos(int[] eosTokenIds, int n) {
    int[] eos = eosTokenIds.clone();
    for (int id : eos) {
      if (id < 0 || id >= n) {
        throw new IllegalArgumentException("eosTokenIds holds " + id + ", outside [0, " + n + ")");
      }
    }
    return eos;
  }

  /** @return the number of token ids (logits) */
  public int size() {
    return tokens.length;
  }

  /**
   * @param id a token id in {@code [0, size())}
   * @return the length of its byte string
   */
  public int tokenLength(int id) {
    return tokens[checkId(id)].length;
  }

  /**
   * @param id a token id in {@code [0, size())}
   * @return a copy of its byte string
   */
  public byte[] tokenBytes(int id) {
    return tokens[checkId(id)].clone();
  }

  /**
   * The byte at one position of a token's byte string, without copying.
   *
   * @param id a token id in {@code [0, size())}
   * @param index a position in {@code [0, tokenLength(id))}
   * @return the byte
   */
  public byte byteAt(int id, int index) {
    return tokens[checkId(id)][index];
  }

  /**
   * @param id a token id in {@code [0, size())}
   * @return whether it is a special (control) token, which never matches text
   */
  public boolean isSpecial(int id) {
    return special.get(checkId(id));
  }

  /**
   * @param id a token id in {@code [0, size())}
   * @return whether it is an added token (special or not), matched as a whole string by the
   *     tokenizer
   */
  public boolean isAdded(int id) {
    return added.get(checkId(id));
  }

  /** @return a copy of the ids that end a sequence, in the order given */
  public int[] eosTokenIds() {
    return eosIds.clone();
  }

  /**
   * @param id a token id
   * @return whether it ends a sequence
   */
  public boolean isEos(int id) {
    for (int e : eosIds) {
      if (e == id) {
        return true;
      }
    }
    return false;
  }

  private int checkId(int id) {
    if (id < 0 || id >= tokens.length) {
      throw new IllegalArgumentException(
          "token id " + id + " is outside [0, " + tokens.length + ")");
    }
    return id;
  }

  @Override
  public String toString() {
    return "TokenVocabulary[size=" + tokens.length + ", special=" + special.cardinality()
        + ", added=" + added.cardinality() + ", eos=" + Arrays.toString(eosIds) + "]";
  }
}
