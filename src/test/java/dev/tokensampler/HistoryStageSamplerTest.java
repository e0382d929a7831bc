package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.stage.BannedSequences;
import dev.tokensampler.stage.Dry;
import dev.tokensampler.stage.FrequencyPresencePenalty;
import dev.tokensampler.stage.LogitBias;
import dev.tokensampler.stage.MinNewTokens;
import dev.tokensampler.stage.NoRepeatNGram;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.TokenMask;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The history, bias and mask stages inside samplers: one config serves independent sequences,
 * save and resume continue exactly, a state of other parameters is refused, and sampling
 * allocates nothing after warm-up (as {@link ZeroAllocationTest} measures it).
 */
class HistoryStageSamplerTest {
  private static final int V = 32_000;
  private static final int POOL = 4;
  private static final float[][] LOGITS = new float[POOL][];

  static {
    for (int i = 0; i < POOL; i++) {
      LOGITS[i] = TestLogits.gaussian(V, 3, 900 + i);
    }
  }

  private static BitSet range(int from, int to) {
    BitSet set = new BitSet();
    set.set(from, to);
    return set;
  }

  static Stream<SamplerConfig> chains() {
    return Stream.of(
        SamplerConfig.builder()
            .stage(new LogitBias(Map.of(5, 2f, 17, Float.NEGATIVE_INFINITY)))
            .stage(new RepetitionPenalty(1.3f, 64))
            .stage(new FrequencyPresencePenalty(0.2f, 0.1f, 64))
            .stage(new Dry(0.8f, 1.75f, 2, 256, List.of(new int[] {13}, new int[] {14, 15})))
            .temperature(0.8f).topK(40).build(),
        SamplerConfig.builder()
            .stage(new MinNewTokens(5, 0))
            .stage(TokenMask.banning(range(100, 200)))
            .stage(new BannedSequences(List.of(new int[] {1}, new int[] {2, 3})))
            .stage(new NoRepeatNGram(3))
            .temperature(0.8f).topP(0.95f).build(),
        SamplerConfig.builder()
            .stage(TokenMask.allowing(range(1000, 1500)))
            .stage(new RepetitionPenalty(1.3f, 64))
            .temperature(1.2f).build(),
        SamplerConfig.builder()
            .temperature(0.8f).topK(40)
            .stage(new RepetitionPenalty(1.3f, 64))
            .stage(new Dry(0.8f, 1.75f, 2, 128, List.of()))
            .stage(TokenMask.banning(range(0, 10))).build());
  }

  private static int[] run(Sampler sampler, int from, int to) {
    int[] tokens = new int[to - from];
    for (int t = from; t < to; t++) {
      tokens[t - from] = sampler.sample(LOGITS[t % POOL]);
    }
    return tokens;
  }

  @ParameterizedTest
  @MethodSource("chains")
  void oneConfigServesIndependentSequencesAndSavedStatesResume(SamplerConfig config) {
    Sampler a = config.newSampler(7L);
    int[] first = run(a, 0, 30);
    Sampler b = config.newSampler(7L);
    assertArrayEquals(first, run(b, 0, 30), "same seed, same chain: same tokens");

    byte[] state = a.saveState();
    int[] expected = run(a, 30, 80);
    Sampler resumed = config.newSampler(99L);
    resumed.restoreState(state);
    assertArrayEquals(expected, run(resumed, 30, 80));
  }

  @Test
  void theHistoryChangesWhatIsSampled() {
    SamplerConfig banned = SamplerConfig.builder().stage(new NoRepeatNGram(1)).build();
    Sampler sampler = banned.newSampler(1L);
    int[] tokens = run(sampler, 0, 200);
    assertEquals(200, Arrays.stream(tokens).distinct().count(), "unigrams never repeat");
  }

  @Test
  void aStateOfOtherParametersIsRefused() {
    Sampler saved = SamplerConfig.builder().stage(new RepetitionPenalty(1.3f)).build()
        .newSampler(1L);
    run(saved, 0, 3);
    Sampler other = SamplerConfig.builder().stage(new RepetitionPenalty(1.4f)).build()
        .newSampler(1L);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> other.restoreState(saved.saveState()));
    assertTrue(e.getMessage().startsWith("state was saved by another chain"), e.getMessage());
  }

  @ParameterizedTest
  @MethodSource("chains")
  void samplingAllocatesNothingAfterWarmUp(SamplerConfig config) {
    AllocationMeter meter = AllocationMeter.assumeAvailable();
    Sampler sampler = config.newSampler(17L);
    SplittableRandom prompt = new SplittableRandom(3);
    for (int i = 0; i < 300; i++) {
      sampler.accept(prompt.nextInt(V));
    }
    run(sampler, 0, 2000);
    meter.assertSomeWindowAllocatesNothing(10, "2000 calls", () -> {
      long checksum = 0;
      for (int n = 0; n < 2000; n++) {
        checksum += sampler.sample(LOGITS[n % POOL]);
      }
      return checksum;
    });
  }
}
