package example.core;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * The generation every consumer flavour runs: fixed pseudo-random logits over a vocabulary of
 * {@value #VOCABULARY} tokens for {@value #STEPS} steps, the chain temperature 0.8, top-k 40,
 * top-p 0.9, seed {@value #SEED}. The logits depend on the previous token, as a model's would.
 */
public final class Demo {
  public static final int VOCABULARY = 1000;
  public static final int STEPS = 48;
  public static final long SEED = 42;

  private Demo() {}

  /** The chain, built in code. */
  public static SamplerConfig config() {
    return SamplerConfig.builder().temperature(0.8f).topK(40).topP(0.9f).build();
  }

  /** The logits of one step, given the previous token (or -1 at the start). */
  public static float[] logits(int step, int previous) {
    float[] logits = new float[VOCABULARY];
    long state = 0x9E3779B97F4A7C15L * (step + 1) + 0xBF58476D1CE4E5B9L * (previous + 2);
    for (int i = 0; i < VOCABULARY; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      float uniform = (state >>> 40) / (float) (1 << 24);
      logits[i] = 6f * uniform * uniform * uniform;
    }
    return logits;
  }

  /**
   * Runs the generation.
   *
   * @param draw takes the logits of a step and returns the sampled token
   */
  public static int[] generate(ToIntFunction<float[]> draw) {
    int[] tokens = new int[STEPS];
    int previous = -1;
    for (int step = 0; step < STEPS; step++) {
      previous = draw.applyAsInt(logits(step, previous));
      tokens[step] = previous;
    }
    return tokens;
  }

  /** Runs the generation with a sampler. */
  public static int[] generate(Sampler sampler) {
    return generate(sampler::sample);
  }

  /** The line every flavour prints: where the library was loaded from, then the tokens. */
  public static String report(String flavour, int[] tokens) {
    Module library = Sampler.class.getModule();
    String path = library.isNamed() ? "module path (" + library.getName() + ")" : "class path";
    boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    return String.format(Locale.ROOT, "%s | %s | java %s | vector module %s%ntokens: %s",
        flavour, path, Runtime.version().feature(), vector ? "added" : "absent",
        Arrays.stream(tokens).mapToObj(Integer::toString).collect(Collectors.joining(" ")));
  }

  public static void main(String[] args) {
    System.out.println(report("core", generate(config().newSampler(SEED))));
  }
}
