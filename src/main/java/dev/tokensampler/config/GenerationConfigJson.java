package dev.tokensampler.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A sampler chain from a Hugging Face {@code generation_config.json}, as transformers'
 * {@code generate} would build it for one sequence. Needs Gson ({@code com.google.code.gson:gson},
 * an optional dependency of this library) on the class path.
 *
 * <p><b>Defaults and order</b> are transformers' ({@code GenerationConfig} and
 * {@code GenerationMixin._get_logits_processor}): {@code do_sample} false (greedy),
 * {@code temperature} 1.0, {@code top_k} 50, {@code top_p} 1.0, {@code typical_p} 1.0,
 * {@code min_p} unset, {@code epsilon_cutoff} and {@code eta_cutoff} 0, {@code repetition_penalty}
 * 1.0. The processors come first, in the order {@code repetition_penalty},
 * {@code no_repeat_ngram_size}, {@code bad_words_ids} (without the sequences that are a single
 * {@code eos_token_id}, which transformers drops), {@code min_new_tokens} (with
 * {@code eos_token_id}), {@code suppress_tokens}; then, with {@code do_sample} true, the warpers
 * {@code temperature} (if not 1), {@code top_k} (if not 0), {@code top_p} (if below 1),
 * {@code min_p} (if set), {@code typical_p} (if below 1), {@code epsilon_cutoff},
 * {@code eta_cutoff} (if above 0), and a seeded draw; with {@code do_sample} false, the largest
 * logit (the warpers are ignored, as transformers ignores them). {@code eos_token_id} may be an
 * integer or a list.
 *
 * <p><b>Other keys.</b> Keys that do not change how one token is chosen (lengths, ids of special
 * tokens, caching, output flags, {@code transformers_version}, assisted-decoding settings) are
 * ignored. Keys of features this library does not have (beam search, contrastive search,
 * classifier-free guidance, {@code min_length}, {@code sequence_bias}, forced or begin-suppressed
 * tokens, ...) are accepted only at their neutral value. Any other key, a value of the wrong type
 * and an out-of-range value are {@link IllegalArgumentException}s naming the key and value, as is
 * {@code temperature <= 0} with {@code do_sample} true (transformers refuses it too) and
 * {@code epsilon_cutoff} or {@code eta_cutoff} outside {@code [0, 1)} (transformers silently skips
 * them).
 *
 * <p>The result is a {@link SamplerSpec}: {@link SamplerSpec#config()} is the chain,
 * {@link SamplerSpec#toString()} its text form.
 */
public final class GenerationConfigJson {
  private static final String PREFIX = "generation_config.json: ";

  /** Keys that do not affect the choice of one token. */
  private static final Set<String> IGNORED = Set.of(
      "max_length", "max_new_tokens", "max_time", "stop_strings", "early_stopping", "use_cache",
      "cache_implementation", "cache_config", "return_legacy_cache", "num_return_sequences",
      "output_attentions", "output_hidden_states", "output_scores", "output_logits",
      "return_dict_in_generate", "pad_token_id", "bos_token_id", "decoder_start_token_id",
      "transformers_version", "_from_model_config", "length_penalty", "renormalize_logits",
      "low_memory", "compile_config", "disable_compile", "is_assistant", "num_assistant_tokens",
      "num_assistant_tokens_schedule", "assistant_confidence_threshold",
      "prompt_lookup_num_tokens", "max_matching_ngram_size", "assistant_early_exit",
      "assistant_lookbehind", "target_lookbehind", "generation_kwargs", "token_healing",
      "prefill_chunk_size");

  /** Keys of features this library lacks, with their neutral values (null: absent or null). */
  private static final Map<String, Object> NEUTRAL = neutral();

  private GenerationConfigJson() {}

  /**
   * Reads a {@code generation_config.json} file (UTF-8).
   *
   * @param file the file
   * @return the spec
   * @throws NullPointerException if {@code file} is null
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException as {@link #parse(String)}
   */
  public static SamplerSpec read(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
  }

  /**
   * Parses the text of a {@code generation_config.json}.
   *
   * @param json a JSON object
   * @return the spec
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException if the text is not a JSON object, or for an unknown key, a
   *     value of the wrong type, an out-of-range value or a feature used with a non-neutral value
   */
  public static SamplerSpec parse(String json) {
    Objects.requireNonNull(json, "json");
    JsonObject object;
    try {
      JsonElement root = JsonParser.parseString(json);
      if (!root.isJsonObject()) {
        throw new IllegalArgumentException(PREFIX + "expected a JSON object, got " + root);
      }
      object = root.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(PREFIX + "not valid JSON: " + e.getMessage(), e);
    }
    try {
      return toSpec(object);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PREFIX + e.getMessage(), e);
    }
  }

  private static SamplerSpec toSpec(JsonObject json) {
    Fields f = new Fields(json);
    for (String key : json.keySet()) {
      if (!f.known(key) && !IGNORED.contains(key) && !NEUTRAL.containsKey(key)) {
        throw new IllegalArgumentException("unknown key " + key + " (= " + json.get(key) + ")");
      }
      if (NEUTRAL.containsKey(key)) {
        checkNeutral(key, json.get(key));
      }
    }
    Map<String, Object> v = new LinkedHashMap<>();
    float repetition = f.number("repetition_penalty", 1f);
    if (repetition != 1f) {
      v.put("repetition_penalty", repetition);
    }
    int noRepeat = f.integer("no_repeat_ngram_size", 0);
    if (noRepeat != 0) {
      v.put("no_repeat_ngram_size", noRepeat);
    }
    int[] eos = f.intList("eos_token_id");
    int[][] badWords = withoutEndTokens(f.intLists("bad_words_ids"), eos);
    if (badWords.length > 0) {
      v.put("bad_words_ids", badWords);
    }
    int minNew = f.integer("min_new_tokens", 0);
    if (minNew != 0) {
      v.put("min_new_tokens", minNew);
    }
    int[] suppress = f.intList("suppress_tokens");
    if (suppress.length > 0) {
      v.put("suppress_tokens", suppress);
    }
    if (eos.length > 0) {
      v.put(SpecRegistry.EOS_TOKEN_ID, eos);
    }
    if (f.bool("do_sample", false)) {
      addWarpers(f, v);
    } else {
      v.put("temperature", 0f);
    }
    return SamplerSpec.of(SpecRegistry.TRANSFORMERS.order, v);
  }

  /**
   * The bad words other than a lone end token, as transformers' {@code NoBadWordsLogitsProcessor}
   * filters them (banning an end token alone would forbid ending).
   */
  private static int[][] withoutEndTokens(int[][] badWords, int[] eos) {
    return Arrays.stream(badWords)
        .filter(word -> !(word.length == 1 && Arrays.stream(eos).anyMatch(id -> id == word[0])))
        .toArray(int[][]::new);
  }

  private static void addWarpers(Fields f, Map<String, Object> v) {
    float temperature = f.number("temperature", 1f);
    if (!(temperature > 0f)) {
      throw new IllegalArgumentException("temperature must be > 0 when do_sample is true"
          + " (for greedy decoding set do_sample to false), got " + temperature);
    }
    if (temperature != 1f) {
      v.put("temperature", temperature);
    }
    int topK = f.integer("top_k", 50);
    if (topK != 0) {
      v.put("top_k", topK);
    }
    float topP = f.number("top_p", 1f);
    if (topP != 1f) {
      v.put("top_p", topP);
    }
    if (f.isSet("min_p")) {
      v.put("min_p", f.number("min_p", 0f));
    }
    float typical = f.number("typical_p", 1f);
    if (typical != 1f) {
      v.put("typical_p", typical);
    }
    for (String key : new String[] {"epsilon_cutoff", "eta_cutoff"}) {
      float cutoff = f.number(key, 0f);
      if (!(cutoff >= 0f && cutoff < 1f)) {
        throw new IllegalArgumentException(key + " must be in [0, 1), got " + cutoff);
      }
      if (cutoff > 0f) {
        v.put(key, cutoff);
      }
    }
  }

  private static void checkNeutral(String key, JsonElement value) {
    Object neutral = NEUTRAL.get(key);
    boolean ok = value.isJsonNull()
        || (value.isJsonArray() && value.getAsJsonArray().isEmpty())
        || (neutral instanceof Boolean && value.isJsonPrimitive()
            && value.getAsJsonPrimitive().isBoolean() && value.getAsBoolean() == (Boolean) neutral)
        || (neutral instanceof Number && value.isJsonPrimitive()
            && value.getAsJsonPrimitive().isNumber()
            && value.getAsBigDecimal().compareTo(new BigDecimal(neutral.toString())) == 0);
    if (!ok) {
      throw new IllegalArgumentException(key + " is not supported (only "
          + (neutral == null ? "null" : neutral) + "), got " + value);
    }
  }

  private static Map<String, Object> neutral() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("num_beams", 1);
    m.put("num_beam_groups", 1);
    m.put("penalty_alpha", null);
    m.put("guidance_scale", 1);
    m.put("diversity_penalty", 0);
    m.put("encoder_repetition_penalty", 1);
    m.put("encoder_no_repeat_ngram_size", 0);
    m.put("min_length", 0);
    m.put("begin_suppress_tokens", null);
    m.put("forced_bos_token_id", null);
    m.put("forced_eos_token_id", null);
    m.put("exponential_decay_length_penalty", null);
    m.put("sequence_bias", null);
    m.put("forced_decoder_ids", null);
    m.put("constraints", null);
    m.put("force_words_ids", null);
    m.put("watermarking_config", null);
    m.put("dola_layers", null);
    m.put("remove_invalid_values", false);
    return m;
  }

  /** Typed reads of the supported keys, naming the key and value on a type error. */
  private static final class Fields {
    private static final Set<String> SUPPORTED = Set.of("do_sample", "temperature", "top_k",
        "top_p", "min_p", "typical_p", "epsilon_cutoff", "eta_cutoff", "repetition_penalty",
        "no_repeat_ngram_size", "bad_words_ids", "min_new_tokens", "suppress_tokens",
        "eos_token_id");
    private final JsonObject json;

    Fields(JsonObject json) {
      this.json = json;
    }

    boolean known(String key) {
      return SUPPORTED.contains(key);
    }

    boolean isSet(String key) {
      return json.has(key) && !json.get(key).isJsonNull();
    }

    boolean bool(String key, boolean defaultValue) {
      if (!isSet(key)) {
        return defaultValue;
      }
      JsonElement e = json.get(key);
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
        throw type(key, "true or false", e);
      }
      return e.getAsBoolean();
    }

    float number(String key, float defaultValue) {
      if (!isSet(key)) {
        return defaultValue;
      }
      return number(key, json.get(key)).floatValue();
    }

    int integer(String key, int defaultValue) {
      if (!isSet(key)) {
        return defaultValue;
      }
      return integer(key, json.get(key));
    }

    int[] intList(String key) {
      if (!isSet(key)) {
        return new int[0];
      }
      JsonElement e = json.get(key);
      if (e.isJsonPrimitive()) {
        return new int[] {integer(key, e)};
      }
      if (!e.isJsonArray()) {
        throw type(key, "an integer or a list of integers", e);
      }
      return ints(key, e.getAsJsonArray());
    }

    int[][] intLists(String key) {
      if (!isSet(key)) {
        return new int[0][];
      }
      JsonElement e = json.get(key);
      if (!e.isJsonArray()) {
        throw type(key, "a list of integer lists", e);
      }
      JsonArray outer = e.getAsJsonArray();
      int[][] lists = new int[outer.size()][];
      for (int i = 0; i < lists.length; i++) {
        if (!outer.get(i).isJsonArray()) {
          throw type(key, "a list of integer lists", e);
        }
        lists[i] = ints(key, outer.get(i).getAsJsonArray());
      }
      return lists;
    }

    private static int[] ints(String key, JsonArray array) {
      int[] out = new int[array.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = integer(key, array.get(i));
      }
      return out;
    }

    private static BigDecimal number(String key, JsonElement e) {
      if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
        throw type(key, "a number", e);
      }
      return e.getAsBigDecimal();
    }

    private static int integer(String key, JsonElement e) {
      if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isNumber()) {
        throw type(key, "an integer", e);
      }
      try {
        return e.getAsBigDecimal().intValueExact();
      } catch (ArithmeticException ex) {
        throw type(key, "an integer", e);
      }
    }

    private static IllegalArgumentException type(String key, String expected, JsonElement e) {
      return new IllegalArgumentException(key + " must be " + expected + ", got " + e);
    }
  }
}
