package dev.tokensampler;

import dev.tokensampler.random.Seeds;
import dev.tokensampler.stage.Greedy;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.Temperature;
import dev.tokensampler.stage.TopK;
import dev.tokensampler.stage.TopP;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * An immutable, validated sampler chain: stages applied in the order they were added, then a
 * seeded draw from what is left (unless a stage selected the token, as greedy does).
 *
 * <p>Shareable across threads; it makes any number of independent {@link Sampler}s, one per
 * sequence. Parameters are validated when added, with an {@link IllegalArgumentException} naming
 * the parameter and value.
 *
 * <pre>{@code
 * SamplerConfig config = SamplerConfig.builder().temperature(0.7f).topK(40).topP(0.95f).build();
 * Sampler sampler = config.newSampler(42L);
 * int token = sampler.sample(logits);
 * }</pre>
 *
 * With no stage at all, a sampler draws from {@code softmax(logits)} (temperature 1).
 */
public final class SamplerConfig {
  private final List<Stage> stages;

  private SamplerConfig(List<Stage> stages) {
    this.stages = Collections.unmodifiableList(new ArrayList<>(stages));
  }

  /**
   * A new builder with an empty chain.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The greedy chain: always the most likely token, ties to the lowest id.
   *
   * @return a config whose only stage is {@link Greedy}
   */
  public static SamplerConfig greedy() {
    return builder().greedy().build();
  }

  /**
   * The stage prototypes, in chain order.
   *
   * @return an unmodifiable list
   */
  public List<Stage> stages() {
    return stages;
  }

  /**
   * A sampler drawing from stream 0 of {@code seed} ({@link Seeds#generator(long)}): the same
   * seed, config and logits always give the same tokens.
   *
   * @param seed any value
   * @return a new sampler
   */
  public Sampler newSampler(long seed) {
    return new Sampler(this, Seeds.generator(seed));
  }

  /**
   * A sampler drawing from stream {@code sequence} of {@code seed}
   * ({@link Seeds#generator(long, long)}): one seed gives any number of independent, reproducible
   * sequences, e.g. sequence {@code i} of an experiment or row {@code i} of a batch.
   *
   * @param seed any value
   * @param sequence the stream index
   * @return a new sampler
   */
  public Sampler newSampler(long seed, long sequence) {
    return new Sampler(this, Seeds.generator(seed, sequence));
  }

  /**
   * A sampler drawing from the caller's generator, which it then owns (it calls
   * {@code nextLong()} exactly once per sampled token).
   *
   * @param random the generator
   * @return a new sampler
   * @throws NullPointerException if {@code random} is null
   */
  public Sampler newSampler(UniformRandomProvider random) {
    return new Sampler(this, Objects.requireNonNull(random, "random"));
  }

  /**
   * The chain, e.g. {@code temperature=0.7 -> top_k=40 -> top_p=0.95}.
   *
   * @return a readable description
   */
  @Override
  public String toString() {
    if (stages.isEmpty()) {
      return "softmax";
    }
    return stages.stream().map(Object::toString).collect(Collectors.joining(" -> "));
  }

  /** Adds stages in chain order. Not thread-safe; {@link #build()} may be called repeatedly. */
  public static final class Builder {
    private final List<Stage> stages = new ArrayList<>();

    private Builder() {}

    /**
     * Appends {@link Temperature}.
     *
     * @param temperature {@code T >= 0}, finite; 0 means greedy
     * @return this builder
     * @throws IllegalArgumentException if {@code temperature} is negative, NaN or infinite
     */
    public Builder temperature(float temperature) {
      return stage(new Temperature(temperature));
    }

    /**
     * Appends {@link TopK}.
     *
     * @param k the number of tokens to keep, {@code >= 0}; 0 disables it
     * @return this builder
     * @throws IllegalArgumentException if {@code k < 0}
     */
    public Builder topK(int k) {
      return stage(new TopK(k));
    }

    /**
     * Appends {@link TopK} with a floor on the tokens kept.
     *
     * @param k the number of tokens to keep, {@code >= 0}; 0 disables it
     * @param minTokensToKeep at least 1
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder topK(int k, int minTokensToKeep) {
      return stage(new TopK(k, minTokensToKeep));
    }

    /**
     * Appends {@link TopP}.
     *
     * @param p the nucleus mass, {@code 0 < p <= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code p} is out of range
     */
    public Builder topP(float p) {
      return stage(new TopP(p));
    }

    /**
     * Appends {@link TopP} with a floor on the tokens kept.
     *
     * @param p the nucleus mass, {@code 0 < p <= 1}
     * @param minTokensToKeep at least 1
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder topP(float p, int minTokensToKeep) {
      return stage(new TopP(p, minTokensToKeep));
    }

    /**
     * Appends {@link Greedy}.
     *
     * @return this builder
     */
    public Builder greedy() {
      return stage(Greedy.INSTANCE);
    }

    /**
     * Appends any stage, built-in or the caller's own.
     *
     * @param stage the stage prototype (see {@link Stage#copy()})
     * @return this builder
     * @throws NullPointerException if {@code stage} is null
     */
    public Builder stage(Stage stage) {
      stages.add(Objects.requireNonNull(stage, "stage"));
      return this;
    }

    /**
     * The immutable config.
     *
     * @return a config with the stages added so far
     */
    public SamplerConfig build() {
      return new SamplerConfig(stages);
    }
  }
}
