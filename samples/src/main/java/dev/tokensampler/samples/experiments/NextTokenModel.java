package dev.tokensampler.samples.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** A causal language model seen from the sampling loop: the next token's logits for a prefix. */
public interface NextTokenModel {
  /**
   * The vocabulary size V.
   *
   * @return V
   */
  int vocabularySize();

  /**
   * The logits of the token after {@code tokens[0, length)}.
   *
   * @param manager owns the returned array (and anything else the call creates)
   * @param tokens the prefix, at least one token
   * @param length how many entries of {@code tokens} are the prefix
   * @return float32 logits of shape {@code [1, S, V]} (last position used) or {@code [1, V]}
   */
  NDArray nextTokenLogits(NDManager manager, int[] tokens, int length);

  /**
   * A token's text, for tables and chart labels.
   *
   * @param id the token id
   * @return its text
   */
  String text(int id);

  /**
   * The end-of-sequence token, which ends a continuation.
   *
   * @return its id, or -1 if the model has none
   */
  int endOfSequence();
}
