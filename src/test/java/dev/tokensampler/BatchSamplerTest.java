package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A row's tokens depend only on its own sampler: not on the batch size, the row order, the other
 * rows, the input layout or the number of threads.
 */
class BatchSamplerTest {
  private static final int V = 5_003;
  private static final int STEPS = 30;
  private static final long SEED = 99L;
  private static final SamplerConfig CONFIG =
      SamplerConfig.builder().temperature(0.9f).topK(200).topP(0.9f).build();
  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newFixedThreadPool(3);
  }

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  /** Logits of sequence {@code s} at step {@code t}, independent of any batch. */
  private static float[] logits(long s, int t) {
    SplittableRandom random = new SplittableRandom(s * 1_000_003L + t);
    float[] x = new float[V];
    for (int i = 0; i < V; i++) {
      x[i] = (float) (3 * random.nextGaussian());
    }
    return x;
  }

  /** The reference: sequence {@code s} sampled alone. */
  private static int[] alone(long s) {
    Sampler sampler = CONFIG.newSampler(SEED, s);
    int[] tokens = new int[STEPS];
    for (int t = 0; t < STEPS; t++) {
      tokens[t] = sampler.sample(logits(s, t));
    }
    return tokens;
  }

  /** Runs the sequences {@code ids} as one batch for every step; returns tokens[row][step]. */
  private static int[][] batched(long[] ids, int chunks, String layout) {
    List<Sampler> rows = new ArrayList<>();
    for (long id : ids) {
      rows.add(CONFIG.newSampler(SEED, id));
    }
    BatchSampler batch = BatchSampler.of(rows);
    if (chunks > 1) {
      batch = batch.parallel(pool, chunks);
    }
    int[][] result = new int[ids.length][STEPS];
    int[] tokens = new int[ids.length];
    for (int t = 0; t < STEPS; t++) {
      float[][] byRow = new float[ids.length][];
      for (int r = 0; r < ids.length; r++) {
        byRow[r] = logits(ids[r], t);
      }
      switch (layout) {
        case "rows":
          batch.sample(byRow, tokens);
          break;
        case "flat":
          batch.sample(flatten(byRow), V, tokens);
          break;
        default:
          FloatBuffer direct = ByteBuffer.allocateDirect((ids.length * V + 7) * Float.BYTES)
              .order(ByteOrder.nativeOrder()).asFloatBuffer();
          direct.position(7);
          direct.put(flatten(byRow));
          direct.position(7);
          batch.sample(direct, V, tokens);
          assertEquals(7, direct.position(), "buffer position unchanged");
      }
      for (int r = 0; r < ids.length; r++) {
        result[r][t] = tokens[r];
      }
    }
    return result;
  }

  private static float[] flatten(float[][] rows) {
    float[] flat = new float[rows.length * V];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(rows[r], 0, flat, r * V, V);
    }
    return flat;
  }

  @Test
  void rowsMatchTheirSequenceSampledAloneWhateverTheBatch() {
    long[] ids = {0, 1, 2, 3, 4, 5, 6, 7};
    int[][] reference = new int[ids.length][];
    for (int r = 0; r < ids.length; r++) {
      reference[r] = alone(ids[r]);
    }
    for (String layout : List.of("rows", "flat", "direct")) {
      for (int chunks : new int[] {1, 2, 3, 8}) {
        int[][] got = batched(ids, chunks, layout);
        for (int r = 0; r < ids.length; r++) {
          assertArrayEquals(reference[r], got[r], "row " + r + ", " + layout + ", chunks " + chunks);
        }
      }
    }
  }

  @Test
  void rowOrderAndCompanionsDoNotMatter() {
    List<Long> ids = new ArrayList<>(List.of(3L, 11L, 4L, 250L, 9_999L));
    Collections.shuffle(ids, new java.util.Random(5));
    long[] shuffled = ids.stream().mapToLong(Long::longValue).toArray();
    int[][] got = batched(shuffled, 2, "rows");
    int[][] smaller = batched(new long[] {shuffled[2]}, 1, "flat");
    for (int r = 0; r < shuffled.length; r++) {
      assertArrayEquals(alone(shuffled[r]), got[r], "sequence " + shuffled[r]);
    }
    assertArrayEquals(got[2], smaller[0], "same sequence alone in a batch of 1");
  }

  @Test
  void distinctSequencesOfOneSeedDiffer() {
    int[] a = alone(0);
    int[] b = alone(1);
    assertTrue(!java.util.Arrays.equals(a, b), "streams 0 and 1 of one seed must differ");
  }

  @Test
  void createUsesConsecutiveStreams() {
    BatchSampler batch = BatchSampler.create(CONFIG, SEED, 40, 3);
    int[] tokens = new int[3];
    int[][] got = new int[3][STEPS];
    for (int t = 0; t < STEPS; t++) {
      batch.sample(new float[][] {logits(40, t), logits(41, t), logits(42, t)}, tokens);
      for (int r = 0; r < 3; r++) {
        got[r][t] = tokens[r];
      }
    }
    for (int r = 0; r < 3; r++) {
      assertArrayEquals(alone(40 + r), got[r], "row " + r);
    }
  }

  @Test
  void badBatchesAreRejectedWithTheParameterNamed() {
    BatchSampler batch = BatchSampler.create(CONFIG, SEED, 0, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> batch.sample(new float[3 * V], V, new int[2]));
    assertTrue(e.getMessage().contains("x vocabularySize " + V), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> batch.sample(new float[][] {new float[V]}, new int[2]));
    assertTrue(e.getMessage().contains("logits.length"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> batch.sample(new float[2 * V], V, new int[1]));
    assertTrue(e.getMessage().contains("tokens.length"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> batch.parallel(pool, 3));
    assertTrue(e.getMessage().contains("chunks"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> BatchSampler.create(CONFIG, SEED, 0, 0));
    assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
    Sampler one = CONFIG.newSampler(1);
    e = assertThrows(IllegalArgumentException.class, () -> BatchSampler.of(List.of(one, one)));
    assertTrue(e.getMessage().contains("same sampler"), e.getMessage());
  }

  @Test
  void aRejectedRowFailsTheCallInParallelToo() {
    BatchSampler batch = BatchSampler.create(CONFIG, SEED, 0, 4).parallel(pool, 4);
    float[][] rows = {logits(0, 0), logits(1, 0), logits(2, 0), logits(3, 0)};
    rows[3][17] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> batch.sample(rows, new int[4]));
    assertTrue(e.getMessage().contains("logits[17] is NaN"), e.getMessage());
  }
}
