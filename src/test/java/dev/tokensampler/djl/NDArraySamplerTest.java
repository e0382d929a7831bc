package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.Softmax;
import dev.tokensampler.TestLogits;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link NDArraySampler} on real tensors of the PyTorch engine (bfloat16 on {@link RawNDArray},
 * which PyTorch under DJL 0.36.0 cannot hold): every shape and data type gives, row by row, the
 * tokens of a standalone {@link Sampler} fed the same values as a {@code float[]}, and bad input
 * fails with a message naming what is wrong.
 */
class NDArraySamplerTest {
  private static final SamplerConfig CONFIG =
      SamplerConfig.builder().temperature(0.9f).topK(200).topP(0.9f).build();
  private static final long SEED = 2026L;
  private static final int STEPS = 12;
  private static NDManager root;
  private NDManager manager;

  @BeforeAll
  static void startEngine() {
    root = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void stopEngine() {
    root.close();
  }

  @BeforeEach
  void openManager() {
    manager = root.newSubManager();
  }

  @AfterEach
  void closeManager() {
    manager.close();
  }

  /** Shapes as {B, T, V}; T = 0 means shape [B, V], B = 0 means shape [V]. */
  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(0, 0, 1_003),
        Arguments.of(1, 0, 1_003),
        Arguments.of(1, 1, 1_003),
        Arguments.of(1, 5, 1_003),
        Arguments.of(3, 0, 1_003),
        Arguments.of(3, 1, 1_003),
        Arguments.of(3, 5, 1_003),
        Arguments.of(4, 2, 32_000));
  }

  private static Shape shape(int b, int t, int v) {
    if (b == 0) {
      return new Shape(v);
    }
    return t == 0 ? new Shape(b, v) : new Shape(b, t, v);
  }

  /**
   * Row r of every shape gets the tokens of {@code CONFIG.newSampler(SEED, r)} fed the last
   * position of row r, over several steps of different logits.
   */
  @ParameterizedTest(name = "B={0} T={1} V={2} (0 = no such dimension)")
  @MethodSource("shapes")
  void everyRowGivesTheTokensOfItsOwnStream(int b, int t, int v) {
    int rows = Math.max(b, 1);
    int positions = Math.max(t, 1);
    NDArraySampler adapter = NDArraySampler.create(CONFIG, SEED, rows);
    Sampler[] standalone = new Sampler[rows];
    for (int r = 0; r < rows; r++) {
      standalone[r] = CONFIG.newSampler(SEED, r);
    }
    int[] tokens = new int[rows];
    for (int step = 0; step < STEPS; step++) {
      float[] values = TestLogits.gaussian(rows * positions * v, 3, 100 * step + rows);
      adapter.sample(manager.create(values, shape(b, t, v)), tokens);
      for (int r = 0; r < rows; r++) {
        int expected = standalone[r].sample(DjlRows.lastPosition(values, r, positions, v));
        assertEquals(expected, tokens[r], "step " + step + ", row " + r);
      }
    }
  }

  /** The single-row call is the batch call with B = 1. */
  @Test
  void aClosedTensorIsNamedAsSuch() {
    NDArray logits = manager.create(new float[] {1f, 2f, 3f});
    logits.close();
    NDArraySampler one = NDArraySampler.create(SamplerConfig.builder().build(), 1L, 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> one.sample(logits));
    assertTrue(e.getMessage().startsWith("logits NDArray is closed"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> one.sample(logits, new int[1]));
    assertTrue(e.getMessage().startsWith("logits NDArray is closed"), e.getMessage());
    assertEquals(0, one.row(0).tokensSampled());
  }

  @Test
  void sampleOfOneRowEqualsItsStream() {
    NDArraySampler adapter = NDArraySampler.create(CONFIG, SEED, 1);
    Sampler standalone = CONFIG.newSampler(SEED, 0);
    for (int step = 0; step < STEPS; step++) {
      float[] values = TestLogits.gaussian(3 * 500, 2, step);
      int token = adapter.sample(manager.create(values, new Shape(1, 3, 500)));
      assertEquals(standalone.sample(DjlRows.lastPosition(values, 0, 3, 500)), token);
    }
  }

  /**
   * float16 and bfloat16 logits give the tokens of float32 logits holding the same (rounded)
   * values. The float16 tensor is made and widened back by the engine; the bfloat16 values are
   * rounded to nearest-even here.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("halfTypes")
  void halfPrecisionGivesTheTokensOfTheSameValuesInFloat32(DataType type) {
    int b = 3;
    int t = 4;
    int v = 2_000;
    NDArraySampler halves = NDArraySampler.create(CONFIG, SEED, b);
    NDArraySampler floats = NDArraySampler.create(CONFIG, SEED, b);
    int[] halfTokens = new int[b];
    int[] floatTokens = new int[b];
    Sampler[] unrounded = new Sampler[b];
    for (int r = 0; r < b; r++) {
      unrounded[r] = CONFIG.newSampler(SEED, r);
    }
    int differentTokens = 0;
    for (int step = 0; step < 3 * STEPS; step++) {
      float[] values = TestLogits.gaussian(b * t * v, 4, 7 * step);
      Shape shape = new Shape(b, t, v);
      NDArray half;
      float[] rounded;
      if (type == DataType.FLOAT16) {
        half = manager.create(values, shape).toType(DataType.FLOAT16, false);
        rounded = half.toType(DataType.FLOAT32, false).toFloatArray();
      } else {
        rounded = DjlRows.roundToBfloat16(values);
        half = RawNDArray.bfloat16(manager, rounded, shape);
      }
      assertEquals(type, half.getDataType());
      assertFalse(Arrays.equals(values, rounded), "the rounding changes the logits");
      halves.sample(half, halfTokens);
      floats.sample(manager.create(rounded, shape), floatTokens);
      assertArrayEquals(floatTokens, halfTokens, "step " + step);
      // The unrounded logits may pick other tokens: the comparison above is not vacuous.
      for (int r = 0; r < b; r++) {
        if (unrounded[r].sample(DjlRows.lastPosition(values, r, t, v)) != halfTokens[r]) {
          differentTokens++;
        }
      }
    }
    assertTrue(differentTokens > 0, "rounding never changed a token: the check is too weak");
  }

  static Stream<DataType> halfTypes() {
    return Stream.of(DataType.FLOAT16, DataType.BFLOAT16);
  }

  /** A non-contiguous slice (the last position of a batch) gives the same tokens. */
  @Test
  void nonContiguousSliceGivesTheSameTokens() {
    NDArraySampler whole = NDArraySampler.create(CONFIG, SEED, 3);
    NDArraySampler sliced = NDArraySampler.create(CONFIG, SEED, 3);
    int[] expected = new int[3];
    int[] actual = new int[3];
    for (int step = 0; step < STEPS; step++) {
      NDArray logits =
          manager.create(TestLogits.gaussian(3 * 4 * 700, 3, step), new Shape(3, 4, 700));
      whole.sample(logits, expected);
      NDArray last = logits.get(":, -1, :");
      assertEquals(new Shape(3, 700), last.getShape());
      sliced.sample(last, actual);
      assertArrayEquals(expected, actual, "step " + step);
    }
  }

  @Test
  void sameSeedGivesTheSameTokensAndAnotherSeedOthers() {
    NDArraySampler first = NDArraySampler.create(CONFIG, SEED, 2);
    NDArraySampler again = NDArraySampler.create(CONFIG, SEED, 2);
    NDArraySampler other = NDArraySampler.create(CONFIG, SEED + 1, 2);
    int[] a = new int[2];
    int[] b = new int[2];
    int[] c = new int[2];
    int differences = 0;
    // Flat logits (sigma 0.5): many tokens in the nucleus, so different streams pick differently.
    for (int step = 0; step < 4 * STEPS; step++) {
      NDArray logits = manager.create(TestLogits.gaussian(2 * 400, 0.5, step), new Shape(2, 1, 400))
          .toType(DataType.FLOAT16, false);
      first.sample(logits, a);
      again.sample(logits, b);
      other.sample(logits, c);
      assertArrayEquals(a, b, "step " + step);
      differences += (a[0] != c[0] ? 1 : 0) + (a[1] != c[1] ? 1 : 0);
    }
    assertTrue(differences > 0, "another seed gave the same tokens at every step");
  }

  /** {@code of} keeps the given samplers in the given order. */
  @Test
  void ofUsesTheGivenSamplersInOrder() {
    Sampler s0 = CONFIG.newSampler(SEED, 0);
    Sampler s1 = CONFIG.newSampler(SEED, 1);
    NDArraySampler swapped = NDArraySampler.of(List.of(s1, s0));
    assertEquals(2, swapped.size());
    assertSame(s1, swapped.row(0));
    Sampler reference0 = CONFIG.newSampler(SEED, 0);
    Sampler reference1 = CONFIG.newSampler(SEED, 1);
    int[] tokens = new int[2];
    for (int step = 0; step < STEPS; step++) {
      float[] values = TestLogits.gaussian(2 * 300, 1, step);
      swapped.sample(manager.create(values, new Shape(2, 300)), tokens);
      assertEquals(reference1.sample(DjlRows.lastPosition(values, 0, 1, 300)), tokens[0]);
      assertEquals(reference0.sample(DjlRows.lastPosition(values, 1, 1, 300)), tokens[1]);
    }
    assertEquals(STEPS, s0.tokensSampled());
    NDArraySampler single = NDArraySampler.of(CONFIG.newSampler(SEED, 0));
    assertEquals(1, single.size());
    IllegalArgumentException repeated =
        assertThrows(IllegalArgumentException.class, () -> NDArraySampler.of(List.of(s0, s1, s0)));
    assertEquals("rows[0] and rows[2] are the same sampler", repeated.getMessage());
    assertThrows(IllegalArgumentException.class, () -> NDArraySampler.of(List.of()));
    assertThrows(IllegalArgumentException.class, () -> NDArraySampler.create(CONFIG, SEED, 0));
  }

  @Test
  void vocabularyMismatchNamesBothSizes() {
    NDArraySampler adapter = NDArraySampler.create(CONFIG, SEED, 2);
    int[] tokens = new int[2];
    adapter.sample(manager.create(TestLogits.gaussian(2 * 100, 1, 1), new Shape(2, 100)), tokens);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> adapter.sample(
            manager.create(TestLogits.gaussian(2 * 101, 1, 2), new Shape(2, 101)), tokens));
    assertEquals(
        "logits vocabulary size 101 differs from the vocabulary size 100 of the sampler of batch"
            + " row 0",
        e.getMessage());
    assertEquals(1, adapter.row(0).tokensSampled(), "a rejected call samples nothing");

    // Only row 1's sampler has a size: checked before row 0 is sampled.
    NDArraySampler mixed = NDArraySampler.of(List.of(CONFIG.newSampler(SEED, 5), adapter.row(1)));
    e = assertThrows(IllegalArgumentException.class,
        () -> mixed.sample(
            manager.create(TestLogits.gaussian(2 * 99, 1, 3), new Shape(2, 1, 99)), tokens));
    assertEquals(
        "logits vocabulary size 99 differs from the vocabulary size 100 of the sampler of batch"
            + " row 1",
        e.getMessage());
    assertEquals(0, mixed.row(0).tokensSampled());
  }

  @Test
  void batchSizeMismatchNamesBothSizes() {
    NDArraySampler adapter = NDArraySampler.create(CONFIG, SEED, 2);
    NDArray three = manager.create(TestLogits.gaussian(3 * 50, 1, 3), new Shape(3, 1, 50));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> adapter.sample(three, new int[3]));
    assertEquals("logits batch size 3 differs from the number of samplers 2", e.getMessage());
    NDArray one = manager.create(TestLogits.gaussian(50, 1, 4), new Shape(50));
    e = assertThrows(IllegalArgumentException.class, () -> adapter.sample(one));
    assertEquals("sample(logits) needs a batch size of 1, this adapter has 2 rows: use"
        + " sample(logits, tokens)", e.getMessage());
    NDArray two = manager.create(TestLogits.gaussian(2 * 50, 1, 5), new Shape(2, 50));
    e = assertThrows(IllegalArgumentException.class, () -> adapter.sample(two, new int[1]));
    assertEquals("tokens.length must be >= the batch size 2, got 1", e.getMessage());
  }

  /** NaN in row 2 at index 17 of the last position: the message names the row, index and value. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("allTypes")
  void nanIsReportedWithItsRowAndIndex(DataType type) {
    int b = 3;
    int t = 2;
    int v = 64;
    float[] values = TestLogits.gaussian(b * t * v, 1, 9);
    values[(2 * t + t - 1) * v + 17] = Float.NaN;
    values[(1 * t + 0) * v + 5] = Float.NaN; // not at the last position: never read
    NDArray logits = tensor(values, new Shape(b, t, v), type);
    NDArraySampler adapter = NDArraySampler.create(CONFIG, SEED, b);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> adapter.sample(logits, new int[b]));
    String message = e.getMessage();
    assertTrue(message.startsWith("batch row 2: "), message);
    assertTrue(message.contains("17"), message);
    assertTrue(message.contains("NaN"), message);
    assertEquals(1, adapter.row(0).tokensSampled(), "rows before the bad one are sampled");
    assertEquals(0, adapter.row(2).tokensSampled(), "the bad row draws nothing");
  }

  static Stream<DataType> allTypes() {
    return Stream.of(DataType.FLOAT32, DataType.FLOAT16, DataType.BFLOAT16);
  }

  private NDArray tensor(float[] values, Shape shape, DataType type) {
    if (type == DataType.BFLOAT16) {
      return RawNDArray.bfloat16(manager, DjlRows.roundToBfloat16(values), shape);
    }
    NDArray floats = manager.create(values, shape);
    return type == DataType.FLOAT32 ? floats : floats.toType(type, false);
  }

  @Test
  void positiveInfinityIsReportedWithItsRow() {
    float[] values = TestLogits.gaussian(2 * 40, 1, 10);
    values[40 + 3] = Float.POSITIVE_INFINITY;
    NDArraySampler adapter = NDArraySampler.create(CONFIG, SEED, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> adapter.sample(manager.create(values, new Shape(2, 40)), new int[2]));
    assertTrue(e.getMessage().startsWith("batch row 1: "), e.getMessage());
    assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
  }

  @Test
  void otherDataTypesAndShapesAreRejected() {
    NDArraySampler adapter = NDArraySampler.create(CONFIG, SEED, 1);
    assertRejected(adapter, manager.create(new int[] {1, 2, 3}),
        "logits data type must be float32, float16 or bfloat16, got int32");
    assertRejected(adapter, manager.create(new double[] {1, 2, 3}),
        "logits data type must be float32, float16 or bfloat16, got float64");
    assertRejected(adapter, manager.create(new float[8], new Shape(1, 2, 2, 2)),
        "logits shape must be [V], [B, V] or [B, T, V], got (1, 2, 2, 2)");
    assertRejected(adapter, manager.create(new float[0], new Shape(1, 0)),
        "logits shape must have no empty dimension, got (1, 0)");
    assertRejected(adapter, manager.create(new float[0], new Shape(1, 0, 5)),
        "logits shape must have no empty dimension, got (1, 0, 5)");
    assertThrows(NullPointerException.class, () -> adapter.sample(null));
    assertEquals(0, adapter.row(0).tokensSampled());
  }

  private static void assertRejected(NDArraySampler adapter, NDArray logits, String message) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> adapter.sample(logits));
    assertEquals(message, e.getMessage());
  }

  /**
   * {@link NDArrayLogits}: a row's logits are the widened last position, and its log-probabilities
   * the library's log-softmax of them.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("allTypes")
  void logitsAndLogProbabilitiesOfARow(DataType type) {
    int b = 2;
    int t = 3;
    int v = 900;
    float[] values = TestLogits.gaussian(b * t * v, 3, 11);
    NDArray logits = tensor(values, new Shape(b, t, v), type);
    float[] widened = type == DataType.FLOAT32
        ? values
        : logits.getDataType() == DataType.FLOAT16
            ? logits.toType(DataType.FLOAT32, false).toFloatArray()
            : DjlRows.roundToBfloat16(values);
    float[] out = new float[v];
    for (int r = 0; r < b; r++) {
      assertArrayEquals(DjlRows.lastPosition(widened, r, t, v),
          NDArrayLogits.lastPosition(logits, r), "row " + r);
      NDArrayLogits.logProbabilities(logits, r, out);
      float[] expected = Softmax.logProbabilities(DjlRows.lastPosition(widened, r, t, v), 1f);
      assertArrayEquals(expected, out, "row " + r);
      double mass = 0;
      for (float logProbability : out) {
        mass += Math.exp(logProbability);
      }
      assertEquals(1.0, mass, 1e-4, "row " + r);
    }
    assertThrows(IndexOutOfBoundsException.class,
        () -> NDArrayLogits.logProbabilities(logits, b, out));
    assertThrows(IndexOutOfBoundsException.class, () -> NDArrayLogits.lastPosition(logits, -1));
  }
}
