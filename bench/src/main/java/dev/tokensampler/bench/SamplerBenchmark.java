package dev.tokensampler.bench;

import dev.tokensampler.Sampler;
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
 * One {@link Sampler#sample(float[])} call of the library, on the vectors of {@link LogitsRing},
 * for each {@link SamplingChain}.
 *
 * <p>The Vector API module is prepended to the fork's JVM arguments, so that
 * {@code -jvmArgsAppend -Ddev.tokensampler.kernels=scalar} (or {@code ...vectorBits=256}) on the
 * JMH command line changes the kernels without dropping the module.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class SamplerBenchmark {
  /** The chain, by its {@link SamplingChain} name. */
  @Param({
    "greedy",
    "temperature",
    "topk40_temperature",
    "topp95_temperature",
    "topk40_topp95_temperature"
  })
  public String config;

  private Sampler sampler;

  /**
   * Builds the sampler and makes its first call, which fixes the vocabulary and allocates the
   * sampler's buffers, so that the measurement sees the steady state.
   *
   * @param ring the input vectors
   */
  @Setup(Level.Trial)
  public void setup(LogitsRing ring) {
    sampler = SamplingChain.of(config).samplerConfig().newSampler(42L);
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
