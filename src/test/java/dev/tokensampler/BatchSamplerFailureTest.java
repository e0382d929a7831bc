package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Executors that drop, delay or reject chunks, and rows that fail: a parallel batch never hangs,
 * never samples a row twice in a call, and says which rows advanced.
 */
class BatchSamplerFailureTest {
  private static final int V = 300;
  private static final int ROWS = 6;
  private static final SamplerConfig CONFIG =
      SamplerConfig.builder().temperature(0.9f).topK(50).build();
  private static final Duration LIMIT = Duration.ofSeconds(20);

  private static float[] logits(int row, int step) {
    SplittableRandom random = new SplittableRandom(row * 7919L + step);
    float[] x = new float[V];
    for (int i = 0; i < V; i++) {
      x[i] = (float) (2 * random.nextGaussian());
    }
    return x;
  }

  private static float[][] batchLogits(int step) {
    float[][] x = new float[ROWS][];
    for (int r = 0; r < ROWS; r++) {
      x[r] = logits(r, step);
    }
    return x;
  }

  /** Each row's token at each step when sampled alone. */
  private static int[][] reference(int steps) {
    int[][] tokens = new int[steps][ROWS];
    for (int r = 0; r < ROWS; r++) {
      Sampler alone = CONFIG.newSampler(1L, r);
      for (int t = 0; t < steps; t++) {
        tokens[t][r] = alone.sample(logits(r, t));
      }
    }
    return tokens;
  }

  @Test
  void anExecutorThatDropsEveryTaskNeitherHangsNorChangesTheTokens() {
    Executor dropping = task -> { };
    BatchSampler batch = BatchSampler.create(CONFIG, 1L, 0, ROWS).parallel(dropping, 3);
    int[][] expected = reference(3);
    assertTimeoutPreemptively(LIMIT, () -> {
      for (int t = 0; t < 3; t++) {
        int[] tokens = new int[ROWS];
        batch.sample(batchLogits(t), tokens);
        assertArrayEquals(expected[t], tokens, "step " + t);
      }
    });
  }

  @Test
  void tasksDroppedByShutdownNowNeitherHangNorChangeTheTokens() throws Exception {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(
        1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    pool.execute(() -> {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    BatchSampler batch = BatchSampler.create(CONFIG, 1L, 0, ROWS).parallel(pool, 3);
    int[][] expected = reference(1);
    Thread dropper = new Thread(() -> {
      while (pool.getQueue().size() < 2) {
        Thread.onSpinWait();
      }
      pool.shutdownNow();
    });
    dropper.start();
    assertTimeoutPreemptively(LIMIT, () -> {
      int[] tokens = new int[ROWS];
      batch.sample(batchLogits(0), tokens);
      assertArrayEquals(expected[0], tokens);
    });
    dropper.join();
    hold.countDown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
  }

  /** An executor that holds the tasks it is given, or rejects them, or runs them at once. */
  private static final class ScriptedExecutor implements Executor {
    final List<Runnable> held = new ArrayList<>();
    int acceptBeforeRejecting = Integer.MAX_VALUE;
    boolean runAtOnce;

    @Override
    public void execute(Runnable task) {
      if (acceptBeforeRejecting-- <= 0) {
        throw new RejectedExecutionException("full");
      }
      if (runAtOnce) {
        List<Runnable> leftovers = new ArrayList<>(held);
        held.clear();
        leftovers.forEach(Runnable::run);
        task.run();
      } else {
        held.add(task);
      }
    }
  }

  @Test
  void aRejectedChunkFailsTheCallAtOnceAndLeavesNoTaskBehind() {
    ScriptedExecutor executor = new ScriptedExecutor();
    executor.acceptBeforeRejecting = 1;
    BatchSampler batch = BatchSampler.create(CONFIG, 1L, 0, ROWS).parallel(executor, 3);
    int[] tokens = new int[ROWS];
    RejectedExecutionException e = assertThrows(RejectedExecutionException.class,
        () -> batch.sample(batchLogits(0), tokens));
    assertTrue(e.getMessage().contains("rejected chunk 2 of 3"), e.getMessage());
    assertTrue(e.getMessage().contains("rows none advanced"), e.getMessage());
    for (int r = 0; r < ROWS; r++) {
      assertEquals(-1, tokens[r], "row " + r);
      assertEquals(0, batch.row(r).tokensSampled(), "row " + r);
    }
    // The next call runs the task held from the failed call first: it must sample nothing.
    executor.acceptBeforeRejecting = Integer.MAX_VALUE;
    executor.runAtOnce = true;
    int[][] expected = reference(2);
    for (int t = 0; t < 2; t++) {
      batch.sample(batchLogits(t), tokens);
      assertArrayEquals(expected[t], tokens, "step " + t);
      for (int r = 0; r < ROWS; r++) {
        assertEquals(t + 1, batch.row(r).tokensSampled(), "row " + r);
      }
    }
  }

  @Test
  void aFailedRowLeavesMinusOneExactlyWhereNoRowAdvanced() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int chunks = 1; chunks <= 3; chunks++) {
        BatchSampler batch = BatchSampler.create(CONFIG, 1L, 0, ROWS);
        if (chunks > 1) {
          batch = batch.parallel(pool, chunks);
        }
        float[][] x = batchLogits(0);
        x[2] = x[2].clone();
        x[2][7] = Float.NaN;
        int[] tokens = new int[ROWS];
        BatchSampler b = batch;
        assertTimeoutPreemptively(LIMIT,
            () -> assertThrows(IllegalArgumentException.class, () -> b.sample(x, tokens)));
        assertEquals(-1, tokens[2]);
        for (int r = 0; r < ROWS; r++) {
          assertEquals(tokens[r] >= 0 ? 1 : 0, batch.row(r).tokensSampled(),
              chunks + " chunks, row " + r);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
