package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.random.Seeds;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same seed, config and logits give the same tokens, whatever form the logits come in;
 * different seeds give different tokens; the caller's logits are never written; one
 * {@code nextLong()} is taken per token.
 */
class ReproducibilityTest {
  private static final int V = 5000;
  private static final int STEPS = 120;

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of(SamplerConfig.builder().build()),
        Arguments.of(SamplerConfig.builder().temperature(0.7f).build()),
        Arguments.of(SamplerConfig.builder().topK(40).build()),
        Arguments.of(SamplerConfig.builder().topP(0.9f).build()),
        Arguments.of(SamplerConfig.builder().topK(40).topP(0.95f).temperature(0.8f).build()),
        Arguments.of(SamplerConfig.builder().temperature(1.2f).stage(new NoRepeatStage())
            .topP(0.8f).build()));
  }

  static Stream<Arguments> configsAndGreedy() {
    return Stream.concat(configs(), Stream.of(Arguments.of(SamplerConfig.greedy())));
  }

  private static final float[][] LOGITS = new float[STEPS][];

  /** A fresh copy of the logits of step {@code step}: Gaussian, sigma 2, new at every step. */
  private static float[] logits(int step) {
    synchronized (LOGITS) {
      if (LOGITS[step] == null) {
        LOGITS[step] = TestLogits.gaussian(V, 2, 1000 + step);
      }
      return LOGITS[step].clone();
    }
  }

  private static int[] stream(Sampler sampler) {
    int[] tokens = new int[STEPS];
    for (int step = 0; step < STEPS; step++) {
      tokens[step] = sampler.sample(logits(step));
    }
    return tokens;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configsAndGreedy")
  void sameSeedSameStream(SamplerConfig config) {
    Sampler a = config.newSampler(42L);
    Sampler b = config.newSampler(42L);
    Sampler c = config.newSampler(Seeds.generator(42L));
    int[] first = new int[STEPS];
    int[] second = new int[STEPS];
    for (int step = 0; step < STEPS; step++) {
      float[] x = logits(step);
      // Interleaved: the samplers (and their stage copies) share nothing.
      first[step] = a.sample(x);
      second[step] = b.sample(x);
    }
    assertArrayEquals(first, second);
    assertArrayEquals(first, stream(c), "newSampler(Seeds.generator(seed)) is newSampler(seed)");
    assertArrayEquals(first, stream(config.newSampler(42L)), "a later sampler, same stream");
  }

  /**
   * Six seeds, pairwise different streams. Every chain here leaves at least a handful of
   * plausible tokens at each step (the largest probability after truncation is far below 1/2),
   * so two independent streams of {@value #STEPS} tokens agree with probability below
   * 2^-{@value #STEPS}.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void differentSeedsDifferentStreams(SamplerConfig config) {
    long[] seeds = {0L, 1L, 2L, 42L, -1L, Long.MIN_VALUE};
    int[][] streams = new int[seeds.length][];
    for (int i = 0; i < seeds.length; i++) {
      streams[i] = stream(config.newSampler(seeds[i]));
    }
    for (int i = 0; i < seeds.length; i++) {
      for (int j = i + 1; j < seeds.length; j++) {
        assertFalse(Arrays.equals(streams[i], streams[j]),
            "seeds " + seeds[i] + " and " + seeds[j]);
      }
    }
  }

  /** Each form of the same logits, built fresh for a step. */
  static Stream<Arguments> inputForms() {
    return Stream.of(
        Arguments.of("float[]", (IntFunction<Input>) step -> Input.array(logits(step))),
        Arguments.of("range of a larger float[]",
            (IntFunction<Input>) step -> Input.range(logits(step), 13, 29)),
        Arguments.of("heap FloatBuffer", (IntFunction<Input>) step -> Input.buffer(
            FloatBuffer.wrap(logits(step)))),
        Arguments.of("heap FloatBuffer with position and limit inside a larger array",
            (IntFunction<Input>) step -> Input.buffer(embedded(logits(step), 7, 3))),
        Arguments.of("slice of a heap FloatBuffer",
            (IntFunction<Input>) step -> Input.buffer(embedded(logits(step), 5, 9).slice())),
        Arguments.of("direct FloatBuffer", (IntFunction<Input>) step -> Input.buffer(
            direct(logits(step), 0, 0))),
        Arguments.of("direct FloatBuffer with position and limit",
            (IntFunction<Input>) step -> Input.buffer(direct(logits(step), 11, 4))),
        Arguments.of("row of a heap FloatBuffer by absolute index",
            (IntFunction<Input>) step -> Input.row(embedded(logits(step), 8, 6), 8)),
        Arguments.of("row of a direct FloatBuffer by absolute index",
            (IntFunction<Input>) step -> Input.row(direct(logits(step), 21, 5), 21)),
        Arguments.of("read-only heap FloatBuffer", (IntFunction<Input>) step -> Input.buffer(
            embedded(logits(step), 2, 2).asReadOnlyBuffer())),
        Arguments.of("read-only direct FloatBuffer", (IntFunction<Input>) step -> Input.buffer(
            direct(logits(step), 3, 1).asReadOnlyBuffer())));
  }

  static Stream<Arguments> configsTimesForms() {
    return configsAndGreedy().flatMap(config -> inputForms().map(
        form -> Arguments.of(config.get()[0], form.get()[0], form.get()[1])));
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("configsTimesForms")
  void everyInputFormGivesTheSameStreamAndIsNotWritten(
      SamplerConfig config, String form, IntFunction<Input> input) {
    int[] expected = stream(config.newSampler(7L));
    Sampler sampler = config.newSampler(7L);
    int[] actual = new int[STEPS];
    for (int step = 0; step < STEPS; step++) {
      Input in = input.apply(step);
      actual[step] = in.sample(sampler);
      in.assertUnchanged(form + ", step " + step);
    }
    assertArrayEquals(expected, actual, form);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configsAndGreedy")
  void oneNextLongPerToken(SamplerConfig config) {
    CountingRandom random = new CountingRandom(99L);
    Sampler sampler = config.newSampler(random);
    int[] tokens = new int[STEPS];
    for (int step = 0; step < STEPS; step++) {
      tokens[step] = sampler.sample(logits(step));
      assertEquals(step + 1, random.nextLongCalls(), "nextLong() calls after token " + step);
    }
    assertEquals(0, random.otherCalls(), "calls of other generator methods");
    assertArrayEquals(stream(config.newSampler(99L)), tokens,
        "the stream of newSampler(seed) is the one of its generator");
  }

  @Test
  void prototypesInASharedConfigAreCopiedPerSampler() {
    NoRepeatStage prototype = new NoRepeatStage();
    SamplerConfig config = SamplerConfig.builder().stage(prototype).temperature(0.1f).build();
    float[] x = logits(0);
    x[17] = 30f;
    Sampler a = config.newSampler(1L);
    assertEquals(17, a.sample(x), "token 17 dominates");
    assertTrue(a.sample(x) != 17, "the sampler's copy bans its last token");
    assertEquals(17, config.newSampler(1L).sample(x), "a new sampler starts from the prototype");
    // The prototype itself has not seen any token.
    float[] y = x.clone();
    Candidates c = new Chain(List.of()).apply(y, 0, V);
    prototype.apply(c);
    assertTrue(c.isWholeVocabulary() && c.logit(17) == 30f, "the prototype is untouched");
  }

  // ---- input forms ----

  /** Logits in one form, with what is needed to check that sampling left them alone. */
  private abstract static class Input {
    abstract int sample(Sampler sampler);

    abstract void assertUnchanged(String where);

    static Input array(float[] logits) {
      float[] copy = logits.clone();
      return new Input() {
        @Override
        int sample(Sampler sampler) {
          return sampler.sample(logits);
        }

        @Override
        void assertUnchanged(String where) {
          assertArrayEquals(copy, logits, where);
        }
      };
    }

    /** The logits inside a larger array whose other elements are NaN, which must not be read. */
    static Input range(float[] logits, int before, int after) {
      float[] big = new float[before + logits.length + after];
      Arrays.fill(big, Float.NaN);
      System.arraycopy(logits, 0, big, before, logits.length);
      float[] copy = big.clone();
      return new Input() {
        @Override
        int sample(Sampler sampler) {
          return sampler.sample(big, before, logits.length);
        }

        @Override
        void assertUnchanged(String where) {
          assertArrayEquals(copy, big, where);
        }
      };
    }

    static Input buffer(FloatBuffer buffer) {
      return buffer(buffer, sampler -> sampler.sample(buffer));
    }

    /**
     * The {@code V} floats from absolute index {@code index}, whatever the position: the buffer
     * is first moved to position 0 and limit capacity, so position and limit say nothing.
     */
    static Input row(FloatBuffer buffer, int index) {
      buffer.clear();
      return buffer(buffer, sampler -> sampler.sample(buffer, index, V));
    }

    private static Input buffer(FloatBuffer buffer, ToIntFunction<Sampler> call) {
      int position = buffer.position();
      int limit = buffer.limit();
      float[] copy = everything(buffer);
      return new Input() {
        @Override
        int sample(Sampler sampler) {
          return call.applyAsInt(sampler);
        }

        @Override
        void assertUnchanged(String where) {
          assertEquals(position, buffer.position(), where + ": position");
          assertEquals(limit, buffer.limit(), where + ": limit");
          assertArrayEquals(copy, everything(buffer), where + ": content");
        }
      };
    }
  }

  /** The whole content of a buffer, 0 to capacity, read without moving it. */
  private static float[] everything(FloatBuffer buffer) {
    float[] all = new float[buffer.capacity()];
    FloatBuffer view = buffer.duplicate();
    view.clear();
    view.get(all);
    return all;
  }

  /** A heap buffer over a larger array, NaN outside position..limit. */
  private static FloatBuffer embedded(float[] logits, int before, int after) {
    float[] big = new float[before + logits.length + after];
    Arrays.fill(big, Float.NaN);
    System.arraycopy(logits, 0, big, before, logits.length);
    return FloatBuffer.wrap(big, before, logits.length);
  }

  /** A direct buffer, NaN outside position..limit. */
  private static FloatBuffer direct(float[] logits, int before, int after) {
    int capacity = before + logits.length + after;
    FloatBuffer buffer = ByteBuffer.allocateDirect(capacity * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (int i = 0; i < capacity; i++) {
      buffer.put(i, Float.NaN);
    }
    buffer.put(before, logits);
    buffer.position(before).limit(before + logits.length);
    return buffer;
  }
}
