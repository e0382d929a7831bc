package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link NDArraySampler} on the real output of the shipped model ({@code samples/models/brown-gpt},
 * float32 logits {@code [B, S, 8192]} on the PyTorch engine): tokens equal those of standalone
 * samplers fed the engine's own reading of the last position ({@code get(":, -1, :")} then
 * {@code toFloatArray()}), per batch row, in float32 and float16.
 */
class ShippedModelLogitsTest {
  @RegisterExtension
  static final BrownGptFixture BROWN = new BrownGptFixture();
  private static final SamplerConfig CONFIG =
      SamplerConfig.builder().temperature(0.8f).topP(0.9f).build();
  private static final long SEED = 77L;
  private static final String[] PROMPTS = {
    "the president said that", "she looked at the", "in the morning we"
  };
  private NDManager manager;

  @BeforeEach
  void openManager() {
    manager = BROWN.model().getNDManager().newSubManager();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /** The model's logits {@code [B, S, V]} for B prefixes of equal length S. */
  private NDArray forward(int[][] prefixes) throws Exception {
    int b = prefixes.length;
    int s = prefixes[0].length;
    long[] ids = new long[b * s];
    long[] positions = new long[b * s];
    long[] mask = new long[b * s];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < s; i++) {
        ids[r * s + i] = prefixes[r][i];
        positions[r * s + i] = i;
        mask[r * s + i] = 1;
      }
    }
    Shape shape = new Shape(b, s);
    NDList input = new NDList(manager.create(ids, shape), manager.create(positions, shape),
        manager.create(mask, shape));
    NDArray logits = BROWN.predictor().predict(input).getLogits();
    assertEquals(new Shape(b, s, BROWN.vocabulary().size()), logits.getShape());
    assertEquals(DataType.FLOAT32, logits.getDataType());
    return logits;
  }

  private static int[][] prompts(int count) {
    int[][] prefixes = new int[count][];
    for (int r = 0; r < count; r++) {
      prefixes[r] = Arrays.copyOf(BROWN.vocabulary().encode(PROMPTS[r]), 4);
    }
    return prefixes;
  }

  /** Generation of a batch of 3, 10 steps: every row equals its own standalone stream. */
  @Test
  void batchRowsEqualStandaloneSamplersOnTheEnginesReading() throws Exception {
    int b = PROMPTS.length;
    int[][] prefixes = prompts(b);
    NDArraySampler adapter = NDArraySampler.create(CONFIG, SEED, b);
    Sampler[] standalone = new Sampler[b];
    for (int r = 0; r < b; r++) {
      standalone[r] = CONFIG.newSampler(SEED, r);
    }
    int[] tokens = new int[b];
    for (int step = 0; step < 10; step++) {
      NDArray logits = forward(prefixes);
      adapter.sample(logits, tokens);
      float[] last = logits.get(":, -1, :").toFloatArray();
      int v = BROWN.vocabulary().size();
      for (int r = 0; r < b; r++) {
        float[] row = Arrays.copyOfRange(last, r * v, (r + 1) * v);
        assertEquals(standalone[r].sample(row), tokens[r], "step " + step + ", row " + r);
        prefixes[r] = Arrays.copyOf(prefixes[r], prefixes[r].length + 1);
        prefixes[r][prefixes[r].length - 1] = tokens[r];
      }
    }
  }

  /** The same logits in float16 give the tokens of float32 logits holding the rounded values. */
  @Test
  void float16LogitsGiveTheTokensOfTheirFloat32Values() throws Exception {
    NDArraySampler halves = NDArraySampler.create(CONFIG, SEED, 3);
    NDArraySampler floats = NDArraySampler.create(CONFIG, SEED, 3);
    int[] halfTokens = new int[3];
    int[] floatTokens = new int[3];
    NDArray logits = forward(prompts(3));
    for (int draw = 0; draw < 20; draw++) {
      NDArray half = logits.toType(DataType.FLOAT16, false);
      halves.sample(half, halfTokens);
      floats.sample(half.toType(DataType.FLOAT32, false), floatTokens);
      assertArrayEquals(floatTokens, halfTokens, "draw " + draw);
    }
  }

  /**
   * Greedy picks the engine's argmax; the raw log-probabilities are a distribution, and that of a
   * trained model: its entropy is well below that of the uniform one, ln 8192 = 9.01 nats.
   */
  @Test
  void greedyIsTheArgmaxAndTheDistributionIsTrained() throws Exception {
    NDArray logits = forward(prompts(1));
    int argmax = (int) logits.get(":, -1, :").argMax().getLong();
    assertEquals(argmax, NDArraySampler.of(SamplerConfig.greedy().newSampler(0L)).sample(logits));
    float[] logProbabilities = new float[BROWN.vocabulary().size()];
    NDArrayLogits.logProbabilities(logits, 0, logProbabilities);
    double mass = 0;
    double entropy = 0;
    for (float logProbability : logProbabilities) {
      double p = Math.exp(logProbability);
      mass += p;
      entropy -= p * logProbability;
    }
    assertEquals(1.0, mass, 1e-4);
    assertTrue(entropy < Math.log(BROWN.vocabulary().size()) - 1, "entropy " + entropy);
  }
}
