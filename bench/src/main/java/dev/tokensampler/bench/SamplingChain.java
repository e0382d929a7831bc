package dev.tokensampler.bench;

import dev.tokensampler.SamplerConfig;

/**
 * The five sampler configurations compared by {@link SamplerBenchmark} and
 * {@link TextbookBenchmark}, by the names used in their {@code config} parameter. Stages come in
 * the Hugging Face order: temperature, then top-k, then top-p.
 */
public enum SamplingChain {
  /** The most likely token. */
  GREEDY("greedy", 0f, 0, 1f),
  /** A draw from {@code softmax(x / 0.8)}. */
  TEMPERATURE("temperature", 0.8f, 0, 1f),
  /** Temperature 0.8, then the 40 most likely tokens. */
  TOPK40_TEMPERATURE("topk40_temperature", 0.8f, 40, 1f),
  /** Temperature 0.8, then the nucleus of mass 0.95. */
  TOPP95_TEMPERATURE("topp95_temperature", 0.8f, 0, 0.95f),
  /** Temperature 0.8, then the 40 most likely tokens, then the nucleus of mass 0.95 of those. */
  TOPK40_TOPP95_TEMPERATURE("topk40_topp95_temperature", 0.8f, 40, 0.95f);

  private final String parameter;
  private final float temperature;
  private final int topK;
  private final float topP;

  SamplingChain(String parameter, float temperature, int topK, float topP) {
    this.parameter = parameter;
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
  }

  /**
   * The chain named by a benchmark parameter.
   *
   * @param parameter e.g. {@code topk40_temperature}
   * @return the chain
   * @throws IllegalArgumentException if no chain has that name
   */
  public static SamplingChain of(String parameter) {
    for (SamplingChain chain : values()) {
      if (chain.parameter.equals(parameter)) {
        return chain;
      }
    }
    throw new IllegalArgumentException("unknown config " + parameter);
  }

  /**
   * The temperature, 0 for greedy.
   *
   * @return {@code T}
   */
  public float temperature() {
    return temperature;
  }

  /**
   * The number of tokens kept by top-k, 0 for none.
   *
   * @return {@code k}
   */
  public int topK() {
    return topK;
  }

  /**
   * The nucleus mass, 1 for none.
   *
   * @return {@code p}
   */
  public float topP() {
    return topP;
  }

  /**
   * The library's config for this chain.
   *
   * @return a config built with {@link SamplerConfig#builder()}
   */
  public SamplerConfig samplerConfig() {
    if (this == GREEDY) {
      return SamplerConfig.builder().greedy().build();
    }
    SamplerConfig.Builder builder = SamplerConfig.builder().temperature(temperature);
    if (topK > 0) {
      builder.topK(topK);
    }
    if (topP < 1f) {
      builder.topP(topP);
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return parameter;
  }
}
