package dev.tokensampler.bench;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.TokenLogprobs;
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
 * The cost of log-probabilities: one {@link Sampler#sample(float[])} call ({@code plain}) against
 * one {@link Sampler#sample(float[], TokenLogprobs)} call with {@code top} alternatives, per
 * {@link SamplingChain}. The difference is the raw pass (maximum, sum, top-N) plus the processed
 * log-softmax over the remaining candidates.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class LogprobsBenchmark {
  /** The chain, by its {@link SamplingChain} name. */
  @Param({"temperature", "topk40_temperature", "topp95_temperature"})
  public String config;

  /** The number of alternatives listed per distribution. */
  @Param({"0", "20"})
  public int top;

  private Sampler plain;
  private Sampler withLogprobs;
  private TokenLogprobs out;

  /**
   * Builds the samplers and makes their first calls, which allocate their buffers.
   *
   * @param ring the input vectors
   */
  @Setup(Level.Trial)
  public void setup(LogitsRing ring) {
    SamplerConfig chain = SamplingChain.of(config).samplerConfig();
    plain = chain.newSampler(42L);
    withLogprobs = chain.newSampler(42L);
    out = new TokenLogprobs(top);
    plain.sample(ring.next());
    withLogprobs.sample(ring.next(), out);
  }

  /**
   * Samples one token.
   *
   * @param ring the input vectors
   * @return the token id
   */
  @Benchmark
  public int plain(LogitsRing ring) {
    return plain.sample(ring.next());
  }

  /**
   * Samples one token and fills the log-probabilities.
   *
   * @param ring the input vectors
   * @return the token id
   */
  @Benchmark
  public int withLogprobs(LogitsRing ring) {
    return withLogprobs.sample(ring.next(), out);
  }
}
