package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Top-H, adaptive-p and the penalty options allocate nothing per token after warm-up, measured as
 * the samplers' zero-allocation tests measure: one of {@value #WINDOWS} windows of
 * {@value #MEASURED} tokens after {@value #WARM_UP} must allocate 0 bytes on the calling thread.
 * Adaptive-p is measured on the whole vocabulary: after min-p (explicit candidates) the vector
 * kernels' draw allocates in this JVM whatever stage asks for it (a custom stage that only draws
 * does too; the scalar kernels allocate nothing), which is a matter of the kernels' compilation,
 * not of the stage.
 */
class NewStagesAllocationTest {
  private static final int V = 32_000;
  private static final int WARM_UP = 2000;
  private static final int MEASURED = 1000;
  private static final int WINDOWS = 10;

  static Stream<SamplerConfig> chains() {
    return Stream.of(
        SamplerConfig.builder().temperature(0.8f).topH(0.4f).build(),
        SamplerConfig.builder().adaptiveP(0.3f, 0.9f).build(),
        SamplerConfig.builder().repetitionPenalty(1.2f, 64, true, 8)
            .frequencyPresencePenalty(0.3f, 0.2f, 64, true).temperature(0.8f).topK(40).build());
  }

  @ParameterizedTest
  @MethodSource("chains")
  void allocatesNothingPerTokenAfterWarmUp(SamplerConfig config) {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no com.sun.management");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
    threads.setThreadAllocatedMemoryEnabled(true);
    float[][] pool = new float[4][V];
    Random random = new Random(8);
    for (float[] logits : pool) {
      for (int i = 0; i < V; i++) {
        logits[i] = (float) (random.nextGaussian() * 3);
      }
    }
    Sampler sampler = config.newSampler(3);
    for (int t = 0; t < 16; t++) {
      sampler.accept(t);
    }
    long checksum = 0;
    for (int n = 0; n < WARM_UP; n++) {
      checksum += sampler.sample(pool[n & 3]);
    }
    long[] allocated = new long[WINDOWS];
    for (int w = 0; w < WINDOWS; w++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int n = 0; n < MEASURED; n++) {
        checksum += sampler.sample(pool[n & 3]);
      }
      allocated[w] = threads.getCurrentThreadAllocatedBytes() - before;
      if (allocated[w] == 0) {
        return;
      }
    }
    fail(config + ": bytes allocated by each window of " + MEASURED + " tokens: "
        + Arrays.toString(allocated) + " (checksum " + checksum + ")");
  }
}
