package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.ZooModel;
import dev.tokensampler.samples.model.BrownGpt;
import dev.tokensampler.samples.model.WordVocabulary;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The shipped model has learned English: a plain sentence costs it far fewer nats per word than
 * the same words in reverse order, and far fewer than a uniform guess over the vocabulary.
 */
class BrownGptTest {
  private static final String SENTENCE =
      "the man said that he would not be able to go to the city on monday , but he was there"
          + " in the evening .";

  @Test
  void englishCostsFewerNatsPerWordThanTheSameWordsReversed() throws Exception {
    WordVocabulary vocabulary = WordVocabulary.load(BrownGpt.DIRECTORY);
    int[] ids = vocabulary.encode(SENTENCE);
    assertEquals(0, Arrays.stream(ids).filter(id -> id == WordVocabulary.UNKNOWN_ID).count());
    int[] reversed = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      reversed[i] = ids[ids.length - 1 - i];
    }
    try (ZooModel<NDList, CausalLMOutput> model = BrownGpt.load(BrownGpt.DIRECTORY);
        Predictor<NDList, CausalLMOutput> predictor = model.newPredictor();
        NDManager manager = NDManager.newBaseManager()) {
      double english = natsPerWord(predictor, manager, ids);
      double backwards = natsPerWord(predictor, manager, reversed);
      double uniform = Math.log(vocabulary.size());
      assertTrue(english < uniform - 3, "english " + english + " uniform " + uniform);
      assertTrue(english < backwards - 1, "english " + english + " reversed " + backwards);
    }
  }

  /** Mean negative log-likelihood of tokens 1..n-1 given those before them. */
  private static double natsPerWord(
      Predictor<NDList, CausalLMOutput> predictor, NDManager manager, int[] ids) throws Exception {
    Shape shape = new Shape(1, ids.length);
    NDList input =
        new NDList(
            manager.create(Arrays.stream(ids).asLongStream().toArray(), shape),
            manager.arange(0, ids.length, 1, DataType.INT64).reshape(shape),
            manager.ones(shape, DataType.INT64));
    CausalLMOutput output = predictor.predict(input);
    NDArray logProbabilities = output.getLogits().logSoftmax(-1);
    double sum = 0;
    for (int i = 0; i + 1 < ids.length; i++) {
      sum -= logProbabilities.getFloat(0, i, ids[i + 1]);
    }
    return sum / (ids.length - 1);
  }
}
