package dev.tokensampler.djl;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.TokenLogprobs;
import dev.tokensampler.config.SamplerSpec;
import dev.tokensampler.search.BeamSearchSettings;
import dev.tokensampler.vocab.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Generates tokens from a DJL causal language model, one at a time, choosing each with a
 * {@link Sampler}.
 *
 * <p>The model is a {@code Predictor<NDList, CausalLMOutput>} in the convention of DJL's
 * {@code ai.djl.modality.nlp.generate} (see {@link CausalLMTranslator}): input
 * {@code [inputIds int64 [1,S], positionIds int64 [1,S], attentionMask int64 [1,P+S], past...]},
 * output logits {@code [1,S,V]} and, if the model keeps one, its key/value cache. The first step
 * feeds the whole prompt at positions {@code 0..S-1}; later steps feed only the new token with
 * the cache the previous step returned, when the model returned one and {@link
 * Builder#useCache(boolean)} is on; otherwise every step feeds the whole sequence again. The
 * last position's logits (float32, float16 or bfloat16) go to the sampler through an {@link
 * NDArraySampler} while they are alive; each step's arrays live in an {@code NDScope} and die
 * with it, except the cache kept for the next step.
 *
 * <p>Before the first step the prompt tokens go to {@link Sampler#accept(int)}, so stages with a
 * history (penalties) see them. Generation stops after the first of: an end-of-sequence token
 * ({@code eos_token_id}, emitted), {@code max_new_tokens} tokens, a sequence of
 * {@code max_length} tokens, or generated text containing a stop string ({@code stop_strings};
 * the token that completes it is emitted). With the same model, prompt, configuration and seed
 * the tokens are the same on every run: the sampler's draws depend only on its seed and step,
 * and a CPU forward pass is deterministic.
 *
 * <p><b>Text.</b> With a {@linkplain Builder#tokenizer(TextTokenizer) tokenizer} the generator
 * takes prompts as text ({@link #stream(String, Sampler)}, {@link #generate(String, Sampler,
 * Consumer)}: encoded with {@link TextTokenizer#encodePrompt}) and gives the generated text as it
 * grows, never splitting a UTF-8 character across tokens ({@link TokenStream#text()}). Its stop
 * strings ({@link Builder#stopStrings(String...)}) are matched on that text, across token
 * boundaries, after each token: generation ends with the token that completes one (the tokens
 * keep it, as transformers' {@code generate} does), and the text ends where the stop string
 * begins (as vLLM's and OpenAI's {@code stop}, the stop string itself left out).
 *
 * <p>A generator holds settings only and can be shared; each call to {@link #stream} or {@link
 * #generate} runs its own sequence. The predictor is not thread-safe in DJL, so run one sequence
 * at a time per predictor.
 *
 * <pre>{@code
 * CausalLMGenerator generator = CausalLMGenerator.builder(predictor)
 *     .maxNewTokens(40).eosTokenIds(eosId).stopStrings(vocabulary::decode, "\n").build();
 * Sampler sampler = SamplerConfig.builder().temperature(0.7f).topP(0.9f).build().newSampler(42);
 * GenerationResult result = generator.generate(promptIds, sampler, token -> print(token));
 * }</pre>
 */
@SuppressWarnings("exports")
public final class CausalLMGenerator {
  final Predictor<NDList, CausalLMOutput> predictor;
  final NDManager manager;
  final int maxNewTokens;
  final int maxLength;
  final int[] eosTokenIds;
  final Detokenizer detokenizer;
  final String[] stopStrings;
  final boolean useCache;
  final TextTokenizer tokenizer;

  private CausalLMGenerator(Builder builder) {
    this.predictor = builder.predictor;
    this.manager = builder.manager;
    this.maxNewTokens = builder.maxNewTokens;
    this.maxLength = builder.maxLength;
    this.eosTokenIds = builder.eosTokenIds.clone();
    this.detokenizer = builder.detokenizer;
    this.stopStrings = builder.stopStrings.clone();
    this.useCache = builder.useCache;
    this.tokenizer = builder.tokenizer;
  }

  /**
   * Starts a builder.
   *
   * @param predictor the model, {@code Predictor<NDList, CausalLMOutput>}
   * @return a builder with {@code max_new_tokens} 20, no {@code max_length}, no end-of-sequence
   *     ids, no stop strings and the cache on
   * @throws NullPointerException if {@code predictor} is null
   */
  public static Builder builder(Predictor<NDList, CausalLMOutput> predictor) {
    return new Builder(Objects.requireNonNull(predictor, "predictor"));
  }

  /**
   * Starts generating: the returned stream computes one token per {@code next()} call, so the
   * caller sees each token as soon as it exists. Close the stream if you stop reading before it
   * ends (it frees its arrays itself when it ends).
   *
   * @param promptIds the prompt's token ids ({@code input_ids}), not empty, shorter than
   *     {@code max_length}
   * @param sampler the sampler of this sequence; it is told the prompt tokens and then samples
   *     every new token
   * @return the stream of generated tokens
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if the prompt is empty or not shorter than {@code max_length}
   */
  public TokenStream stream(int[] promptIds, Sampler sampler) {
    Objects.requireNonNull(promptIds, "input_ids");
    Objects.requireNonNull(sampler, "sampler");
    if (promptIds.length == 0) {
      throw new IllegalArgumentException("input_ids must not be empty");
    }
    if (promptIds.length >= maxLength) {
      throw new IllegalArgumentException(
          "input_ids length " + promptIds.length + " must be below max_length " + maxLength);
    }
    return new TokenStream(this, promptIds, sampler);
  }

  /**
   * Starts generating from a prompt given as text, encoded with the tokenizer's {@link
   * TextTokenizer#encodePrompt}; read the text as it grows with {@link TokenStream#text()}.
   *
   * @param prompt the prompt, whose encoding is not empty and shorter than {@code max_length}
   * @param sampler the sampler of this sequence
   * @return the stream of generated tokens and text
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the generator has no tokenizer
   * @throws IllegalArgumentException as for {@link #stream(int[], Sampler)}
   */
  public TokenStream stream(String prompt, Sampler sampler) {
    Objects.requireNonNull(prompt, "prompt");
    return stream(requireTokenizer().encodePrompt(prompt), sampler);
  }

  /**
   * Generates from a prompt given as text until a stop condition holds, calling {@code onText}
   * with the text each token releases (only when it is not empty).
   *
   * @param prompt the prompt, as for {@link #stream(String, Sampler)}
   * @param sampler the sampler of this sequence
   * @param onText called with each piece of text, in order
   * @return the generated tokens, why generation stopped, and the text
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the generator has no tokenizer
   * @throws IllegalArgumentException as for {@link #stream(int[], Sampler)}
   */
  public GenerationResult generate(String prompt, Sampler sampler, Consumer<String> onText) {
    Objects.requireNonNull(onText, "onText");
    try (TokenStream stream = stream(prompt, sampler)) {
      while (stream.hasNext()) {
        stream.nextInt();
        String piece = stream.text();
        if (!piece.isEmpty()) {
          onText.accept(piece);
        }
      }
      return new GenerationResult(
          stream.generatedTokens(), stream.stopReason(), stream.generatedText());
    }
  }

  private TextTokenizer requireTokenizer() {
    if (tokenizer == null) {
      throw new IllegalStateException(
          "the generator has no tokenizer: set one with CausalLMGenerator.Builder#tokenizer");
    }
    return tokenizer;
  }

  /**
   * Generates until a stop condition holds, calling {@code onToken} with each token as it is
   * produced.
   *
   * @param promptIds the prompt's token ids, as for {@link #stream}
   * @param sampler the sampler of this sequence
   * @param onToken called once per generated token, in order
   * @return the generated tokens and why generation stopped (and their text, with a tokenizer)
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as for {@link #stream}
   */
  public GenerationResult generate(int[] promptIds, Sampler sampler, IntConsumer onToken) {
    Objects.requireNonNull(onToken, "onToken");
    try (TokenStream stream = stream(promptIds, sampler)) {
      while (stream.hasNext()) {
        onToken.accept(stream.nextInt());
      }
      return new GenerationResult(stream.generatedTokens(), stream.stopReason(),
          tokenizer == null ? null : stream.generatedText());
    }
  }

  /**
   * Generates until a stop condition holds.
   *
   * @param promptIds the prompt's token ids, as for {@link #stream}
   * @param sampler the sampler of this sequence
   * @return the generated tokens and why generation stopped
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as for {@link #stream}
   */
  public GenerationResult generate(int[] promptIds, Sampler sampler) {
    return generate(promptIds, sampler, token -> {});
  }

  /**
   * Samples {@code bestOf} independent sequences from one seed and returns {@code n} of them:
   * sequence {@code i} uses {@code config.newSampler(seed, i)} (stream {@code i} of the seed, see
   * {@link dev.tokensampler.random.Seeds}), so each is the sequence {@link #generate} gives with
   * that sampler, whatever {@code n} and {@code bestOf} are. With {@code bestOf == n} the
   * sequences come in stream order; with {@code bestOf > n} the {@code n} of highest cumulative
   * raw log-probability come first (ties to the lower stream), as vLLM's and OpenAI's
   * {@code best_of}. Each score is the sum, in double, of the tokens' raw log-probabilities
   * ({@link dev.tokensampler.TokenLogprobs#rawLogprob()}): the model's, before the chain.
   *
   * @param promptIds the prompt, as for {@link #stream}
   * @param config the chain of every sequence
   * @param seed the seed of all streams
   * @param n the sequences returned, at least 1
   * @param bestOf the sequences generated, at least {@code n}
   * @return {@code n} sequences
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException for bad counts, or as for {@link #stream}
   */
  public List<ScoredSequence> sample(int[] promptIds, SamplerConfig config, long seed, int n,
      int bestOf) {
    Objects.requireNonNull(config, "config");
    if (n < 1 || bestOf < n) {
      throw new IllegalArgumentException(
          "need 1 <= n <= best_of, got n=" + n + ", best_of=" + bestOf);
    }
    List<ScoredSequence> all = new ArrayList<>(bestOf);
    for (int i = 0; i < bestOf; i++) {
      checkPrompt(promptIds);
      try (TokenStream stream = new TokenStream(this, promptIds, config.newSampler(seed, i),
          new TokenLogprobs(0))) {
        while (stream.hasNext()) {
          stream.nextInt();
        }
        all.add(new ScoredSequence(stream.generatedTokens(), stream.cumulativeLogprob(),
            stream.stopReason()));
      }
    }
    if (bestOf > n) {
      all.sort((a, b) -> Double.compare(b.score(), a.score()));
    }
    return List.copyOf(all.subList(0, n));
  }

  /**
   * Beam search from a prompt with this generator's model, limits and end-of-sequence ids (see
   * {@link dev.tokensampler.search.BeamSearch} for the algorithm and its differences from
   * transformers). The model's key/value cache is reused per beam and reordered as beams are
   * chosen, when the model returns one and the cache is on. Stop strings do not apply.
   *
   * @param promptIds the prompt, as for {@link #stream}
   * @param settings the beam settings
   * @return up to {@code num_return_sequences} sequences, best score first
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as for {@link #stream}, or if stop strings are set
   * @throws IllegalStateException if the model fails
   */
  public List<ScoredSequence> beamSearch(int[] promptIds, BeamSearchSettings settings) {
    Objects.requireNonNull(settings, "settings");
    checkPrompt(promptIds);
    if (stopStrings.length > 0) {
      throw new IllegalArgumentException("stop_strings are not supported by beam search, got "
          + List.of(stopStrings));
    }
    return new BeamSearchLoop(this, promptIds.clone(), settings).run();
  }

  /**
   * Generates the sequences a spec asks for: beam search with its {@link SamplerSpec#beamSearch()
   * settings} when {@code num_beams > 1}, otherwise {@code num_return_sequences} independent
   * samples of its chain from its {@code seed} ({@link #sample}, {@code n = best_of}).
   *
   * @param promptIds the prompt, as for {@link #stream}
   * @param spec the spec, e.g. from a {@code generation_config.json}
   * @return the sequences: beam search's best first, samples in stream order
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #sample} and {@link #beamSearch}
   * @throws IllegalStateException if sampling is asked for and the spec has no {@code seed}
   */
  public List<ScoredSequence> generateSequences(int[] promptIds, SamplerSpec spec) {
    Objects.requireNonNull(spec, "spec");
    BeamSearchSettings settings = spec.beamSearch();
    if (settings.numBeams() > 1) {
      return beamSearch(promptIds, settings);
    }
    if (spec.seed().isEmpty()) {
      throw new IllegalStateException("the spec has no seed: add seed=<integer> to sample");
    }
    int n = settings.numReturnSequences();
    return sample(promptIds, spec.config(), spec.seed().getAsLong(), n, n);
  }

  private void checkPrompt(int[] promptIds) {
    Objects.requireNonNull(promptIds, "input_ids");
    if (promptIds.length == 0) {
      throw new IllegalArgumentException("input_ids must not be empty");
    }
    if (promptIds.length >= maxLength) {
      throw new IllegalArgumentException(
          "input_ids length " + promptIds.length + " must be below max_length " + maxLength);
    }
  }

  /** Settings of a {@link CausalLMGenerator}. */
  public static final class Builder {
    private final Predictor<NDList, CausalLMOutput> predictor;
    private NDManager manager;
    private int maxNewTokens = 20;
    private int maxLength = Integer.MAX_VALUE;
    private int[] eosTokenIds = new int[0];
    private Detokenizer detokenizer;
    private String[] stopStrings = new String[0];
    private boolean useCache = true;
    private TextTokenizer tokenizer;

    private Builder(Predictor<NDList, CausalLMOutput> predictor) {
      this.predictor = predictor;
    }

    /**
     * Sets the most tokens to generate ({@code max_new_tokens}).
     *
     * @param maxNewTokens at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxNewTokens < 1}
     */
    public Builder maxNewTokens(int maxNewTokens) {
      if (maxNewTokens < 1) {
        throw new IllegalArgumentException("max_new_tokens must be at least 1: " + maxNewTokens);
      }
      this.maxNewTokens = maxNewTokens;
      return this;
    }

    /**
     * Sets the longest sequence, prompt included ({@code max_length}); usually the model's
     * context size, beyond which it has no positions.
     *
     * @param maxLength at least 2
     * @return this builder
     * @throws IllegalArgumentException if {@code maxLength < 2}
     */
    public Builder maxLength(int maxLength) {
      if (maxLength < 2) {
        throw new IllegalArgumentException("max_length must be at least 2: " + maxLength);
      }
      this.maxLength = maxLength;
      return this;
    }

    /**
     * Sets the end-of-sequence token ids ({@code eos_token_id}); generating any of them ends
     * the sequence, and the token is emitted.
     *
     * @param eosTokenIds token ids, each at least 0
     * @return this builder
     * @throws NullPointerException if the array is null
     * @throws IllegalArgumentException if an id is negative
     */
    public Builder eosTokenIds(int... eosTokenIds) {
      for (int id : Objects.requireNonNull(eosTokenIds, "eos_token_id")) {
        if (id < 0) {
          throw new IllegalArgumentException("eos_token_id must be at least 0: " + id);
        }
      }
      this.eosTokenIds = eosTokenIds.clone();
      return this;
    }

    /**
     * Sets strings that end generation ({@code stop_strings}): after each token the generated
     * tokens (not the prompt) are decoded, and if the text contains one of the strings,
     * generation ends with that token.
     *
     * @param detokenizer decodes token ids to text
     * @param stopStrings non-empty strings
     * @return this builder
     * @throws NullPointerException if an argument or a string is null
     * @throws IllegalArgumentException if a string is empty
     */
    public Builder stopStrings(Detokenizer detokenizer, String... stopStrings) {
      Objects.requireNonNull(detokenizer, "detokenizer");
      for (String stop : Objects.requireNonNull(stopStrings, "stop_strings")) {
        if (Objects.requireNonNull(stop, "stop_strings element").isEmpty()) {
          throw new IllegalArgumentException("stop_strings must not contain an empty string");
        }
      }
      this.detokenizer = detokenizer;
      this.stopStrings = List.of(stopStrings).toArray(new String[0]);
      return this;
    }

    /**
     * Sets the model's tokenizer: prompts may then be text, the generated text streams as it
     * grows, and {@link #stopStrings(String...)} are matched on it.
     *
     * @param tokenizer the tokenizer whose ids the model reads and writes
     * @return this builder
     * @throws NullPointerException if {@code tokenizer} is null
     */
    public Builder tokenizer(TextTokenizer tokenizer) {
      this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
      return this;
    }

    /**
     * Sets strings that end generation ({@code stop}), matched on the text the {@linkplain
     * #tokenizer tokenizer} decodes, across token boundaries: generation ends with the token
     * that completes one, and the text ends where it begins (see {@link CausalLMGenerator}).
     * Only the generated text is searched, not the prompt. Replaces stop strings set before.
     *
     * @param stopStrings non-empty strings, e.g. {@link SamplerSpec#stopStrings()}
     * @return this builder
     * @throws NullPointerException if the array or a string is null
     * @throws IllegalArgumentException if a string is empty
     */
    public Builder stopStrings(String... stopStrings) {
      for (String stop : Objects.requireNonNull(stopStrings, "stop_strings")) {
        if (Objects.requireNonNull(stop, "stop_strings element").isEmpty()) {
          throw new IllegalArgumentException("stop_strings must not contain an empty string");
        }
      }
      this.detokenizer = null;
      this.stopStrings = List.of(stopStrings).toArray(new String[0]);
      return this;
    }

    /**
     * Chooses whether to reuse the model's key/value cache between steps ({@code use_cache});
     * without it every step recomputes the whole sequence (slower, same tokens up to float
     * rounding).
     *
     * @param useCache true to feed the past key/values back
     * @return this builder
     */
    public Builder useCache(boolean useCache) {
      this.useCache = useCache;
      return this;
    }

    /**
     * Sets the manager under which each sequence creates its input arrays (a sub-manager,
     * closed when the sequence ends). By default each sequence uses a new base manager of the
     * default engine.
     *
     * @param manager a manager of the model's engine and device
     * @return this builder
     * @throws NullPointerException if {@code manager} is null
     */
    public Builder manager(NDManager manager) {
      this.manager = Objects.requireNonNull(manager, "manager");
      return this;
    }

    /**
     * @return the generator
     * @throws IllegalStateException if {@link #stopStrings(String...)} were set without a
     *     tokenizer
     */
    public CausalLMGenerator build() {
      if (stopStrings.length > 0 && detokenizer == null && tokenizer == null) {
        throw new IllegalStateException("stop_strings " + List.of(stopStrings)
            + " need a tokenizer: set one with tokenizer(TextTokenizer)");
      }
      return new CausalLMGenerator(this);
    }
  }
}
