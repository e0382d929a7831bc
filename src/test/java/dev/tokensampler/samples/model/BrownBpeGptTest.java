package dev.tokensampler.samples.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code samples/models/brown-bpe} through {@link BrownBpeGpt#load}: 50,257 logits,
 * the tokenizer's round trip, and the embedding rows outside the trained ids at zero.
 */
class BrownBpeGptTest {

  @Test
  void loadsTheModelAndTokenizerFromTheCriteriaPath() throws Exception {
    try (BrownBpeGpt gpt = BrownBpeGpt.load(BrownBpeGpt.DIRECTORY);
        Predictor<NDList, CausalLMOutput> predictor = gpt.model().newPredictor();
        NDManager manager = NDManager.newBaseManager("PyTorch")) {
      assertEquals(50257, gpt.config().vocabularySize());
      String text = "The Fulton County Grand Jury said Friday.";
      int[] ids = gpt.encode(text);
      assertEquals(text, gpt.decode(ids));

      Shape shape = new Shape(1, ids.length);
      long[] longs = new long[ids.length];
      for (int i = 0; i < ids.length; i++) {
        longs[i] = ids[i];
      }
      NDList input =
          new NDList(
              manager.create(longs, shape),
              manager.arange(0L, ids.length, 1L, DataType.INT64).reshape(shape),
              manager.ones(shape, DataType.INT64));
      NDArray logits = predictor.predict(input).getLogits();
      assertArrayEquals(new long[] {1, ids.length, 50257}, logits.getShape().getShape());
      float[] values = logits.toFloatArray();
      for (float value : values) {
        assertTrue(Float.isFinite(value));
      }

      NDArray embedding =
          gpt.model().getBlock().getParameters().get("token_embedding").getArray();
      long nonZeroRows = embedding.abs().sum(new int[] {1}).gt(0f).sum().getLong();
      assertEquals(8192, nonZeroRows);
    }
  }
}
