package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import dev.tokensampler.stage.Greedy;
import dev.tokensampler.stage.Temperature;
import dev.tokensampler.stage.TopK;
import dev.tokensampler.stage.TopP;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.rng.UniformRandomProvider;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every error is an exception of the documented type whose message names the parameter and the
 * offending value or index, and a sampler that has thrown stays usable: the next valid call
 * returns the token it would have returned had the bad call never been made (a bad call takes no
 * random number).
 *
 * <p>Logit errors are tried with every built-in chain, since each detects bad logits in a
 * different kernel (max, argmax, the top-k selection, the softmax of top-p), at index 0, inside
 * the SIMD blocks and in the scalar tail of a vocabulary of {@value #V} (a multiple of neither 64
 * nor 32).
 */
class BadInputTest {
  private static final int V = 1000;

  // ---- parameters of the configuration and the utilities ----

  static Stream<Arguments> parameterErrors() {
    return Stream.of(
        row("temperature -1", () -> SamplerConfig.builder().temperature(-1f), "temperature", "-1.0"),
        row("temperature -Infinity", () -> new Temperature(Float.NEGATIVE_INFINITY),
            "temperature", "-Infinity"),
        row("temperature NaN", () -> SamplerConfig.builder().temperature(Float.NaN),
            "temperature", "NaN"),
        row("temperature +Infinity", () -> SamplerConfig.builder().temperature(
            Float.POSITIVE_INFINITY), "temperature", "Infinity"),
        row("Softmax temperature -0.5", () -> Softmax.probabilities(new float[] {1, 2}, -0.5f),
            "temperature", "-0.5"),
        row("Softmax log temperature NaN",
            () -> Softmax.logProbabilities(new float[] {1, 2}, Float.NaN), "temperature", "NaN"),
        row("top_k -1", () -> SamplerConfig.builder().topK(-1), "top_k", "-1"),
        row("top_k MIN_VALUE", () -> new TopK(Integer.MIN_VALUE), "top_k",
            String.valueOf(Integer.MIN_VALUE)),
        row("top_p 0", () -> SamplerConfig.builder().topP(0f), "top_p", "0.0"),
        row("top_p -0.0", () -> new TopP(-0.0f), "top_p", "-0.0"),
        row("top_p -0.1", () -> new TopP(-0.1f), "top_p", "-0.1"),
        row("top_p above 1", () -> SamplerConfig.builder().topP(Math.nextUp(1f)), "top_p",
            String.valueOf(Math.nextUp(1f))),
        row("top_p 2", () -> new TopP(2f), "top_p", "2.0"),
        row("top_p NaN", () -> SamplerConfig.builder().topP(Float.NaN), "top_p", "NaN"),
        row("top_p +Infinity", () -> new TopP(Float.POSITIVE_INFINITY), "top_p", "Infinity"),
        row("top-k min_tokens_to_keep 0", () -> SamplerConfig.builder().topK(5, 0),
            "min_tokens_to_keep", "0"),
        row("top-k min_tokens_to_keep -3", () -> new TopK(5, -3), "min_tokens_to_keep", "-3"),
        row("top-p min_tokens_to_keep 0", () -> SamplerConfig.builder().topP(0.9f, 0),
            "min_tokens_to_keep", "0"),
        row("top-p min_tokens_to_keep -1", () -> new TopP(0.9f, -1), "min_tokens_to_keep", "-1"),
        row("Chain empty logits", () -> new Chain(List.of()).apply(new float[0], 0, 0), "logits",
            "0"),
        row("Candidates scale 0", () -> candidates(4).scale(0f), "factor", "0.0"),
        row("Candidates scale NaN", () -> candidates(4).scale(Float.NaN), "factor", "NaN"),
        row("Softmax empty logits", () -> Softmax.probabilities(new float[0], 1f), "logits", "0"),
        row("Softmax short out", () -> Softmax.probabilities(new float[3], 1f, new float[2]),
            "out.length", "2"),
        row("Softmax NaN logit", () -> Softmax.probabilities(new float[] {0, Float.NaN}, 1f),
            "logits[1]", "NaN"));
  }

