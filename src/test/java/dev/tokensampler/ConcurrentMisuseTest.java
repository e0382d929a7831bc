package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Stage;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A sampler or batch used by two threads at once fails fast in the second thread, while the call
 * in progress completes as if alone; a config is shared freely.
 *
 * <p>The overlap is made deterministic by a stage that blocks in {@code apply} until the second
 * thread's call has failed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentMisuseTest {
  private static final int V = 257;

  /** Blocks in {@code apply} on its first call until released. Shared by copy(). */
  private static final class BlockingStage implements Stage {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private boolean blocked;

    @Override
    public void apply(Candidates candidates) {
      if (!blocked) {
        blocked = true;
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    @Override
    public Stage copy() {
      return this;
    }
  }

  @Test
  void secondThreadFailsFastAndTheFirstCallCompletes() throws Exception {
    BlockingStage blocking = new BlockingStage();
    SamplerConfig config = SamplerConfig.builder().stage(blocking).temperature(0.8f).build();
    Sampler sampler = config.newSampler(11L);
    Sampler reference = SamplerConfig.builder().temperature(0.8f).build().newSampler(11L);
    ExecutorService first = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> inProgress = first.submit(() -> sampler.sample(logits(0)));
      assertTrue(blocking.entered.await(30, TimeUnit.SECONDS), "the first call reached apply");
      ConcurrentModificationException e = assertThrows(
          ConcurrentModificationException.class, () -> sampler.sample(logits(1)));
      assertTrue(e.getMessage().contains("two threads")
          && e.getMessage().contains("one sampler per thread"), e.getMessage());
      assertThrows(ConcurrentModificationException.class,
          () -> sampler.restoreState(new byte[0]));
      blocking.release.countDown();
      assertEquals(reference.sample(logits(0)), inProgress.get(30, TimeUnit.SECONDS));
    } finally {
      first.shutdownNow();
    }
    assertEquals(1, sampler.tokensSampled(), "the failed calls sampled nothing");
    for (int step = 1; step <= 5; step++) {
      assertEquals(reference.sample(logits(step)), sampler.sample(logits(step)), "step " + step);
    }
  }

  @Test
  void stageReenteringItsSamplerFailsFast() {
    Sampler[] self = new Sampler[1];
    RuntimeException[] seen = new RuntimeException[1];
    Stage reentering = c -> {
      try {
        self[0].sample(logits(9));
      } catch (ConcurrentModificationException e) {
        seen[0] = e;
      }
    };
    self[0] = SamplerConfig.builder().stage(reentering).build().newSampler(3L);
    int token = self[0].sample(logits(0));
    assertTrue(token >= 0 && token < V);
    assertTrue(seen[0] instanceof ConcurrentModificationException, "re-entry detected");
  }

  @Test
  void batchUsedByTwoThreadsFailsFast() throws Exception {
    BlockingStage blocking = new BlockingStage();
    SamplerConfig config = SamplerConfig.builder().stage(blocking).build();
    BatchSampler batch = BatchSampler.create(config, 5L, 0L, 2);
    float[][] rows = {logits(0), logits(1)};
    int[] tokens = new int[2];
    ExecutorService first = Executors.newSingleThreadExecutor();
    try {
      Future<?> inProgress = first.submit(() -> batch.sample(rows, tokens));
      assertTrue(blocking.entered.await(30, TimeUnit.SECONDS), "the first call reached apply");
      ConcurrentModificationException e = assertThrows(ConcurrentModificationException.class,
          () -> batch.sample(rows, new int[2]));
      assertTrue(e.getMessage().contains("BatchSampler"), e.getMessage());
      blocking.release.countDown();
      inProgress.get(30, TimeUnit.SECONDS);
    } finally {
      first.shutdownNow();
    }
    int[] again = new int[2];
    batch.sample(rows, again);
    assertTrue(again[0] >= 0 && again[1] < V);
  }

  /** One config, many threads each with its own samplers: the tokens of a single-threaded run. */
  @Test
  void sharedConfigGivesTheTokensOfASingleThreadedRun() throws Exception {
    SamplerConfig config = SamplerConfig.builder()
        .stage(new dev.tokensampler.stage.RepetitionPenalty(1.3f, 16))
        .temperature(0.9f).topK(50).topP(0.9f).build();
    int sequences = 16;
    int steps = 40;
    int[][] expected = new int[sequences][];
    for (int s = 0; s < sequences; s++) {
      expected[s] = run(config, s, steps);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<int[]>> futures = new ArrayList<>();
      for (int s = 0; s < sequences; s++) {
        int sequence = s;
        futures.add(pool.submit(() -> {
          start.await();
          return run(config, sequence, steps);
        }));
      }
      start.countDown();
      for (int s = 0; s < sequences; s++) {
        assertArrayEquals(expected[s], futures.get(s).get(60, TimeUnit.SECONDS), "sequence " + s);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static int[] run(SamplerConfig config, int sequence, int steps) {
    Sampler sampler = config.newSampler(77L, sequence);
    int[] tokens = new int[steps];
    for (int t = 0; t < steps; t++) {
      tokens[t] = sampler.sample(logits(t));
    }
    return tokens;
  }

  private static float[] logits(int step) {
    return TestLogits.gaussian(V, 2, 500 + step);
  }
}
