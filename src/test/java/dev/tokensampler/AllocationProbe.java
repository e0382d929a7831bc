package dev.tokensampler;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs chains one after another in this JVM, in the order given (a {@code tiny-} prefix runs a
 * chain on {@value #TINY_V} tokens, where no vector loop runs), and prints for each the bytes
 * allocated per window of calls after warm-up: {@code <chain> <bytes of window 1> <bytes of window
 * 2> ...}, stopping at the first window that allocates nothing. Run by {@link WarmUpOrderTest} in
 * a fresh JVM, because what C2 compiles for one kernel depends on what ran before it.
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
    for (String arg : args) {
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
      long[] windows = meter.windowsUntilNoAllocation(WINDOWS, () -> {
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
