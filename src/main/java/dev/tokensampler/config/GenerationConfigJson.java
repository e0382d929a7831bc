package dev.tokensampler.config;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.tokensampler.internal.Excerpt;
import dev.tokensampler.vocab.TextTokenizer;
import dev.tokensampler.search.EarlyStopping;
import java.io.IOException;
import java.io.StringReader;
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
 * {@code temperature} (if not 1), {@code top_h} (if set), {@code top_k} (if not 0),
 * {@code top_p} (if below 1), {@code min_p} (if set), {@code typical_p} (if below 1),
 * {@code epsilon_cutoff}, {@code eta_cutoff} (if above 0), and a seeded draw; with
 * {@code do_sample} false, the largest logit (the warpers are ignored, as transformers ignores
 * them). {@code eos_token_id} may be an integer or a list.
 *
 * <p><b>Other keys.</b> Keys that do not change how one token is chosen (lengths, ids of special
 * tokens, caching, output flags, {@code transformers_version}, assisted-decoding settings) are
 * ignored. {@code num_beams}, {@code num_beam_groups}, {@code diversity_penalty},
 * {@code length_penalty}, {@code early_stopping} ({@code true}, {@code false} or
 * {@code "never"}) and {@code num_return_sequences} become the spec's multi-sequence keys
 * ({@link SamplerSpec#beamSearch()}); transformers reads the beam keys only with
 * {@code num_beams > 1}, and so does this loader (their types are checked in any case). Keys
 * of features this library does not have (beam sampling, contrastive search, classifier-free
 * guidance, {@code min_length}, {@code sequence_bias}, forced or begin-suppressed tokens, ...)
 * are accepted only at their neutral value. Any other key, a value of the wrong type
 * and an out-of-range value are {@link IllegalArgumentException}s naming the key and value, as is
 * {@code temperature <= 0} with {@code do_sample} true (transformers refuses it too) and
 * {@code epsilon_cutoff} or {@code eta_cutoff} outside {@code [0, 1)} (transformers silently skips
 * them).
 *
 * <p><b>Strict JSON.</b> The text is read as RFC 8259 JSON by a streaming reader in strict mode:
 * comments, single quotes, unquoted keys, {@code NaN}, trailing commas and content after the object
 * are errors, and so is a key given twice (transformers' {@code json.load} keeps the last; here
 * the file is ambiguous). A leading byte order mark is skipped. Numbers are read exactly and must
 * fit their key's type: an integer key takes an integral value in the int range, a number key a
 * value whose float is finite and, unless the value is 0, not 0 (so {@code 1e999999999} and
 * {@code 1e-50} are errors naming the key, not infinity and 0). The strings a supported key
 * takes are {@code early_stopping}'s {@code "never"} and, read with a tokenizer, those of
 * {@code stop_strings} and {@code bad_words} (see {@link #parse(String, TextTokenizer)}). A value
 * holds at most {@link SamplerSpec#MAX_TOKEN_IDS} token ids; the file is read in memory
 * proportional to its size. Messages quote values as {@link Excerpt} does: at most a short excerpt.
 *
 * <p>The result is a {@link SamplerSpec}: {@link SamplerSpec#config()} is the chain,
 * {@link SamplerSpec#toString()} its text form.
 */
public final class GenerationConfigJson {
  private static final String PREFIX = "generation_config.json: ";

  /** Keys that do not affect the choice of one token. */
  private static final Set<String> IGNORED = Set.of(
      "max_length", "max_new_tokens", "max_time", "use_cache",
      "cache_implementation", "cache_config", "return_legacy_cache",
      "output_attentions", "output_hidden_states", "output_scores", "output_logits",
      "return_dict_in_generate", "pad_token_id", "bos_token_id", "decoder_start_token_id",
      "transformers_version", "_from_model_config", "renormalize_logits",
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
   * @throws IllegalArgumentException if the text is not a strict JSON object, or for an unknown or
   *     repeated key, a value of the wrong type, an out-of-range value or a feature used with a
   *     non-neutral value
   */
  public static SamplerSpec parse(String json) {
    return parse(json, null);
  }

  /**
   * Reads a {@code generation_config.json} file (UTF-8) with a tokenizer for the keys given as
   * text.
   *
   * @param file the file
   * @param tokenizer the model's tokenizer, or null
   * @return the spec
   * @throws NullPointerException if {@code file} is null
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException as {@link #parse(String, TextTokenizer)}
   */
  public static SamplerSpec read(Path file, TextTokenizer tokenizer) throws IOException {
    Objects.requireNonNull(file, "file");
    return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8), tokenizer);
  }

  /**
   * Parses the text of a {@code generation_config.json} with a tokenizer for the keys given as
   * text: transformers' {@code stop_strings} (a string or a list; the spec's {@code stop}, {@link
   * SamplerSpec#stopStrings()}) and vLLM's {@code bad_words} (a list of strings, banned as
   * {@link dev.tokensampler.vocab.StringForms#badWords} says, next to {@code bad_words_ids}).
   * Without a tokenizer {@code stop_strings} is ignored (it does not change how a token is
   * chosen) and {@code bad_words} is an error.
   *
   * @param json a JSON object
   * @param tokenizer the model's tokenizer, or null
   * @return the spec
   * @throws NullPointerException if {@code json} is null
   * @throws IllegalArgumentException as {@link #parse(String)}, or for {@code bad_words}
   *     without a tokenizer
   */
  public static SamplerSpec parse(String json, TextTokenizer tokenizer) {
    Objects.requireNonNull(json, "json");
    Map<String, Object> fields;
    try {
      fields = read(json);
    } catch (TypeMismatch e) {
      throw new IllegalArgumentException(PREFIX + e.key + " must be " + e.expected + ", got "
          + valueOf(json, e.key), e);
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw new IllegalArgumentException(
          PREFIX + "not valid JSON: " + Excerpt.of(readerMessage(e)), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PREFIX + e.getMessage(), e);
    }
    try {
      return toSpec(new Fields(fields), tokenizer);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PREFIX + e.getMessage(), e);
    }
  }

  /** The reader's message without its advice to read leniently and its link. */
  private static String readerMessage(Exception e) {
    String message = String.valueOf(e.getMessage());
    int link = message.indexOf("\nSee ");
    if (link >= 0) {
      message = message.substring(0, link);
    }
    return message.replace(
        "Use JsonReader.setStrictness(Strictness.LENIENT) to accept malformed JSON ", "");
  }

  /** A value of the wrong type; the message quotes the value, read again. */
  private static final class TypeMismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String key;
    final String expected;

    TypeMismatch(String key, String expected) {
      super(key + " must be " + expected, null, false, false);
      this.key = key;
      this.expected = expected;
    }
  }

  private static JsonReader reader(String json) {
    JsonReader reader = new JsonReader(new StringReader(json));
    reader.setStrictness(Strictness.STRICT);
    return reader;
  }

  /**
   * Reads the object: each supported key to null, a Boolean, a BigDecimal, an int[] or an
   * int[][]; each neutral-only key after checking it; ignored keys skipped.
   */
  private static Map<String, Object> read(String json) throws IOException {
    JsonReader in = reader(json);
    if (in.peek() != JsonToken.BEGIN_OBJECT) {
      throw new IllegalArgumentException("expected a JSON object, got " + describe(in));
    }
    in.beginObject();
    Map<String, Object> fields = new LinkedHashMap<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (in.hasNext()) {
      String key = in.nextName();
      if (!seen.add(key)) {
        throw new IllegalArgumentException("key " + Excerpt.of(key) + " is given twice");
      }
      if (Fields.SUPPORTED.contains(key)) {
        fields.put(key, readSupported(key, in));
      } else if (NEUTRAL.containsKey(key)) {
        checkNeutral(key, in);
      } else if (IGNORED.contains(key)) {
        in.skipValue();
      } else {
        throw new IllegalArgumentException(
            "unknown key " + Excerpt.of(key) + " (= " + describe(in) + ")");
      }
    }
    in.endObject();
    if (in.peek() != JsonToken.END_DOCUMENT) {
      throw new IllegalStateException("content after the object");
    }
    return fields;
  }

  private static Object readSupported(String key, JsonReader in) throws IOException {
    JsonToken token = in.peek();
    if (token == JsonToken.NULL) {
      in.nextNull();
      return null;
    }
    switch (key) {
      case "do_sample":
        if (token != JsonToken.BOOLEAN) {
          throw new TypeMismatch(key, "true or false");
        }
        return in.nextBoolean();
      case "bad_words_ids":
        return readIntLists(key, in);
      case "stop_strings":
      case "bad_words":
        return readStrings(key, in, token);
      case "suppress_tokens":
      case "eos_token_id":
        if (token == JsonToken.NUMBER) {
          return new int[] {integer(key, in)};
        }
        if (token != JsonToken.BEGIN_ARRAY) {
          throw new TypeMismatch(key, "an integer or a list of integers");
        }
        return readInts(key, in, new int[1], new int[][] {new int[16]},
            "an integer or a list of integers");
      case "early_stopping":
        return readEarlyStopping(key, in, token);
      case "top_k":
      case "no_repeat_ngram_size":
      case "min_new_tokens":
      case "num_beams":
      case "num_beam_groups":
      case "num_return_sequences":
        if (token != JsonToken.NUMBER) {
          throw new TypeMismatch(key, "an integer");
        }
        return integer(key, in);
      default:
        if (token != JsonToken.NUMBER) {
          throw new TypeMismatch(key, "a number");
        }
        return number(key, in.nextString());
    }
  }

  /**
   * {@code early_stopping}: {@code true}, {@code false} or the string {@code "never"}, the one
   * string value a supported key takes (transformers' three values, spelled exactly).
   */
  /** A string or a list of strings. */
  private static String[] readStrings(String key, JsonReader in, JsonToken token)
      throws IOException {
    if (token == JsonToken.STRING) {
      return new String[] {in.nextString()};
    }
    if (token != JsonToken.BEGIN_ARRAY) {
      throw new TypeMismatch(key, "a string or a list of strings");
    }
    in.beginArray();
    java.util.List<String> strings = new java.util.ArrayList<>();
    while (in.hasNext()) {
      if (in.peek() != JsonToken.STRING || strings.size() >= SamplerSpec.MAX_TOKEN_IDS) {
        throw new TypeMismatch(key, "a string or a list of at most " + SamplerSpec.MAX_TOKEN_IDS
            + " strings");
      }
      strings.add(in.nextString());
    }
    in.endArray();
    return strings.toArray(new String[0]);
  }

  private static EarlyStopping readEarlyStopping(String key, JsonReader in, JsonToken token)
      throws IOException {
    String expected = "true, false or \"never\"";
    if (token == JsonToken.BOOLEAN) {
      return in.nextBoolean() ? EarlyStopping.TRUE : EarlyStopping.FALSE;
    }
    if (token != JsonToken.STRING) {
      throw new TypeMismatch(key, expected);
    }
    String text = in.nextString();
    if (!text.equals("never")) {
      throw new IllegalArgumentException(
          key + " must be " + expected + ", got \"" + Excerpt.of(text) + "\"");
    }
    return EarlyStopping.NEVER;
  }

  /**
   * An array of integers; {@code count[0]} counts the ids read so far for the whole value, and
   * {@code scratch[0]} is a buffer reused across the lists of one value.
   */
  private static int[] readInts(String key, JsonReader in, int[] count, int[][] scratch,
      String expected) throws IOException {
    in.beginArray();
    int[] ids = scratch[0];
    int n = 0;
    while (in.hasNext()) {
      if (in.peek() != JsonToken.NUMBER) {
        throw new TypeMismatch(key, expected);
      }
      if (++count[0] > SamplerSpec.MAX_TOKEN_IDS) {
        throw new IllegalArgumentException(key + " holds more than " + SamplerSpec.MAX_TOKEN_IDS
            + " token ids");
      }
      if (n == ids.length) {
        ids = Arrays.copyOf(ids, n * 2);
      }
      ids[n++] = integer(key, in);
    }
    in.endArray();
    scratch[0] = ids;
    return Arrays.copyOf(ids, n);
  }

  private static int[][] readIntLists(String key, JsonReader in) throws IOException {
    String expected = "a list of integer lists";
    if (in.peek() != JsonToken.BEGIN_ARRAY) {
      throw new TypeMismatch(key, expected);
    }
    in.beginArray();
    int[] count = new int[1];
    int[][] scratch = {new int[16]};
    int[][] lists = new int[16][];
    int n = 0;
    while (in.hasNext()) {
      if (in.peek() != JsonToken.BEGIN_ARRAY) {
        throw new TypeMismatch(key, expected);
      }
      if (n == lists.length) {
        lists = Arrays.copyOf(lists, n * 2);
      }
      lists[n++] = readInts(key, in, count, scratch, expected);
    }
    in.endArray();
    return n == lists.length ? lists : Arrays.copyOf(lists, n);
  }

  /** The next value, a number: an integer in the int range (1.0 is 1, as it was read exactly). */
  private static int integer(String key, JsonReader in) throws IOException {
    try {
      return in.nextInt();
    } catch (NumberFormatException e) {
      String text = in.nextString();
      try {
        return new BigDecimal(text).intValueExact();
      } catch (ArithmeticException | NumberFormatException notExact) {
        throw new IllegalArgumentException(
            key + " must be an integer in the int range, got " + Excerpt.of(text), e);
      }
    }
  }

  private static BigDecimal number(String key, String text) {
    BigDecimal value;
    try {
      value = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number, got " + Excerpt.of(text), e);
    }
    float f = value.floatValue();
    if (Float.isInfinite(f) || (f == 0f && value.signum() != 0)) {
      throw new IllegalArgumentException(
          key + " must be a number in the float range, got " + Excerpt.of(text));
    }
    return value;
  }

  /** The excerpt of the value of {@code key}, read again from the start of the document. */
  private static String valueOf(String json, String key) {
    try {
      JsonReader in = reader(json);
      in.beginObject();
      while (in.hasNext()) {
        if (in.nextName().equals(key)) {
          return describe(in);
        }
        in.skipValue();
      }
    } catch (IOException | RuntimeException e) {
      // The value was read once already; fall through.
    }
    return "(unreadable)";
  }

  /**
   * Reads the next value and returns its compact JSON text as an {@link Excerpt}, keeping only
   * what is shown: memory does not grow with the value.
   */
  private static String describe(JsonReader in) throws IOException {
    StringBuilder out = new StringBuilder();
    describe(in, out);
    return out.length() <= Excerpt.MAX_CHARS ? Excerpt.of(out)
        : Excerpt.of(out.subSequence(0, Excerpt.MAX_CHARS)) + "...";
  }

  private static void describe(JsonReader in, StringBuilder out) throws IOException {
    switch (in.peek()) {
      case BEGIN_ARRAY:
        in.beginArray();
        append(out, "[");
        for (boolean first = true; in.hasNext(); first = false) {
          append(out, first ? "" : ",");
          describe(in, out);
        }
        in.endArray();
        append(out, "]");
        return;
      case BEGIN_OBJECT:
        in.beginObject();
        append(out, "{");
        for (boolean first = true; in.hasNext(); first = false) {
          append(out, first ? "\"" : ",\"");
          append(out, in.nextName());
          append(out, "\":");
          describe(in, out);
        }
        in.endObject();
        append(out, "}");
        return;
      case STRING:
        append(out, "\"");
        append(out, in.nextString());
        append(out, "\"");
        return;
      case NUMBER:
        append(out, in.nextString());
        return;
      case BOOLEAN:
        append(out, String.valueOf(in.nextBoolean()));
        return;
      default:
        in.nextNull();
        append(out, "null");
    }
  }

  private static void append(StringBuilder out, String text) {
    int room = Excerpt.MAX_CHARS + 1 - out.length();
    if (room > 0) {
      out.append(text, 0, Math.min(room, text.length()));
    }
  }

  private static SamplerSpec toSpec(Fields f, TextTokenizer tokenizer) {
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
    if (f.isSet("bad_words")) {
      v.put("bad_words", TextValue.strings(f.strings("bad_words")));
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
    boolean sample = f.bool("do_sample", false);
    if (sample) {
      addWarpers(f, v);
    } else {
      v.put("temperature", 0f);
    }
    addMultiSequence(f, v, sample);
    if (f.isSet("stop_strings") && tokenizer != null) {
      v.put(SpecRegistry.STOP, TextValue.strings(f.strings("stop_strings")));
    }
    TextValue.resolveAll(v, tokenizer);
    return SamplerSpec.of(SpecRegistry.TRANSFORMERS.order, v);
  }

  /**
   * The multi-sequence keys, as spec keys: the beam keys when {@code num_beams > 1} (transformers
   * reads them only then), {@code num_return_sequences} always. Beam search with
   * {@code do_sample} true (transformers' beam sampling) is not available.
   */
  private static void addMultiSequence(Fields f, Map<String, Object> v, boolean sample) {
    int beams = f.integer(BeamKeys.NUM_BEAMS, 1);
    if (beams > 1 && sample) {
      throw new IllegalArgumentException("num_beams " + beams + " with do_sample true (beam"
          + " sampling) is not supported; set do_sample to false for beam search");
    }
    if (beams != 1) {
      v.put(BeamKeys.NUM_BEAMS, beams);
      v.put(BeamKeys.NUM_BEAM_GROUPS, f.integer(BeamKeys.NUM_BEAM_GROUPS, 1));
      v.put(BeamKeys.DIVERSITY_PENALTY, f.number(BeamKeys.DIVERSITY_PENALTY, 0f));
      v.put(BeamKeys.LENGTH_PENALTY, f.number(BeamKeys.LENGTH_PENALTY, 1f));
      if (f.isSet(BeamKeys.EARLY_STOPPING)) {
        v.put(BeamKeys.EARLY_STOPPING, f.earlyStopping(BeamKeys.EARLY_STOPPING));
      }
    }
    int returned = f.integer(BeamKeys.NUM_RETURN_SEQUENCES, 1);
    if (returned != 1) {
      v.put(BeamKeys.NUM_RETURN_SEQUENCES, returned);
    }
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
          + " (for greedy decoding set do_sample to false), got " + f.text("temperature"));
    }
    if (temperature != 1f) {
      v.put("temperature", temperature);
    }
    if (f.isSet("top_h")) {
      v.put("top_h", f.number("top_h", 1f));
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
        throw new IllegalArgumentException(
            key + " must be in [0, 1), got " + f.text(key));
      }
      if (cutoff > 0f) {
        v.put(key, cutoff);
      }
    }
  }

  /** Reads a neutral-only key's value and checks it: null, an empty list, or the neutral value. */
  private static void checkNeutral(String key, JsonReader in) throws IOException {
    Object neutral = NEUTRAL.get(key);
    JsonToken token = in.peek();
    boolean ok;
    String text;
    if (token == JsonToken.NULL) {
      in.nextNull();
      return;
    } else if (token == JsonToken.BOOLEAN) {
      boolean value = in.nextBoolean();
      ok = neutral instanceof Boolean && value == (Boolean) neutral;
      text = String.valueOf(value);
    } else if (token == JsonToken.NUMBER) {
      text = in.nextString();
      ok = neutral instanceof Number && number(key, text)
          .compareTo(new BigDecimal(neutral.toString())) == 0;
    } else {
      text = describe(in);
      ok = text.equals("[]");
    }
    if (!ok) {
      throw new IllegalArgumentException(key + " is not supported (only "
          + (neutral == null ? "null" : neutral) + "), got " + Excerpt.of(text));
    }
  }

  private static Map<String, Object> neutral() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("penalty_alpha", null);
    m.put("guidance_scale", 1);
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

  /**
   * The supported keys' values as read: null, Boolean, BigDecimal, Integer, int[], int[][], or
   * for {@code early_stopping} an {@link EarlyStopping}.
   */
  private static final class Fields {
    private static final Set<String> SUPPORTED = Set.of("do_sample", "temperature", "top_k",
        "top_p", "min_p", "typical_p", "epsilon_cutoff", "eta_cutoff", "repetition_penalty",
        "no_repeat_ngram_size", "bad_words_ids", "min_new_tokens", "suppress_tokens",
        "eos_token_id", "num_beams", "num_beam_groups", "diversity_penalty", "length_penalty",
        "early_stopping", "num_return_sequences", "top_h", "stop_strings", "bad_words");
    private final Map<String, Object> values;

    Fields(Map<String, Object> values) {
      this.values = values;
    }

    boolean isSet(String key) {
      return values.get(key) != null;
    }

    boolean bool(String key, boolean defaultValue) {
      return isSet(key) ? (Boolean) values.get(key) : defaultValue;
    }

    float number(String key, float defaultValue) {
      return isSet(key) ? ((BigDecimal) values.get(key)).floatValue() : defaultValue;
    }

    /** The number as written (for messages). */
    String text(String key) {
      return isSet(key) ? ((BigDecimal) values.get(key)).toString() : "null";
    }

    int integer(String key, int defaultValue) {
      return isSet(key) ? (Integer) values.get(key) : defaultValue;
    }

    int[] intList(String key) {
      return isSet(key) ? (int[]) values.get(key) : new int[0];
    }

    int[][] intLists(String key) {
      return isSet(key) ? (int[][]) values.get(key) : new int[0][];
    }

    String[] strings(String key) {
      return (String[]) values.get(key);
    }

    EarlyStopping earlyStopping(String key) {
      return (EarlyStopping) values.get(key);
    }
  }
}
