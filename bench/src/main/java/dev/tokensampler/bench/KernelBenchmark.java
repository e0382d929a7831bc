package dev.tokensampler.bench;

import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.kernel.TopKHeap;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Each kernel alone, at the picked implementation: where the time of a sampler call goes. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class KernelBenchmark {
  @Param({"128256"})
  int vocabulary;

  float[] logits;
  float[] weights;
  float[] blockSums;
  Kernels kernels;
  TopKHeap heap;

  @Setup
  public void setup() {
    SplittableRandom random = new SplittableRandom(7);
    logits = new float[vocabulary];
    for (int i = 0; i < vocabulary; i++) {
      logits[i] = (float) (3 * random.nextGaussian());
    }
    weights = new float[vocabulary];
    blockSums = new float[vocabulary / Kernels.BLOCK + 1];
    kernels = KernelProvider.newKernels();
    heap = new TopKHeap();
    kernels.expSum(logits, 0, vocabulary, kernels.max(logits, 0, vocabulary), 1f, weights,
        blockSums);
  }

  @Benchmark
  public float max() {
    return kernels.max(logits, 0, vocabulary);
  }

  @Benchmark
  public int argmax() {
    return kernels.argmax(logits, 0, vocabulary);
  }

  @Benchmark
  public double expSum() {
    return kernels.expSum(logits, 0, vocabulary, 14f, 1f, null, blockSums);
  }

  @Benchmark
  public double expSumStore() {
    return kernels.expSum(logits, 0, vocabulary, 14f, 1f, weights, blockSums);
  }

  @Benchmark
  public double sumAbove() {
    return kernels.sumAbove(weights, 0, vocabulary, 1e-4f);
  }

  /**
   * The mass above a drawn token, from the logits: for sigma-3 logits the median draw of the
   * softmax lies near logit 9 (about 0.1% of the tokens above it).
   */
  @Benchmark
  public double sumWeightsAboveMedianDraw() {
    return sumWeightsAbove(9f);
  }

  /** The same at the edge of a 0.95 nucleus, near logit 4 (about 9% of the tokens above it). */
  @Benchmark
  public double sumWeightsAboveNucleusEdge() {
    return sumWeightsAbove(4.07f);
  }

  private double sumWeightsAbove(float logit) {
    return kernels.sumWeightsAbove(logits, 0, vocabulary, 14f, 1f, logit, logit - 14f, blockSums);
  }

  /**
   * The cheap upper bound on the mass above the token at the edge of a 0.95 nucleus, which
   * decides most draws inside it without {@link #sumWeightsAboveNucleusEdge}.
   */
  @Benchmark
  public double chordSumAboveNucleusEdge() {
    return kernels.chordSumAbove(logits, 0, vocabulary, 14f, 1f, 4.07f);
  }

  @Benchmark
  public int topK40() {
    heap.reset(40, vocabulary);
    return kernels.selectTopK(logits, 0, vocabulary, heap);
  }
}
