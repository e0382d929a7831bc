package dev.tokensampler.samples.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import org.junit.jupiter.api.Test;

/**
 * A {@link TinyGpt} built for training on part of the vocabulary, against the same weights in a
 * full block: the full block's distribution over all ids is the restricted block's, with the
 * last column spread evenly over the ids outside the trained set.
 */
class TinyGptTrainedIdsTest {
  private static final int V = 23;
  private static final int[] TRAINED = {0, 2, 3, 5, 8, 13, 21};

  @Test
  void fullBlockGivesTheTrainedDistribution() throws Exception {
    TinyGptConfig config = new TinyGptConfig(V, 8, 8, 2, 2);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(7);
      TinyGpt restricted = new TinyGpt(config, TRAINED);
      Shape shape = new Shape(1, 5);
      restricted.initialize(manager, DataType.FLOAT32, shape, shape, shape);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      restricted.saveParameters(new DataOutputStream(bytes));
      TinyGpt full = new TinyGpt(config);
      full.loadParameters(
          manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

      // Inputs inside and outside the trained ids: outside ones embed as zero in both blocks.
      long[] ids = {2, 7, 21, 0, 11};
      NDList input =
          new NDList(
              manager.create(ids, shape),
              manager.arange(0L, 5L, 1L, DataType.INT64).reshape(shape),
              manager.ones(shape, DataType.INT64));
      ParameterStore store = new ParameterStore(manager, false);
      NDArray part = restricted.forward(store, input, false).get(0).logSoftmax(-1);
      NDArray all = full.forward(store, input, false).get(0).logSoftmax(-1);
      assertArrayEquals(new long[] {1, 5, TRAINED.length + 1}, part.getShape().getShape());
      assertArrayEquals(new long[] {1, 5, V}, all.getShape().getShape());

      float[] partValues = part.toFloatArray();
      float[] allValues = all.toFloatArray();
      double othersEach = -Math.log(V - TRAINED.length);
      for (int position = 0; position < 5; position++) {
        int p = position * (TRAINED.length + 1);
        int a = position * V;
        boolean[] trained = new boolean[V];
        for (int i = 0; i < TRAINED.length; i++) {
          trained[TRAINED[i]] = true;
          assertEquals(partValues[p + i], allValues[a + TRAINED[i]], 1e-5, "id " + TRAINED[i]);
        }
        for (int id = 0; id < V; id++) {
          if (!trained[id]) {
            assertEquals(
                partValues[p + TRAINED.length] + othersEach, allValues[a + id], 1e-5, "id " + id);
          }
        }
      }
    }
  }

  @Test
  void rowsOutsideTheTrainedIdsGetNoGradientEvenAsInputs() {
    TinyGptConfig config = new TinyGptConfig(V, 8, 8, 1, 2);
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      Engine.getEngine("PyTorch").setRandomSeed(7);
      TinyGpt restricted = new TinyGpt(config, TRAINED);
      Shape shape = new Shape(1, 4);
      restricted.initialize(manager, DataType.FLOAT32, shape, shape, shape);
      NDArray embedding = restricted.getParameters().get("token_embedding").getArray();
      embedding.setRequiresGradient(true);
      NDList input =
          new NDList(
              manager.create(new long[] {7, 2, 11, 13}, shape),
              manager.arange(0L, 4L, 1L, DataType.INT64).reshape(shape),
              manager.ones(shape, DataType.INT64));
      try (ai.djl.training.GradientCollector collector =
          Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray logits =
            restricted.forward(new ParameterStore(manager, false), input, true).get(0);
        collector.backward(logits.logSoftmax(-1).get(":, :, 1").sum());
      }
      float[] gradient = embedding.getGradient().toFloatArray();
      float[] rows = embedding.toFloatArray();
      boolean[] trained = new boolean[V];
      for (int id : TRAINED) {
        trained[id] = true;
      }
      float trainedGradient = 0;
      for (int id = 0; id < V; id++) {
        for (int j = 0; j < 8; j++) {
          if (trained[id]) {
            trainedGradient += Math.abs(gradient[id * 8 + j]);
          } else {
            // 0 or -0: a zero row.
            assertEquals(0f, Math.abs(rows[id * 8 + j]), "row " + id);
            assertEquals(0f, Math.abs(gradient[id * 8 + j]), "gradient of row " + id);
          }
        }
      }
      assertTrue(trainedGradient > 0, "the trained rows get a gradient");
    }
  }

  @Test
  void rejectsIdsThatAreNotStrictlyIncreasingInRange() {
    TinyGptConfig config = new TinyGptConfig(V, 8, 8, 1, 2);
    assertThrows(IllegalArgumentException.class, () -> new TinyGpt(config, new int[] {3, 3}));
    assertThrows(IllegalArgumentException.class, () -> new TinyGpt(config, new int[] {4, 2}));
    assertThrows(IllegalArgumentException.class, () -> new TinyGpt(config, new int[] {0, V}));
    assertThrows(IllegalArgumentException.class, () -> new TinyGpt(config, new int[0]));
  }
}
