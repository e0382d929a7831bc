package dev.tokensampler;

import dev.tokensampler.random.Seeds;
import dev.tokensampler.stage.AdaptiveP;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.MinP;
import dev.tokensampler.stage.Stage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs chains one after another in this JVM, in the order given (a {@code tiny-} prefix runs a
 * chain on {@value #TINY_V} tokens, where no vector loop runs), and prints for each the bytes
 * allocated per window of calls after warm-up: {@code <chain> <bytes of window 1> <bytes of window
 * 2> ...}, stopping at the first window that allocates nothing. Run by {@link WarmUpOrderTest} in
 * a fresh JVM, because what C2 compiles for one kernel depends on what ran before it. A first
 * argument {@code --windows=N} measures at most {@code N} windows instead of {@value #WINDOWS}.
 */
final class AllocationProbe {
  static final int V = 32_000;
  static final int WARM_UP = 2000;
  static final int MEASURED = 2000;
  static final int WINDOWS = 10;
  /** A chain name with this prefix runs on a vocabulary of {@value #TINY_V}, below one vector. */
  static final String TINY_PREFIX = "tiny-";
  static final int TINY_V = 8;

  /** The chains by name, in the Hugging Face order (temperature, top-k, top-p). */
  static final Map<String, SamplerConfig> CHAINS = new LinkedHashMap<>();

  static {
    CHAINS.put("greedy", SamplerConfig.greedy());
    CHAINS.put("temperature", SamplerConfig.builder().temperature(0.8f).build());
    CHAINS.put("topk", SamplerConfig.builder().temperature(0.8f).topK(40).build());
    CHAINS.put("topp", SamplerConfig.builder().temperature(0.8f).topP(0.95f).build());
    CHAINS.put("topk_topp", SamplerConfig.builder().temperature(0.8f).topK(40).topP(0.95f).build());
    CHAINS.put("minp_draw",
        SamplerConfig.builder().stage(new MinP(0.05f)).stage(new Draw()).build());
    CHAINS.put("minp_adaptivep",
        SamplerConfig.builder().stage(new MinP(0.05f)).stage(new AdaptiveP(0.3f, 0.9f)).build());
  }

  /**
   * A custom stage that draws the token itself through the public face of {@link Candidates}:
   * the probabilities into its own array, then the first position whose cumulative probability
   * exceeds the step's uniform value.
   */
  static final class Draw implements Stage {
    private float[] probabilities = new float[0];

    @Override
    public void apply(Candidates c) {
      int n = c.size();
      if (probabilities.length < n) {
        probabilities = new float[c.vocabularySize()];
      }
      c.writeProbabilities(probabilities);
      double u = Seeds.uniform(c.randomBits());
      double cumulative = 0;
      int chosen = n - 1;
      for (int i = 0; i < n; i++) {
        cumulative += probabilities[i];
        if (u < cumulative) {
          chosen = i;
          break;
        }
      }
      c.select(chosen);
    }

    @Override
    public Stage copy() {
      return new Draw();
    }
  }

  private AllocationProbe() {}

  /**
   * Probes the named chains in order.
   *
   * @param args chain names (keys of {@link #CHAINS})
   */
  public static void main(String[] args) {
    AllocationMeter meter = AllocationMeter.require();
    float[][] pool = new float[4][];
    float[][] tinyPool = new float[4][];
    for (int i = 0; i < pool.length; i++) {
      pool[i] = TestLogits.gaussian(V, 3, 900 + i);
      tinyPool[i] = TestLogits.gaussian(TINY_V, 3, 900 + i);
    }
    long checksum = 0;
    int windowCount = WINDOWS;
    for (String arg : args) {
      if (arg.startsWith("--windows=")) {
        windowCount = Integer.parseInt(arg.substring("--windows=".length()));
        continue;
      }
      boolean tiny = arg.startsWith(TINY_PREFIX);
      String name = tiny ? arg.substring(TINY_PREFIX.length()) : arg;
      float[][] logits = tiny ? tinyPool : pool;
      SamplerConfig config = CHAINS.get(name);
      if (config == null) {
        throw new IllegalArgumentException("unknown chain " + name + ", known: " + CHAINS.keySet());
      }
      Sampler sampler = config.newSampler(5L);
      for (int n = 0; n < WARM_UP; n++) {
        checksum += sampler.sample(logits[n % logits.length]);
      }
      long[] windows = meter.windowsUntilNoAllocation(windowCount, () -> {
        long sum = 0;
        for (int n = 0; n < MEASURED; n++) {
          sum += sampler.sample(logits[n % logits.length]);
        }
        return sum;
      });
      StringBuilder line = new StringBuilder(arg);
      for (long bytes : windows) {
        line.append(' ').append(bytes);
      }
      System.out.println(line);
    }
    System.out.println("checksum " + (checksum + meter.checksum()));
  }
}
