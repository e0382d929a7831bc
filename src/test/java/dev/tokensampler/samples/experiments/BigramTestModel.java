package dev.tokensampler.samples.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * A stand-in language model for tests: the next token's logits depend on the last token only,
 * Gaussian with sigma 2.5 from a seed per last token, so some contexts are confident and some are
 * not. Token 1 is the end of sequence.
 */
final class BigramTestModel implements NextTokenModel {
  private final int vocabulary;

  BigramTestModel(int vocabulary) {
    this.vocabulary = vocabulary;
  }

  @Override
  public int vocabularySize() {
    return vocabulary;
  }

  @Override
  public NDArray nextTokenLogits(NDManager manager, int[] tokens, int length) {
    Random random = new Random(31L * tokens[length - 1] + 7);
    float[] logits = new float[vocabulary];
    for (int i = 0; i < vocabulary; i++) {
      logits[i] = (float) (2.5 * random.nextGaussian());
    }
    return manager.create(logits, new Shape(1, 1, vocabulary));
  }

  @Override
  public String text(int id) {
    return "w" + id;
  }

  @Override
  public int endOfSequence() {
    return 1;
  }
}
