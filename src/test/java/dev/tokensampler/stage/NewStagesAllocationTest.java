package dev.tokensampler.stage;

import dev.tokensampler.AllocationMeter;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Top-H, adaptive-p and the penalty options allocate nothing per token after warm-up, measured as
 * the samplers' zero-allocation tests measure: one of {@value #WINDOWS} windows of
 * {@value #MEASURED} tokens after {@value #WARM_UP} must allocate 0 bytes on the calling thread.
 * Adaptive-p is measured on the whole vocabulary and after min-p (explicit candidates); that a
 * chain on explicit candidates stops allocating soon in a fresh JVM is {@code WarmUpOrderTest}'s.
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
        SamplerConfig.builder().stage(new MinP(0.05f)).stage(new AdaptiveP(0.3f, 0.9f)).build(),
        SamplerConfig.builder().repetitionPenalty(1.2f, 64, true, 8)
            .frequencyPresencePenalty(0.3f, 0.2f, 64, true).temperature(0.8f).topK(40).build());
  }

  @ParameterizedTest
  @MethodSource("chains")
  void allocatesNothingPerTokenAfterWarmUp(SamplerConfig config) {
    AllocationMeter meter = AllocationMeter.assumeAvailable();
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
    sampleAll(sampler, pool, WARM_UP);
    meter.assertSomeWindowAllocatesNothing(WINDOWS, MEASURED + " tokens of " + config,
        () -> sampleAll(sampler, pool, MEASURED));
  }

  private static long sampleAll(Sampler sampler, float[][] pool, int tokens) {
    long checksum = 0;
    for (int n = 0; n < tokens; n++) {
      checksum += sampler.sample(pool[n & 3]);
    }
    return checksum;
  }
}
