package dev.tokensampler.bench;

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
 * One call of the textbook sampler ({@link TextbookSampler}: {@code Math.exp} softmax, full sort
 * of the vocabulary for top-k and top-p) per {@link SamplingChain}, on the vectors of
 * {@link LogitsRing}: the baseline of the speed-up column. It allocates one small object per
 * token per call when it sorts, as the ports it copies do.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class TextbookBenchmark {
  /** The chain, by its {@link SamplingChain} name. */
  @Param({
    "greedy",
    "temperature",
    "topk40_temperature",
    "topp95_temperature",
    "topk40_topp95_temperature"
  })
  public String config;

  private TextbookSampler sampler;

  /**
   * Builds the sampler.
   *
   * @param ring the input vectors
   */
  @Setup(Level.Trial)
  public void setup(LogitsRing ring) {
    sampler = new TextbookSampler(SamplingChain.of(config), ring.vocabulary, 42L);
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
