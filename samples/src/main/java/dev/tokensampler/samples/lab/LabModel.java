package dev.tokensampler.samples.lab;

import dev.tokensampler.vocab.TokenVocabulary;

/**
 * A causal language model as the decoding lab sees it: text to token ids and back, and the logits
 * of the next token after a prefix. Implementations are not thread-safe; the lab uses one per
 * process.
 */
public interface LabModel extends AutoCloseable {
  /**
   * The model's name, for chart titles and the plan of a run.
   *
   * @return e.g. {@code brown-gpt}
   */
  String name();

  /**
   * The number of logits per step, V.
   *
   * @return V, at least 1
   */
  int vocabularySize();

  /**
   * Encodes a prompt.
   *
   * @param text the prompt
   * @return its token ids, at least one
   * @throws IllegalArgumentException if the text encodes to no token
   */
  int[] encode(String text);

  /**
   * Decodes generated tokens into text.
   *
   * @param ids token ids
   * @param offset the first id
   * @param length how many ids
   * @return the text
   */
  String decode(int[] ids, int offset, int length);

  /**
   * A short label for one token, for chart axes.
   *
   * @param id the token id
   * @return its text
   */
  String tokenLabel(int id);

  /**
   * The token that ends a continuation.
   *
   * @return its id, or -1 if the model has none
   */
  int endOfSequence();

  /**
   * The byte string of every token, for constraints; the end-of-sequence id is among its
   * {@link TokenVocabulary#eosTokenIds()}.
   *
   * @return the vocabulary, of size {@link #vocabularySize()}
   */
  TokenVocabulary vocabulary();

  /**
   * Writes the logits of the token after {@code tokens[0, length)} into {@code out}.
   *
   * @param tokens the prefix
   * @param length how many entries of {@code tokens} are the prefix, at least 1
   * @param out at least {@link #vocabularySize()} floats
   */
  void nextTokenLogits(int[] tokens, int length, float[] out);

  /** Frees the model's native resources. */
  @Override
  void close();
}
