package dev.tokensampler.golden;

import dev.tokensampler.SamplerConfig;
import dev.tokensampler.TestLogits;
import dev.tokensampler.stage.Stage;
import java.util.LinkedHashMap;
import java.util.Map;

/** The chains whose token streams are pinned by {@code golden/tokens.txt}. */
final class GoldenChains {
  static final int VOCABULARY = 32_003;
  static final int STEPS = 40;
  static final long SEED = 20261124L;
  static final long[] SEQUENCES = {0, 1, 9_999};

  private GoldenChains() {}

  /** A stage that reads the candidate count, which makes a pending top-p nucleus explicit. */
  private static final Stage READS_SIZE = c -> {
    if (c.size() == 0) {
      throw new IllegalStateException("no candidates");
    }
  };

  static Map<String, SamplerConfig> chains() {
    Map<String, SamplerConfig> chains = new LinkedHashMap<>();
    chains.put("softmax", SamplerConfig.builder().build());
    chains.put("temperature=0.7", SamplerConfig.builder().temperature(0.7f).build());
    chains.put("temperature=1.5", SamplerConfig.builder().temperature(1.5f).build());
    chains.put("greedy", SamplerConfig.greedy());
    chains.put("temperature=0.8,top_k=40",
        SamplerConfig.builder().temperature(0.8f).topK(40).build());
    chains.put("temperature=0.8,top_p=0.9",
        SamplerConfig.builder().temperature(0.8f).topP(0.9f).build());
    chains.put("top_p=0.5,explicit",
        SamplerConfig.builder().topP(0.5f).stage(READS_SIZE).build());
    chains.put("temperature=0.8,top_k=40,top_p=0.95",
        SamplerConfig.builder().temperature(0.8f).topK(40).topP(0.95f).build());
    chains.put("top_k=1000,top_p=0.9,temperature=1.2",
        SamplerConfig.builder().topK(1000).topP(0.9f).temperature(1.2f).build());
    return chains;
  }

  /** The token stream of one chain and sequence, as text. */
  static String stream(SamplerConfig config, long sequence) {
    dev.tokensampler.Sampler sampler = config.newSampler(SEED, sequence);
    StringBuilder text = new StringBuilder();
    for (int step = 0; step < STEPS; step++) {
      if (step > 0) {
        text.append(' ');
      }
      text.append(sampler.sample(TestLogits.reproducible(sequence, step, VOCABULARY)));
    }
    return text.toString();
  }
}
