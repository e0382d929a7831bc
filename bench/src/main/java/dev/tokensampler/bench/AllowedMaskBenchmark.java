package dev.tokensampler.bench;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Stage;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * A grammar-constrained step: a custom stage applies an allowed-token bitmask (packed words, as
 * grammar engines produce them) with {@link Candidates#keepAllowed(long[])} or
 * {@link Candidates#keepAllowed(int[])}, then temperature 0.8 and top-k 40, one
 * {@link Sampler#sample(float[])} per call, on the vectors of {@link LogitsRing}. {@code allowed
 * = all} is the same chain without the mask stage, the baseline to compare with. The mask is
 * fixed per trial (a grammar state repeats masks; making one is the engine's cost, not this).
 *
 * <p>Run e.g. {@code -p vocabulary=128256 -p distribution=gaussian}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class AllowedMaskBenchmark {
  /** The share of the vocabulary allowed: {@code all} (no mask stage), {@code 50pct}, {@code 1pct}. */
  @Param({"all", "50pct", "1pct"})
  public String allowed;

  /** The word size of the mask: {@code long} (64-bit words) or {@code int} (32-bit words). */
  @Param({"long", "int"})
  public String words;

  private Sampler sampler;

  /** Applies a fixed 64-bit-word mask. */
  private static final class LongMask implements Stage {
    private final long[] bits;

    LongMask(long[] bits) {
      this.bits = bits;
    }

    @Override
    public void apply(Candidates candidates) {
      candidates.keepAllowed(bits);
    }
  }

  /** Applies a fixed 32-bit-word mask. */
  private static final class IntMask implements Stage {
    private final int[] bits;

    IntMask(int[] bits) {
      this.bits = bits;
    }

    @Override
    public void apply(Candidates candidates) {
      candidates.keepAllowed(bits);
    }
  }

  /**
   * Builds the mask and the sampler and makes its first call, which fixes the vocabulary and
   * allocates the sampler's buffers.
   *
   * @param ring the input vectors
   */
  @Setup(Level.Trial)
  public void setup(LogitsRing ring) {
    SamplerConfig.Builder builder = SamplerConfig.builder();
    if (!allowed.equals("all")) {
      double share = allowed.equals("50pct") ? 0.5 : 0.01;
      int v = ring.vocabulary;
      SplittableRandom random = new SplittableRandom(0xB17L);
      long[] longBits = new long[(v + 63) / 64];
      int[] intBits = new int[(v + 31) / 32];
      for (int id = 0; id < v; id++) {
        if (random.nextDouble() < share) {
          longBits[id >>> 6] |= 1L << id;
          intBits[id >>> 5] |= 1 << id;
        }
      }
      builder.stage(words.equals("long") ? new LongMask(longBits) : new IntMask(intBits));
    }
    sampler = builder.temperature(0.8f).topK(40).build().newSampler(42L);
    sampler.sample(ring.next());
  }

  /**
   * Samples one token.
   *
   * @param ring the input vectors
   * @return the token id
   */
  @Benchmark
  public int sample(LogitsRing ring) {
    return sampler.sample(ring.next());
  }
}