  static Stream<Arguments> nullParameters() {
    return Stream.of(
        Arguments.of("Softmax logits", (Executable) () -> Softmax.probabilities(null, 1f),
            "logits"),
        Arguments.of("Softmax out", (Executable) () -> Softmax.probabilities(new float[1], 1f,
            null), "out"),
        Arguments.of("stage", (Executable) () -> SamplerConfig.builder().stage(null), "stage"),
        Arguments.of("random", (Executable) () -> SamplerConfig.greedy().newSampler(
            (UniformRandomProvider) null), "random"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parameterErrors")
  void parameterErrorNamesTheParameterAndValue(
      String name, Executable action, String parameter, String value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action, name);
    assertMessage(e, parameter, value);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nullParameters")
  void nullParameterIsANullPointerExceptionNamingIt(
      String name, Executable action, String parameter) {
    NullPointerException e = assertThrows(NullPointerException.class, action, name);
    assertMessage(e, parameter);
  }

  // ---- bad calls of a sampler ----

  /** One bad call: what it does, the exception type, and the fragments of the message. */
  private static final class BadCall {
    final String name;
    final Class<? extends RuntimeException> type;
    final Consumer<Sampler> call;
    final boolean afterFirstCall;
    final String[] fragments;

    BadCall(String name, Class<? extends RuntimeException> type, boolean afterFirstCall,
        Consumer<Sampler> call, String... fragments) {
      this.name = name;
      this.type = type;
      this.call = call;
      this.afterFirstCall = afterFirstCall;
      this.fragments = fragments;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static List<BadCall> badCalls() {
    List<BadCall> calls = new ArrayList<>();
    calls.add(new BadCall("null float[]", NullPointerException.class, false,
        s -> s.sample((float[]) null), "logits"));
    calls.add(new BadCall("null float[] with a range", NullPointerException.class, false,
        s -> s.sample((float[]) null, 0, V), "logits"));
    calls.add(new BadCall("null FloatBuffer with a range", NullPointerException.class, false,
        s -> s.sample((FloatBuffer) null, 0, V), "logits"));
    calls.add(new BadCall("null FloatBuffer", NullPointerException.class, false,
        s -> s.sample((FloatBuffer) null), "logits"));
    calls.add(new BadCall("empty float[]", IllegalArgumentException.class, false,
        s -> s.sample(new float[0]), "logits", "0"));
    calls.add(new BadCall("empty FloatBuffer", IllegalArgumentException.class, false,
        s -> s.sample(FloatBuffer.allocate(0)), "logits", "0"));
    calls.add(new BadCall("shorter float[]", IllegalArgumentException.class, true,
        s -> s.sample(new float[V - 1]), "logits", "999", "1000"));
    calls.add(new BadCall("longer range", IllegalArgumentException.class, true,
        s -> s.sample(new float[V + 5], 2, V + 1), "logits", "1001", "1000"));
    calls.add(new BadCall("FloatBuffer remaining() too small", IllegalArgumentException.class,
        true, s -> s.sample(FloatBuffer.wrap(new float[V], 1, V - 1)), "logits", "999", "1000"));
    calls.add(new BadCall("direct FloatBuffer remaining() too large",
        IllegalArgumentException.class, true, s -> s.sample(direct(new float[V + 1])),
        "logits", "1001", "1000"));
    calls.add(new BadCall("negative offset", IndexOutOfBoundsException.class, false,
        s -> s.sample(new float[V], -1, V), "offset", "-1"));
    calls.add(new BadCall("offset past the end", IndexOutOfBoundsException.class, false,
        s -> s.sample(new float[V], 1, V), "offset", "1", "1000"));
    calls.add(new BadCall("negative length", IndexOutOfBoundsException.class, false,
        s -> s.sample(new float[V], 0, -1), "length", "-1"));
    calls.add(new BadCall("FloatBuffer row past the limit", IndexOutOfBoundsException.class,
        false, s -> s.sample(FloatBuffer.allocate(V + 5), 6, V), "offset", "6", "1005"));
    calls.add(new BadCall("FloatBuffer row at a negative index", IndexOutOfBoundsException.class,
        false, s -> s.sample(direct(new float[V]), -2, V), "offset", "-2"));
    for (int index : new int[] {0, 5, 500, 970, 995, 999}) {
      calls.add(new BadCall("NaN at " + index, IllegalArgumentException.class, false,
          s -> s.sample(with(index, Float.NaN)), "logits[" + index + "]", "NaN"));
      calls.add(new BadCall("+Infinity at " + index, IllegalArgumentException.class, false,
          s -> s.sample(with(index, Float.POSITIVE_INFINITY)), "logits[" + index + "]",
          "+Infinity"));
    }
    calls.add(new BadCall("two NaN, the first named", IllegalArgumentException.class, false,
        s -> {
          float[] x = with(700, Float.NaN);
          x[300] = Float.NaN;
          s.sample(x);
        }, "logits[300]", "NaN"));
    calls.add(new BadCall("NaN in a range, named by its array index",
        IllegalArgumentException.class, false, s -> {
          float[] x = new float[V + 10];
          x[7 + 500] = Float.NaN;
          s.sample(x, 7, V);
        }, "logits[507]", "NaN"));
    calls.add(new BadCall("NaN in a FloatBuffer row, named by its buffer index",
        IllegalArgumentException.class, false, s -> {
          float[] x = new float[2 * V];
          x[V + 500] = Float.NaN;
          s.sample(direct(x), V, V);
        }, "logits[1500]", "NaN"));
    calls.add(new BadCall("NaN in a direct FloatBuffer", IllegalArgumentException.class, false,
        s -> s.sample(direct(with(995, Float.NaN))), "logits[995]", "NaN"));
    calls.add(new BadCall("+Infinity in a heap FloatBuffer", IllegalArgumentException.class,
        false, s -> s.sample(FloatBuffer.wrap(with(33, Float.POSITIVE_INFINITY))),
        "logits[33]", "+Infinity"));
    calls.add(new BadCall("all -Infinity", IllegalArgumentException.class, false,
        s -> {
          float[] x = new float[V];
          Arrays.fill(x, Float.NEGATIVE_INFINITY);
          s.sample(x);
        }, "logit", "-Infinity"));
    return calls;
  }

  /** The built-in chains, each of which meets bad logits in a different kernel. */
  private static List<SamplerConfig> chains() {
    return List.of(
        SamplerConfig.builder().build(),
        SamplerConfig.builder().temperature(0.7f).build(),
        SamplerConfig.greedy(),
        SamplerConfig.builder().temperature(0f).build(),
        SamplerConfig.builder().topK(40).build(),
        SamplerConfig.builder().topP(0.9f).build(),
        SamplerConfig.builder().topK(40).topP(0.95f).temperature(0.8f).build());
  }

  static Stream<Arguments> badCallsOnEveryChain() {
    List<Arguments> rows = new ArrayList<>();
    for (BadCall call : badCalls()) {
      for (SamplerConfig config : chains()) {
        rows.add(Arguments.of(call, config));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("badCallsOnEveryChain")
  void badCallThrowsWithTheParameterAndValueInTheMessage(BadCall call, SamplerConfig config) {
    Sampler sampler = config.newSampler(1L);
    if (call.afterFirstCall) {
      sampler.sample(valid(0));
    }
    RuntimeException e = assertThrows(call.type, () -> call.call.accept(sampler), call.name);
    assertMessage(e, call.fragments);
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("badCallsOnEveryChain")
  void badCallLeavesTheSamplerUsable(BadCall call, SamplerConfig config) {
    Sampler sampler = config.newSampler(2L);
    if (call.afterFirstCall) {
      sampler.sample(valid(0));
    }
    assertThrows(call.type, () -> call.call.accept(sampler), call.name);
    for (int step = 1; step <= 3; step++) {
      int token = sampler.sample(valid(step));
      assertTrue(token >= 0 && token < V, "token " + token + " after " + call.name);
    }
    assertEquals(V, sampler.vocabularySize());
    if (isGreedy(config)) {
      float[] x = valid(9);
      x[321] = 100f;
      assertEquals(321, sampler.sample(x), "greedy after " + call.name);
    }
  }

  private static boolean isGreedy(SamplerConfig config) {
    return config.stages().stream().anyMatch(s -> s == Greedy.INSTANCE
        || (s instanceof Temperature && ((Temperature) s).isGreedy()));
  }

  /**
   * The stream after a bad call is the stream of a sampler that never saw it: no random number
   * is taken by a call that throws, whichever stage detects the error.
   */
  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("badCallsOnEveryChain")
  void badCallTakesNoRandomNumber(BadCall call, SamplerConfig config) {
    CountingRandom random = new CountingRandom(3L);
    Sampler sampler = config.newSampler(random);
    Sampler reference = config.newSampler(3L);
    if (call.afterFirstCall) {
      assertEquals(reference.sample(valid(0)), sampler.sample(valid(0)));
    }
    long before = random.nextLongCalls();
    assertThrows(call.type, () -> call.call.accept(sampler), call.name);
    assertEquals(before, random.nextLongCalls(), "random numbers taken by the bad call");
    int[] expected = new int[20];
    int[] actual = new int[20];
    for (int step = 1; step <= 20; step++) {
      float[] logits = valid(step);
      expected[step - 1] = reference.sample(logits);
      actual[step - 1] = sampler.sample(logits);
    }
    assertArrayEquals(expected, actual, "tokens after " + call.name);
  }

  // ---- helpers ----

  private static Arguments row(String name, Executable action, String parameter, String value) {
    return Arguments.of(name, action, parameter, value);
  }

  private static void assertMessage(Throwable e, String... fragments) {
    String message = e.getMessage();
    assertNotNull(message, e.getClass().getSimpleName() + " without a message");
    for (String fragment : fragments) {
      assertTrue(message.contains(fragment),
          "the message \"" + message + "\" should contain \"" + fragment + "\"");
    }
  }

  private static Candidates candidates(int n) {
    return new Chain(List.of()).apply(new float[n], 0, n);
  }

  /** Valid logits for step {@code step}: Gaussian, with enough spread that tokens vary. */
  private static float[] valid(int step) {
    return TestLogits.gaussian(V, 2, 100 + step);
  }

  /** Valid logits with one value replaced. */
  private static float[] with(int index, float value) {
    float[] x = valid(0);
    x[index] = value;
    return x;
  }

  private static FloatBuffer direct(float[] values) {
    FloatBuffer buffer = ByteBuffer.allocateDirect(values.length * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    buffer.put(values).flip();
    return buffer;
  }
}
