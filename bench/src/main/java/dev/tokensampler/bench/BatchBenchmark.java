package dev.tokensampler.bench;

import dev.tokensampler.BatchSampler;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.rng.UniformRandomProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batch throughput: one call samples B rows of V = 128,256 (top-k 40, top-p 0.95, temperature
 * 0.8, Gaussian logits), on the calling thread or split over 2 threads of a caller's executor.
 * Tokens per second = B / (time per call).
 *
 * <p>{@code random}: {@code perRowStreams} is the library's reproducible design (one Philox stream
 * per row, from one seed); {@code threadLocal} is the fastest non-deterministic alternative, every
 * row drawing from the running thread's {@link ThreadLocalRandom}, so tokens depend on scheduling.
 * Their ratio is the cost of determinism.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class BatchBenchmark {
  private static final int VOCABULARY = 128_256;

  @Param({"1", "8", "64"})
  int batch;

  @Param({"1", "2"})
  int threads;

  @Param({"perRowStreams", "threadLocal"})
  String random;

  float[] logits;
  int[] tokens;
  BatchSampler sampler;
  ExecutorService pool;

  /** Draws from whichever thread runs the row: fast, not reproducible. */
  private static final UniformRandomProvider THREAD_LOCAL =
      () -> ThreadLocalRandom.current().nextLong();

  @Setup(Level.Trial)
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(11);
    logits = new float[batch * VOCABULARY];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (3 * rnd.nextGaussian());
    }
    tokens = new int[batch];
    SamplerConfig config =
        SamplerConfig.builder().temperature(0.8f).topK(40).topP(0.95f).build();
    List<Sampler> rows = new ArrayList<>();
    for (int r = 0; r < batch; r++) {
      rows.add("threadLocal".equals(random)
          ? config.newSampler(THREAD_LOCAL)
          : config.newSampler(7L, r));
    }
    sampler = BatchSampler.of(rows);
    if (threads > 1 && batch > 1) {
      pool = Executors.newFixedThreadPool(threads - 1);
      sampler = sampler.parallel(pool, threads);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  @Benchmark
  public int[] sampleBatch() {
    sampler.sample(logits, VOCABULARY, tokens);
    return tokens;
  }
}
