package dev.tokensampler;

import dev.tokensampler.random.Seeds;
import dev.tokensampler.stage.AdaptiveP;
import dev.tokensampler.stage.BannedSequences;
import dev.tokensampler.stage.Dry;
import dev.tokensampler.stage.DynamicTemperature;
import dev.tokensampler.stage.EpsilonCutoff;
import dev.tokensampler.stage.EtaCutoff;
import dev.tokensampler.stage.FrequencyPresencePenalty;
import dev.tokensampler.stage.Greedy;
import dev.tokensampler.stage.LogitBias;
import dev.tokensampler.stage.MinNewTokens;
import dev.tokensampler.stage.MinP;
import dev.tokensampler.stage.MirostatV1;
import dev.tokensampler.stage.MirostatV2;
import dev.tokensampler.stage.NoRepeatNGram;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.Temperature;
import dev.tokensampler.stage.TopH;
import dev.tokensampler.stage.TopK;
import dev.tokensampler.stage.TopNSigma;
import dev.tokensampler.stage.TopP;
import dev.tokensampler.stage.TypicalP;
import dev.tokensampler.stage.Xtc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
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
     * Appends {@link MinP} (see its class for the rule and its sources).
     *
     * @param minP {@code min_p}, in {@code [0, 1]}; 0 disables it
     * @return this builder
     * @throws IllegalArgumentException if {@code min_p} is out of range
     */
    public Builder minP(float minP) {
      return stage(new MinP(minP));
    }

    /**
     * Appends {@link TypicalP} (see its class for the rule and its sources).
     *
     * @param typicalP {@code typical_p}, in {@code (0, 1]}; 1 disables it
     * @return this builder
     * @throws IllegalArgumentException if {@code typical_p} is out of range
     */
    public Builder typicalP(float typicalP) {
      return stage(new TypicalP(typicalP));
    }

    /**
     * Appends {@link TopNSigma} (see its class for the rule and its sources).
     *
     * @param n {@code top_n_sigma}, finite and {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code top_n_sigma} is out of range
     */
    public Builder topNSigma(float n) {
      return stage(new TopNSigma(n));
    }

    /**
     * Appends {@link EpsilonCutoff} (see its class for the rule and its sources).
     *
     * @param epsilon {@code epsilon_cutoff}, in {@code (0, 1)}
     * @return this builder
     * @throws IllegalArgumentException if {@code epsilon_cutoff} is out of range
     */
    public Builder epsilonCutoff(float epsilon) {
      return stage(new EpsilonCutoff(epsilon));
    }

    /**
     * Appends {@link EtaCutoff} (see its class for the rule and its sources).
     *
     * @param eta {@code eta_cutoff}, in {@code (0, 1)}
     * @return this builder
     * @throws IllegalArgumentException if {@code eta_cutoff} is out of range
     */
    public Builder etaCutoff(float eta) {
      return stage(new EtaCutoff(eta));
    }

    /**
     * Appends {@link Xtc} (see its class for the rule and its sources).
     *
     * @param probability {@code xtc_probability}, in {@code [0, 1]}
     * @param threshold {@code xtc_threshold}, in {@code (0, 1]}
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder xtc(float probability, float threshold) {
      return stage(new Xtc(probability, threshold));
    }

    /**
     * Appends {@link DynamicTemperature} (see its class for the rule and its sources).
     *
     * @param temperature the centre, finite and {@code >= 0}
     * @param range {@code dynatemp_range}, finite and {@code >= 0}
     * @param exponent {@code dynatemp_exponent}, finite and {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder dynamicTemperature(float temperature, float range, float exponent) {
      return stage(new DynamicTemperature(temperature, range, exponent));
    }

    /**
     * Appends {@link MirostatV1} (see its class for the rule and its sources).
     *
     * @param tau {@code mirostat_tau}, finite and {@code >= 0}
     * @param eta {@code mirostat_eta}, finite and {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder mirostatV1(float tau, float eta) {
      return stage(new MirostatV1(tau, eta));
    }

    /**
     * Appends {@link MirostatV2} (see its class for the rule and its sources).
     *
     * @param tau {@code mirostat_tau}, finite and {@code >= 0}
     * @param eta {@code mirostat_eta}, finite and {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder mirostatV2(float tau, float eta) {
      return stage(new MirostatV2(tau, eta));
    }

    /**
     * Appends {@link TopH} (see its class for the rule and its differences from transformers).
     *
     * @param topH {@code top_h}, in {@code (0, 1]}
     * @return this builder
     * @throws IllegalArgumentException if {@code top_h} is out of range
     */
    public Builder topH(float topH) {
      return stage(new TopH(topH));
    }

    /**
     * Appends {@link AdaptiveP} (see its class for the rule and its differences from llama.cpp);
     * it selects the token, so it ends the chain.
     *
     * @param target {@code adaptive_target}, at most 1 (negative: a plain draw)
     * @param decay {@code adaptive_decay}, in {@code [0, 0.99]}
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder adaptiveP(float target, float decay) {
      return stage(new AdaptiveP(target, decay));
    }

    /**
     * Appends {@link RepetitionPenalty} (see its class for the rule and its sources).
     *
     * @param penalty {@code repetition_penalty}, positive and finite; over the whole history
     * @return this builder
     * @throws IllegalArgumentException if {@code repetition_penalty} is out of range
     */
    public Builder repetitionPenalty(float penalty) {
      return stage(new RepetitionPenalty(penalty));
    }

    /**
     * Appends {@link RepetitionPenalty} (see its class for the rule and its sources).
     *
     * @param penalty {@code repetition_penalty}, positive and finite
     * @param penaltyLastN {@code penalty_last_n}: the last N tokens, -1 for all, 0 disables it
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder repetitionPenalty(float penalty, int penaltyLastN) {
      return stage(new RepetitionPenalty(penalty, penaltyLastN));
    }

    /**
     * Appends {@link RepetitionPenalty} with transformers' options.
     *
     * @param penalty {@code repetition_penalty}, positive and finite
     * @param penaltyLastN {@code penalty_last_n}: N, -1 for the whole history, 0 to disable
     * @param normalize {@code repetition_penalty_normalize}: penalise log-probabilities
     * @param promptIgnoreLength {@code prompt_ignore_length}: accepted tokens left out after each
     *     reset
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder repetitionPenalty(float penalty, int penaltyLastN, boolean normalize,
        int promptIgnoreLength) {
      return stage(new RepetitionPenalty(penalty, penaltyLastN, normalize, promptIgnoreLength));
    }

    /**
     * Appends {@link FrequencyPresencePenalty} counting, if {@code generatedOnly}, only the tokens
     * generated (accepted after the first step), as the OpenAI API and vLLM count.
     *
     * @param frequencyPenalty {@code frequency_penalty}, finite
     * @param presencePenalty {@code presence_penalty}, finite
     * @param penaltyLastN {@code penalty_last_n}: N, -1 for the whole history, 0 to disable
     * @param generatedOnly {@code penalty_generated_only}
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public Builder frequencyPresencePenalty(float frequencyPenalty, float presencePenalty,
        int penaltyLastN, boolean generatedOnly) {
      return stage(new FrequencyPresencePenalty(
          frequencyPenalty, presencePenalty, penaltyLastN, generatedOnly));
    }

    /**
     * Appends {@link FrequencyPresencePenalty} (see its class for the rule and its sources).
     *
     * @param frequencyPenalty {@code frequency_penalty}, finite
     * @param presencePenalty {@code presence_penalty}, finite
     * @return this builder
     * @throws IllegalArgumentException if a parameter is not finite
     */
    public Builder frequencyPresencePenalty(float frequencyPenalty, float presencePenalty) {
      return stage(new FrequencyPresencePenalty(frequencyPenalty, presencePenalty));
    }

    /**
     * Appends {@link Dry} (see its class for the rule and its sources).
     *
     * @param multiplier {@code dry_multiplier}, finite and {@code >= 0}; 0 disables it
     * @param base {@code dry_base}, finite and {@code >= 1}
     * @param allowedLength {@code dry_allowed_length}, {@code >= 1}
     * @param penaltyLastN {@code dry_penalty_last_n}: the last N tokens, -1 for all, 0 disables it
     * @param sequenceBreakers {@code dry_sequence_breakers} as non-empty token-id sequences
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     * @throws NullPointerException if the list or a breaker is null
     */
    public Builder dry(float multiplier, float base, int allowedLength, int penaltyLastN,
        List<int[]> sequenceBreakers) {
      return stage(new Dry(multiplier, base, allowedLength, penaltyLastN, sequenceBreakers));
    }

    /**
     * Appends {@link NoRepeatNGram} (see its class for the rule and its sources).
     *
     * @param ngramSize {@code no_repeat_ngram_size}, {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code no_repeat_ngram_size < 1}
     */
    public Builder noRepeatNGram(int ngramSize) {
      return stage(new NoRepeatNGram(ngramSize));
    }

    /**
     * Appends {@link BannedSequences} (see its class for the rule and its sources).
     *
     * @param badWordsIds {@code bad_words_ids}: non-empty sequences of token ids {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if a sequence is empty or holds a negative id
     * @throws NullPointerException if an argument is null
     */
    public Builder bannedSequences(List<int[]> badWordsIds) {
      return stage(new BannedSequences(badWordsIds));
    }

    /**
     * Appends {@link MinNewTokens} (see its class for the rule and its sources).
     *
     * @param minNewTokens {@code min_new_tokens}, {@code >= 0}
     * @param eosTokenIds {@code eos_token_id}: one or more ids {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if a parameter is out of range
     * @throws NullPointerException if an argument is null
     */
    public Builder minNewTokens(int minNewTokens, int... eosTokenIds) {
      return stage(new MinNewTokens(minNewTokens, eosTokenIds));
    }

    /**
     * Appends {@link LogitBias} (see its class for the rule and its sources).
     *
     * @param logitBias {@code logit_bias}: token id to bias, finite or {@code -Infinity}
     * @return this builder
     * @throws IllegalArgumentException if an id is negative or a bias is NaN or {@code +Infinity}
     * @throws NullPointerException if an argument is null
     */
    public Builder logitBias(Map<Integer, Float> logitBias) {
      return stage(new LogitBias(logitBias));
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
