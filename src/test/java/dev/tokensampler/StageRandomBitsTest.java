package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.random.Seeds;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import dev.tokensampler.stage.MinP;
import dev.tokensampler.stage.MirostatV1;
import dev.tokensampler.stage.MirostatV2;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.TypicalP;
import dev.tokensampler.stage.Xtc;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stages that need randomness (XTC's gate, mirostat's own draw) share the call's one value: every
 * call still takes exactly one {@code nextLong()}, a call that throws on invalid logits takes
 * none, and the tokens are a function of the seed.
 */
class StageRandomBitsTest {
  private static final int V = 500;

  static Stream<SamplerConfig> randomChains() {
    return Stream.of(
        SamplerConfig.builder().stage(new Xtc(0.5f, 0.05f)).build(),
        SamplerConfig.builder().topK(40).stage(new Xtc(0.5f, 0.1f)).topP(0.9f).build(),
        SamplerConfig.builder().topP(0.9f).stage(new Xtc(0.7f, 0.05f)).build(),
        SamplerConfig.builder().stage(new MirostatV2(3f, 0.1f)).build(),
        SamplerConfig.builder().stage(new Xtc(0.5f, 0.05f)).stage(new MirostatV1(3f, 0.1f))
            .build(),
        SamplerConfig.builder().stage(new MinP(0.02f)).stage(new TypicalP(0.9f))
            .temperature(0.8f).build());
  }

  @ParameterizedTest
  @MethodSource("randomChains")
  void everyCallTakesExactlyOneLong(SamplerConfig config) {
    CountingRandom random = new CountingRandom(8);
    Sampler sampler = config.newSampler(random);
    for (int i = 0; i < 200; i++) {
      sampler.sample(logits(i));
      assertEquals(i + 1, random.nextLongCalls());
    }
    assertEquals(0, random.otherCalls());
  }

  @ParameterizedTest
  @MethodSource("randomChains")
  void aCallRejectingItsLogitsTakesNothing(SamplerConfig config) {
    CountingRandom random = new CountingRandom(8);
    Sampler sampler = config.newSampler(random);
    sampler.sample(logits(0));
    float[] bad = logits(1);
    bad[123] = Float.NaN;
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(bad));
    assertEquals(1, random.nextLongCalls());
  }

  @ParameterizedTest
  @MethodSource("randomChains")
  void tokensDependOnTheSeedOnly(SamplerConfig config) {
    int[] first = run(config.newSampler(21));
    assertArrayEquals(first, run(config.newSampler(21)));
    assertTrue(!java.util.Arrays.equals(first, run(config.newSampler(22))), "seed matters");
  }

  /**
   * The value a stage reads is the one the draw uses: a stage that records
   * {@link Candidates#randomBits()} sees the call's {@code nextLong()}, and a chain with it draws
   * the same tokens as without it.
   */
  @Test
  void stagesReadTheCallsValueAndTheDrawUsesIt() {
    long[] seen = new long[1];
    Stage recorder = c -> seen[0] = c.randomBits();
    SamplerConfig with = SamplerConfig.builder().topK(50).stage(recorder).build();
    SamplerConfig without = SamplerConfig.builder().topK(50).build();
    Sampler a = with.newSampler(3);
    Sampler b = without.newSampler(3);
    var stream = Seeds.generator(3);
    for (int i = 0; i < 100; i++) {
      assertEquals(b.sample(logits(i)), a.sample(logits(i)));
      assertEquals(stream.nextLong(), seen[0]);
    }
  }

  @Test
  void randomBitsWithoutAGeneratorIsAnError() {
    Candidates c = new Chain(List.of()).apply(new float[] {0, 1, 2, 3}, 0, 4);
    IllegalStateException e = assertThrows(IllegalStateException.class, c::randomBits);
    assertTrue(e.getMessage().contains("without a generator"), e.getMessage());
    new Xtc(1f, 0.2f).apply(c);
    assertEquals(3, c.size(), "XTC at probability 1 needs no random value");
  }

  private static int[] run(Sampler sampler) {
    return IntStream.range(0, 100).map(i -> sampler.sample(logits(i))).toArray();
  }

  private static float[] logits(int step) {
    return TestLogits.gaussian(new Random(step), V, 2.5);
  }
}
