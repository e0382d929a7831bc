package dev.tokensampler.djl;

import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;

/**
 * The translator for a causal language model block that follows DJL's
 * {@code ai.djl.modality.nlp.generate} convention: it passes the input list
 * {@code [inputIds, positionIds, attentionMask, past...]} to the block unchanged, and reads the
 * block's output {@code [logits, key0, value0, key1, value1, ...]} as a {@link CausalLMOutput}
 * (the logits, and the rest as the past key/values). Use it in a {@code Criteria} with
 * {@code setTypes(NDList.class, CausalLMOutput.class)} to get the
 * {@code Predictor<NDList, CausalLMOutput>} that {@link CausalLMGenerator} drives.
 *
 * <p>The output arrays stay attached to the managers the block created them in; the generator
 * closes each step's arrays with an {@code NDScope}.
 */
@SuppressWarnings("exports")
public final class CausalLMTranslator implements NoBatchifyTranslator<NDList, CausalLMOutput> {
  /** Creates the translator; it has no state. */
  public CausalLMTranslator() {}

  /**
   * Returns the input unchanged.
   *
   * @param context the translator context
   * @param input {@code [inputIds, positionIds, attentionMask, past...]}
   * @return {@code input}
   */
  @Override
  public NDList processInput(TranslatorContext context, NDList input) {
    return input;
  }

  /**
   * Splits the block output into logits and past key/values.
   *
   * @param context the translator context
   * @param output {@code [logits, past...]}, logits first
   * @return the logits and the (possibly empty) past key/values
   */
  @Override
  public CausalLMOutput processOutput(TranslatorContext context, NDList output) {
    return new CausalLMOutput(output.get(0), output.subNDList(1));
  }
}
