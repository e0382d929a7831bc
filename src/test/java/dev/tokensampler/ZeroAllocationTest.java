package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokensampler.stage.DynamicTemperature;
import dev.tokensampler.stage.EpsilonCutoff;
import dev.tokensampler.stage.EtaCutoff;
import dev.tokensampler.stage.MinP;
import dev.tokensampler.stage.MirostatV1;
import dev.tokensampler.stage.MirostatV2;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.TopNSigma;
import dev.tokensampler.stage.TypicalP;
import dev.tokensampler.stage.Xtc;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * After warm-up, sampling allocates nothing: 2000 calls at a vocabulary of 32,000 (Gaussian
 * logits, sigma 3) allocate 0 bytes on the calling thread, for every built-in chain, from a {@code float[]} and from a direct
 * {@link FloatBuffer}. Measured with {@link AllocationMeter} (HotSpot's per-thread allocation
 * counter); skipped where it is not supported. Not a timing test.
 */
class ZeroAllocationTest {
  private static final int V = 32_000;
  private static final int WARM_UP = 2000;
  private static final int MEASURED = 2000;
  /** Windows of {@value #MEASURED} calls tried after warm-up; one must allocate nothing. */
  private static final int WINDOWS = 10;
  /** Logit vectors used in turn, so that the draws and the nucleus sizes vary between calls. */
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
      arrays[i] = TestLogits.gaussian(V, 3, 500 + i);
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
    // A stage after top-p on the whole vocabulary makes the nucleus explicit (a threshold search
    // of about 32 passes): the input form does not matter there, so float[] only.
    rows.add(Arguments.of(SamplerConfig.builder().topP(0.95f).temperature(0.8f).build(), false));
    // The truncating stages on the whole vocabulary, after top-k, and the mirostats.
    rows.add(Arguments.of(SamplerConfig.builder().stage(new TopNSigma(2f))
        .stage(new EtaCutoff(1e-3f)).stage(new TypicalP(0.95f)).stage(new MinP(0.01f))
        .stage(new Xtc(0.5f, 0.1f)).stage(new DynamicTemperature(0.8f, 0.3f, 1f)).build(), false));
    rows.add(Arguments.of(SamplerConfig.builder().topK(40).stage(new TopNSigma(2f))
        .stage(new TypicalP(0.95f)).stage(new MinP(0.05f)).stage(new EpsilonCutoff(1e-3f))
        .stage(new Xtc(0.5f, 0.1f)).stage(new MirostatV2(4f, 0.1f)).build(), false));
    rows.add(Arguments.of(
        SamplerConfig.builder().stage(new MirostatV1(4f, 0.1f)).build(), false));
    // Custom stages with the public primitives: allowed-token bitmasks (dense: masked in place;
    // sparse: explicit candidates), single masks and the truncations.
    long[] dense = new long[(V + 63) / 64];
    int[] sparse = new int[(V + 31) / 32];
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int id = 0; id < V; id++) {
      dense[id >>> 6] |= random.nextInt(2) == 0 ? 1L << id : 0L;
      sparse[id >>> 5] |= random.nextInt(100) == 0 ? 1 << id : 0;
    }
    Stage denseMask = c -> c.keepAllowed(dense);
    Stage sparseMask = c -> c.keepAllowed(sparse);
    Stage masks = c -> {
      for (int i = 0; i < c.size(); i += 97) {
        c.mask(i);
      }
    };
    int[] evens = java.util.stream.IntStream.range(0, V / 2).map(i -> 2 * i).toArray();
    Stage truncations = c -> {
      c.keepAtLeast(c.maxLogit() - 8f, 2);
      c.keepLargest(100);
      c.keepTokens(evens);
    };
    rows.add(Arguments.of(SamplerConfig.builder().stage(denseMask).temperature(0.8f).topK(40)
        .build(), false));
    rows.add(Arguments.of(SamplerConfig.builder().stage(sparseMask).temperature(0.8f).topK(40)
        .build(), true));
    rows.add(Arguments.of(SamplerConfig.builder().temperature(0.8f).stage(masks).topK(40)
        .stage(denseMask).build(), false));
    rows.add(Arguments.of(SamplerConfig.builder().temperature(0.8f).stage(truncations).build(),
        false));
    return rows.stream();
  }

  /** The counter itself: two reads in a row differ by nothing, so no slack is needed. */
  @Test
  void readingTheCounterAllocatesNothing() {
    long before = meter.allocatedBytes();
    long after = meter.allocatedBytes();
    assertEquals(0, after - before);
  }

  /**
   * After {@value #WARM_UP} calls of warm-up, one of the next {@value #WINDOWS} windows of
   * {@value #MEASURED} consecutive calls must allocate 0 bytes. More than one window is allowed
   * because the Vector API kernels allocate until C2 has compiled them, and C2 comes late for a
   * kernel called once per token on a short range (after top-k, the softmax of 40 candidates:
   * about 1.5 KB per call until some 6,000 to 12,000 calls on JDK 25 on a loaded two-core
   * machine), and a late deoptimisation runs a few vector operations in the interpreter again. A
   * chain that allocates on every call, or even once per thousand calls, fails every window.
   */
  @ParameterizedTest(name = "{0}, direct buffer: {1}")
  @MethodSource("chains")
  void samplingAllocatesNothingAfterWarmUp(SamplerConfig config, boolean directBuffer) {
    Sampler sampler = config.newSampler(17L);
    run(sampler, directBuffer, WARM_UP);
    meter.assertSomeWindowAllocatesNothing(WINDOWS, MEASURED + " calls",
        () -> run(sampler, directBuffer, MEASURED));
  }

  private static long run(Sampler sampler, boolean directBuffer, int calls) {
    long checksum = 0;
    for (int n = 0; n < calls; n++) {
      int token = directBuffer
          ? sampler.sample(buffers[n % POOL])
          : sampler.sample(arrays[n % POOL]);
      checksum += token;
    }
    return checksum;
  }
}
