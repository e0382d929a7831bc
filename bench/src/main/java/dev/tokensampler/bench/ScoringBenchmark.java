package dev.tokensampler.bench;

import dev.tokensampler.Softmax;
import dev.tokensampler.score.LogitScorer;
import dev.tokensampler.score.SequenceScores;
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
 * Scoring one position (one row of logits), per call: {@code tokenOnly} (the token's raw
 * log-probability and rank), {@code withTop} ({@code top} alternatives and four extra ids as
 * well), {@code logDistribution} (the whole log-softmax and its entropy into an array) and, for
 * scale, {@code softmaxLogProbabilities} ({@link Softmax#logProbabilities(float[], float,
 * float[])}, the same values through a sampler's candidates).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class ScoringBenchmark {
  /** The number of alternatives of {@code withTop}. */
  @Param({"20"})
  public int top;

  private LogitScorer scorer;
  private SequenceScores tokenOnly;
  private SequenceScores withTop;
  private float[] distribution;
  private final int[] token = new int[1];

  /**
   * Makes the scorer and holders.
   *
   * @param ring the input vectors
   */
  @Setup(Level.Trial)
  public void setup(LogitsRing ring) {
    scorer = new LogitScorer(ring.vocabulary);
    tokenOnly = new SequenceScores(1, 0);
    withTop = new SequenceScores(1, top, 0, 1, 2, 3);
    distribution = new float[ring.vocabulary];
    token[0] = ring.vocabulary / 3;
  }

  /**
   * Scores one token.
   *
   * @param ring the input vectors
   * @return its log-probability
   */
  @Benchmark
  public float tokenOnly(LogitsRing ring) {
    scorer.score(ring.next(), 0, token, 0, 1, tokenOnly);
    return tokenOnly.logprob(0) + tokenOnly.rank(0);
  }

  /**
   * Scores one token with alternatives and extra ids.
   *
   * @param ring the input vectors
   * @return a checksum
   */
  @Benchmark
  public float withTop(LogitsRing ring) {
    scorer.score(ring.next(), 0, token, 0, 1, withTop);
    return withTop.logprob(0) + withTop.topLogprob(0, 0) + withTop.extraLogprob(0, 3);
  }

  /**
   * Writes one row's log-distribution and returns its entropy.
   *
   * @param ring the input vectors
   * @return the entropy
   */
  @Benchmark
  public double logDistribution(LogitsRing ring) {
    return scorer.logDistribution(ring.next(), 0, distribution);
  }

  /**
   * The same log-distribution through {@link Softmax}.
   *
   * @param ring the input vectors
   * @return one value
   */
  @Benchmark
  public float softmaxLogProbabilities(LogitsRing ring) {
    Softmax.logProbabilities(ring.next(), 1f, distribution);
    return distribution[0];
  }
}
