package dev.tokensampler;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Sampling with log-probabilities (20 alternatives) allocates nothing after warm-up, measured as
 * {@link ZeroAllocationTest} measures plain sampling: one of {@value #WINDOWS} windows of
 * {@value #MEASURED} calls after {@value #WARM_UP} calls of warm-up must allocate 0 bytes on the
 * calling thread. Not a timing test.
 */
class TokenLogprobsAllocationTest {
  private static final int V = 32_000;
  private static final int WARM_UP = 2000;
  private static final int MEASURED = 2000;
  private static final int WINDOWS = 10;
  private static final int POOL = 4;

  private static AllocationMeter meter;
  private static float[][] arrays;
  private static FloatBuffer[] buffers;

  @BeforeAll
  static void setUp() {
    meter = AllocationMeter.assumeAvailable();
    arrays = new float[POOL][];
    buffers = new FloatBuffer[POOL];
    for (int i = 0; i < POOL; i++) {
      arrays[i] = TestLogits.gaussian(V, 3, 700 + i);
      buffers[i] = ByteBuffer.allocateDirect(V * Float.BYTES).order(ByteOrder.nativeOrder())
          .asFloatBuffer().put(arrays[i]);
      buffers[i].flip();
    }
  }

  static Stream<Arguments> chains() {
    List<Arguments> rows = new ArrayList<>();
    SamplerConfig[] configs = {
      SamplerConfig.greedy(),
      SamplerConfig.builder().temperature(0.8f).build(),
      SamplerConfig.builder().topK(40).temperature(0.8f).build(),
      SamplerConfig.builder().temperature(0.8f).topP(0.95f).build(),
      SamplerConfig.builder().topK(40).topP(0.95f).temperature(0.8f).build()
    };
    for (SamplerConfig config : configs) {
      rows.add(Arguments.of(config, false));
      rows.add(Arguments.of(config, true));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}, direct buffer: {1}")
  @MethodSource("chains")
  void samplingWithLogprobsAllocatesNothingAfterWarmUp(SamplerConfig config, boolean direct) {
    Sampler sampler = config.newSampler(23L);
    TokenLogprobs out = new TokenLogprobs(TokenLogprobs.MAX_TOP_LOGPROBS);
    run(sampler, out, direct, WARM_UP);
    meter.assertSomeWindowAllocatesNothing(WINDOWS, MEASURED + " calls",
        () -> run(sampler, out, direct, MEASURED));
  }

  private static long run(Sampler sampler, TokenLogprobs out, boolean direct, int calls) {
    long checksum = 0;
    for (int n = 0; n < calls; n++) {
      int token = direct
          ? sampler.sample(buffers[n % POOL], out)
          : sampler.sample(arrays[n % POOL], out);
      checksum += token + out.rawTopId(0) + out.processedTopCount();
    }
    return checksum;
  }
}
