package dev.tokensampler.samples.experiments;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntFunction;

/**
 * A {@link NextTokenModel} over a DJL causal language model predictor
 * ({@code Predictor<NDList, CausalLMOutput>}, DJL's {@code ai.djl.modality.nlp.generate}
 * convention): each call runs the whole prefix, with no key/value cache, as input
 * {@code [inputIds int64 [1, S], positionIds int64 [1, S], attentionMask int64 [1, S]]}, and
 * returns the output logits {@code [1, S, V]}. Prefixes longer than the model's context keep
 * their last {@code contextLength} tokens.
 */
public final class PredictorModel implements NextTokenModel {
  private final Predictor<NDList, CausalLMOutput> predictor;
  private final int vocabularySize;
  private final int contextLength;
  private final IntFunction<String> text;
  private final int endOfSequence;

  /**
   * A model over a predictor.
   *
   * @param predictor the predictor
   * @param vocabularySize V
   * @param contextLength the longest input, at least 1
   * @param text a token's text
   * @param endOfSequence the end-of-sequence token, or -1
   */
  public PredictorModel(Predictor<NDList, CausalLMOutput> predictor, int vocabularySize,
      int contextLength, IntFunction<String> text, int endOfSequence) {
    this.predictor = Objects.requireNonNull(predictor, "predictor");
    this.vocabularySize = vocabularySize;
    this.contextLength = contextLength;
    this.text = Objects.requireNonNull(text, "text");
    this.endOfSequence = endOfSequence;
  }

  @Override
  public int vocabularySize() {
    return vocabularySize;
  }

  @Override
  public NDArray nextTokenLogits(NDManager manager, int[] tokens, int length) {
    int start = Math.max(0, length - contextLength);
    int s = length - start;
    long[] ids = new long[s];
    long[] positions = new long[s];
    for (int i = 0; i < s; i++) {
      ids[i] = tokens[start + i];
      positions[i] = i;
    }
    long[] mask = new long[s];
    Arrays.fill(mask, 1L);
    Shape shape = new Shape(1, s);
    NDList input = new NDList(
        manager.create(ids, shape), manager.create(positions, shape), manager.create(mask, shape));
    try {
      return predictor.predict(input).getLogits();
    } catch (TranslateException e) {
      throw new IllegalStateException("the model failed on a prefix of " + s + " tokens", e);
    }
  }

  @Override
  public String text(int id) {
    return text.apply(id);
  }

  @Override
  public int endOfSequence() {
    return endOfSequence;
  }
}
