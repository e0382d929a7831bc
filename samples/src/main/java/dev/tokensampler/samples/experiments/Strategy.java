package dev.tokensampler.samples.experiments;

import dev.tokensampler.SamplerConfig;
import java.util.List;

/**
 * A decoding strategy of the experiments: a name and a sampler chain.
 *
 * @param name e.g. {@code T=0.7 top-p 0.9}
 * @param config the chain
 */
public record Strategy(String name, SamplerConfig config) {
  /**
   * The strategies compared by {@link StrategyExperiments}: greedy; temperature 0.7 then top-p
   * 0.9; temperature 1.2 then top-k 50 (the Hugging Face order: temperature first).
   *
   * @return the strategies
   */
  public static List<Strategy> standard() {
    return List.of(
        new Strategy("greedy", SamplerConfig.greedy()),
        new Strategy("T=0.7 top-p 0.9",
            SamplerConfig.builder().temperature(0.7f).topP(0.9f).build()),
        new Strategy("T=1.2 top-k 50",
            SamplerConfig.builder().temperature(1.2f).topK(50).build()));
  }
}
