package dev.tokensampler.config;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.internal.Excerpt;
import dev.tokensampler.search.BeamSearchSettings;
import dev.tokensampler.vocab.TextTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A sampler chain written as text, for command lines and experiment grids:
 * {@code temperature=0.7,top_k=40,top_p=0.95,seed=42}.
 *
 * <p><b>Syntax.</b> Entries {@code key=value} separated by commas; spaces around keys and values
 * are ignored; list values use brackets ({@code eos_token_id=[128001,128009]},
 * {@code bad_words_ids=[[12],[45,67]]}) and token biases braces
 * ({@code logit_bias={15043:-1.5,29871:2}}), whose commas do not separate entries, nor do those
 * of quoted strings. Values given as text (quoted strings: {@code dry_sequence_breakers},
 * {@code bad_words}, {@code stop}, {@code logit_bias} keys) need a tokenizer: see {@link
 * #parse(String, TextTokenizer)}. Key names are
 * llama.cpp's and Hugging Face transformers' (see the README's table for every key, its range and
 * default). The empty spec ({@code ""}, or only spaces, tabs and line breaks) is the plain softmax
 * draw: no stage, every token sampled with its softmax probability at temperature 1. A leading
 * byte order mark (U+FEFF) is skipped; any other control or format character (NUL, a BOM inside
 * the text, bidi controls, ...) is an error naming its position. A list or bias value holds at most
 * {@link #MAX_TOKEN_IDS} token ids.
 *
 * <p><b>Order.</b> The chain runs in the order the keys are written: the first key of each stage
 * places it ({@code top_k=40,temperature=0.7} is llama.cpp's order,
 * {@code temperature=0.7,top_k=40} transformers'). A stage's parameter keys
 * ({@code xtc_threshold}, {@code dynatemp_range}, {@code mirostat_tau}, ...) need its main key
 * and may stand anywhere. Global keys place no stage: {@code min_keep} (the floor of every
 * truncating stage, default 1), {@code penalty_last_n} (the window of the penalties, default -1:
 * the whole history), {@code eos_token_id} (for {@code min_new_tokens}), {@code seed},
 * {@code stop} (stop strings, read by the generation loop), and the
 * multi-sequence keys of {@link #beamSearch()} ({@code num_beams}, {@code num_beam_groups},
 * {@code diversity_penalty}, {@code length_penalty}, {@code early_stopping},
 * {@code num_return_sequences}).
 * Alternatively a first entry {@code preset=llama.cpp} or {@code preset=transformers} fixes the
 * order and default values of that library's chain, and later keys override values in place
 * ({@code preset=llama.cpp,temperature=0.6}); a key whose stage is not in the preset's chain is
 * an error.
 *
 * <p><b>Neutral values.</b> A stage whose value is neutral is left out of the chain (its key stays
 * in the spec): {@code top_k=0}, {@code top_p=1}, {@code min_p=0}, {@code typical_p=1},
 * {@code top_n_sigma=-1}, {@code xtc_probability=0}, {@code epsilon_cutoff=0},
 * {@code eta_cutoff=0}, {@code repetition_penalty=1}, {@code frequency_penalty} and
 * {@code presence_penalty} both 0, {@code no_repeat_ngram_size=0}, {@code min_new_tokens=0},
 * {@code mirostat=0}, {@code dry_multiplier=0}, empty {@code logit_bias}, {@code bad_words_ids}
 * and {@code bad_words},
 * {@code suppress_tokens}.
 *
 * <p><b>Errors.</b> An unknown key, a key given twice, a malformed value and an out-of-range
 * value are {@link IllegalArgumentException}s naming the key and the value (quoted as an
 * {@link Excerpt}: at most a short part of it, control characters escaped). {@link #toString()}
 * writes the canonical spec (stages in chain order, each with its keys in a fixed order, globals
 * last, presets expanded), which parses back to an equal spec. Immutable and thread-safe.
 */
public final class SamplerSpec {
  /**
   * The most token ids one value may hold (2^20 = 1,048,576: four times the largest vocabularies),
   * counting every id of a list, of a list of lists, or of a bias map; in a spec and in a
   * {@code generation_config.json}. Larger values are refused before they are read.
   */
  public static final int MAX_TOKEN_IDS = 1 << 20;

  private final Map<String, Object> values;
  private final SamplerConfig config;
  private final String canonical;
  private final BeamSearchSettings beamSearch;

  private SamplerSpec(List<StageKind> chain, Map<String, Object> written) {
    SpecValues v = new SpecValues(written);
    checkGlobals(v);
    Map<String, Object> ordered = new LinkedHashMap<>();
    SamplerConfig.Builder builder = SamplerConfig.builder();
    for (StageKind kind : chain) {
      Map<String, Object> own = new LinkedHashMap<>();
      for (String key : kind.keyNames()) {
        if (written.containsKey(key)) {
          own.put(key, written.get(key));
        }
      }
      if (kind.primaries.stream().noneMatch(own::containsKey)) {
        throw new IllegalArgumentException(own.keySet().iterator().next() + " needs "
            + String.join(" or ", kind.primaries) + " in the same spec");
      }
      ordered.putAll(own);
      try {
        if (!kind.isOff(v)) {
          builder.stage(kind.build(v));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(Excerpt.of(format(own)) + ": " + e.getMessage(), e);
      }
    }
    for (String key : SpecRegistry.GLOBALS.keySet()) {
      if (written.containsKey(key)) {
        ordered.put(key, written.get(key));
      }
    }
    this.values = ordered;
    this.config = builder.build();
    this.canonical = format(ordered);
    this.beamSearch = BeamKeys.settings(written, config);
  }

  /**
   * Parses a spec.
   *
   * @param spec the text, e.g. {@code "temperature=0.7,top_k=40,top_p=0.95,seed=42"}
   * @return the spec
   * @throws NullPointerException if {@code spec} is null
   * @throws IllegalArgumentException for an unknown key or preset, a key given twice, an entry
   *     without {@code =}, a malformed or out-of-range value, a parameter key without its stage's
   *     main key, or a key outside the preset's chain; the message names the key and the value
   */
  public static SamplerSpec parse(String spec) {
    return parse(spec, null);
  }

  /**
   * Parses a spec whose values may be given as text, turned into token ids by a tokenizer once,
   * here: {@code dry_sequence_breakers=["\n",":","\"","*"]} (llama.cpp's breakers, see {@link
   * dev.tokensampler.vocab.StringForms#drySequenceBreakers}), {@code bad_words=["word"]} (vLLM's,
   * see {@link dev.tokensampler.vocab.StringForms#badWords}; with {@code bad_words_ids} too, both
   * are banned), {@code logit_bias={"Hello":-1.5,15043:2}} (quoted keys are text, see {@link
   * dev.tokensampler.vocab.StringForms#logitBias}; integer keys stay token ids) and {@code
   * stop=["\n\nUser:"]} (the generation's stop strings, {@link #stopStrings()}). Strings are
   * JSON strings: double quotes, with the escapes {@code \"}, {@code \\}, {@code \n},
   * {@code \t}, {@code \r}, <code>&#92;uXXXX</code>, ...; commas and brackets inside them are text.
   * {@link #toString()} writes these values as text, so {@code parse(toString(), tokenizer)}
   * equals the spec.
   *
   * @param spec the text
   * @param tokenizer the model's tokenizer, or null to refuse values given as text
   * @return the spec
   * @throws NullPointerException if {@code spec} is null
   * @throws IllegalArgumentException as {@link #parse(String)}, or for a value given as text
   *     without a tokenizer (the message names the key and how to give one)
   */
  public static SamplerSpec parse(String spec, TextTokenizer tokenizer) {
    Objects.requireNonNull(spec, "spec");
    List<String[]> entries = entries(spec);
    SpecRegistry.Preset preset = null;
    Map<String, Object> written = new LinkedHashMap<>();
    for (int n = 0; n < entries.size(); n++) {
      String key = entries.get(n)[0];
      String value = entries.get(n)[1];
      if (key.equals(SpecRegistry.PRESET)) {
        if (n != 0) {
          throw new IllegalArgumentException("preset must be the first entry, got it at entry "
              + (n + 1) + " (preset=" + Excerpt.of(value) + ")");
        }
        preset = findPreset(value);
        for (String[] entry : entries(preset.values)) {
          written.put(entry[0], typeOf(entry[0]).parse(entry[0], entry[1]));
        }
        continue;
      }
      if (SpecRegistry.typeOf(key) == null) {
        throw new IllegalArgumentException("unknown key " + Excerpt.of(key) + " ("
            + Excerpt.of(key + "=" + value) + "; known keys: " + String.join(", ", keys())
            + ", preset)");
      }
      Object parsed = typeOf(key).parse(key, value);
      boolean isDefault = preset != null && written.containsKey(key)
          && entries.subList(1, n).stream().noneMatch(e -> e[0].equals(key));
      if (written.containsKey(key) && !isDefault) {
        throw new IllegalArgumentException("key " + key + " is given twice ("
            + Excerpt.of(key + "=" + value) + ")");
      }
      written.put(key, parsed);
    }
    TextValue.resolveAll(written, tokenizer);
    return new SamplerSpec(preset == null ? writtenOrder(written) : presetOrder(preset, written),
        written);
  }

  /**
   * The default chain of a library: {@code llama.cpp} as of its release b10472, August 2026 (logit
   * bias, penalties, DRY, top-n-sigma, top-k 40, typical, top-p 0.95, min-p 0.05, XTC,
   * temperature 0.8, mirostat; neutral stages
   * left out, so the chain is top-k 40, top-p 0.95, min-p 0.05, temperature 0.8) or {@code transformers}
   * (its processors, then temperature 1, top-k 50, top-p, min-p, typical, epsilon, eta; so the
   * chain is temperature 1, top-k 50). Equal to {@code parse("preset=" + name)}.
   *
   * @param name {@code llama.cpp} or {@code transformers}
   * @return the spec
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if there is no such preset
   */
  public static SamplerSpec preset(String name) {
    Objects.requireNonNull(name, "name");
    return parse(SpecRegistry.PRESET + "=" + name);
  }

  /**
   * A spec from typed values, chained in the order of {@code chain} (used for
   * {@code generation_config.json}).
   */
  static SamplerSpec of(List<StageKind> chain, Map<String, Object> values) {
    List<StageKind> present = new ArrayList<>();
    for (StageKind kind : chain) {
      if (kind.keys.keySet().stream().anyMatch(values::containsKey)) {
        present.add(kind);
      }
    }
    return new SamplerSpec(present, values);
  }

  /**
   * Every key a spec may hold: the stage keys in registry order, then the global keys.
   *
   * @return the key names
   */
  public static List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (StageKind kind : SpecRegistry.KINDS) {
      keys.addAll(kind.keyNames());
    }
    keys.addAll(SpecRegistry.GLOBALS.keySet());
    return keys;
  }

  /**
   * The chain.
   *
   * @return the config built from this spec
   */
  public SamplerConfig config() {
    return config;
  }

  /**
   * The {@code seed} key.
   *
   * @return the seed, or empty if the spec has none
   */
  public OptionalLong seed() {
    Object seed = values.get(SpecRegistry.SEED);
    return seed == null ? OptionalLong.empty() : OptionalLong.of((Long) seed);
  }

  /**
   * The {@code eos_token_id} key.
   *
   * @return the end-of-sequence ids (a copy), empty if the spec has none
   */
  public int[] eosTokenIds() {
    Object ids = values.get(SpecRegistry.EOS_TOKEN_ID);
    return ids == null ? new int[0] : ((int[]) ids).clone();
  }

  /**
   * The {@code stop} key: strings that end a generation, for {@code
   * dev.tokensampler.djl.CausalLMGenerator.Builder#stopStrings}.
   *
   * @return the stop strings, empty if the spec has none
   */
  public List<String> stopStrings() {
    return new SpecValues(values).strings(SpecRegistry.STOP);
  }

  /**
   * The multi-sequence keys: {@code num_beams}, {@code num_beam_groups},
   * {@code diversity_penalty}, {@code length_penalty}, {@code early_stopping} ({@code true},
   * {@code false} or {@code never}), {@code num_return_sequences}, with transformers' defaults
   * for the keys not written. With {@code num_beams > 1} the spec asks for beam search (and its
   * chain may only be greedy); otherwise {@code num_return_sequences} independent samples.
   * {@code CausalLMGenerator.generateSequences(promptIds, spec)} in {@code dev.tokensampler.djl} runs it.
   *
   * @return the settings
   */
  public BeamSearchSettings beamSearch() {
    return beamSearch;
  }

  /**
   * The canonical text of one key's value.
   *
   * @param key a key name
   * @return the value as {@link #toString()} writes it, or null if the spec does not hold the key
   */
  public String value(String key) {
    Object v = values.get(key);
    return v == null ? null : typeOf(key).format(v);
  }

  /**
   * A sampler of this chain seeded with the spec's {@code seed}.
   *
   * @return a new sampler on stream 0 of the seed
   * @throws IllegalStateException if the spec has no {@code seed}
   */
  public Sampler newSampler() {
    if (!values.containsKey(SpecRegistry.SEED)) {
      throw new IllegalStateException("the spec has no seed: add seed=<integer> or call "
          + "config().newSampler(seed)");
    }
    return config.newSampler((Long) values.get(SpecRegistry.SEED));
  }

  /**
   * The canonical spec: stages in chain order, each with its keys in a fixed order, then
   * {@code min_keep}, {@code penalty_last_n}, {@code eos_token_id}, {@code stop}, {@code seed};
   * presets expanded.
   * {@code parse(toString())} equals this spec.
   *
   * @return the spec text
   */
  @Override
  public String toString() {
    return canonical;
  }

  /**
   * Specs are equal when their canonical texts are.
   *
   * @param other any object
   * @return whether {@code other} is a spec with the same canonical text
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof SamplerSpec && ((SamplerSpec) other).canonical.equals(canonical);
  }

  @Override
  public int hashCode() {
    return canonical.hashCode();
  }

  private static void checkGlobals(SpecValues v) {
    if (v.minKeep() < 1) {
      throw new IllegalArgumentException("min_keep must be >= 1, got " + v.minKeep());
    }
    if (v.penaltyLastN() < -1) {
      throw new IllegalArgumentException(
          "penalty_last_n must be >= -1 (-1: the whole history), got " + v.penaltyLastN());
    }
    for (int id : v.ints(SpecRegistry.EOS_TOKEN_ID)) {
      if (id < 0) {
        throw new IllegalArgumentException("eos_token_id must be >= 0, got " + id);
      }
    }
  }

  private static ValueType typeOf(String key) {
    ValueType type = SpecRegistry.typeOf(key);
    if (type == null) {
      throw new IllegalArgumentException(
          "unknown key " + Excerpt.of(key) + " (known keys: " + String.join(", ", keys())
              + ", preset)");
    }
    return type;
  }

  private static SpecRegistry.Preset findPreset(String name) {
    for (SpecRegistry.Preset preset : SpecRegistry.PRESETS) {
      if (preset.name.equals(name.trim())) {
        return preset;
      }
    }
    throw new IllegalArgumentException("unknown preset " + Excerpt.of(name)
        + " (presets: llama.cpp, transformers)");
  }

  /** The kinds of the written keys, in the order of each kind's first key. */
  private static List<StageKind> writtenOrder(Map<String, Object> written) {
    List<StageKind> chain = new ArrayList<>();
    for (String key : written.keySet()) {
      StageKind kind = SpecRegistry.kindOf(key);
      if (kind != null && !chain.contains(kind)) {
        chain.add(kind);
      }
    }
    return chain;
  }

  private static List<StageKind> presetOrder(SpecRegistry.Preset preset,
      Map<String, Object> written) {
    for (String key : written.keySet()) {
      StageKind kind = SpecRegistry.kindOf(key);
      if (kind != null && !preset.order.contains(kind)) {
        throw new IllegalArgumentException("key " + key + " has no stage in the " + preset.name
            + " chain; write the chain without a preset to place it");
      }
    }
    List<StageKind> chain = new ArrayList<>();
    for (StageKind kind : preset.order) {
      if (kind.keys.keySet().stream().anyMatch(written::containsKey)) {
        chain.add(kind);
      }
    }
    return chain;
  }

  /** Splits {@code key=value} entries at commas outside brackets and braces. */
  private static List<String[]> entries(String text) {
    String spec = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
    for (int i = 0; i < spec.length(); i++) {
      char c = spec.charAt(i);
      if (Excerpt.isEscaped(c) && c != '\t' && c != '\n' && c != '\r') {
        throw new IllegalArgumentException("spec holds the control character "
            + Excerpt.character(c) + " at index " + i + ": " + Excerpt.of(spec));
      }
    }
    List<String[]> entries = new ArrayList<>();
    if (spec.trim().isEmpty()) {
      return entries;
    }
    int depth = 0;
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i <= spec.length(); i++) {
      char c = i < spec.length() ? spec.charAt(i) : ',';
      if (quoted && i < spec.length()) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      if (c == '"') {
        quoted = true;
      } else if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        depth--;
      } else if (c == ',' && (depth <= 0 || i == spec.length())) {
        entries.add(entry(spec.substring(start, i).trim(), entries.size() + 1));
        start = i + 1;
        depth = 0;
      }
    }
    return entries;
  }

  private static String[] entry(String text, int position) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "entry " + position + " must be key=value, got '" + Excerpt.of(text) + "'");
    }
    return new String[] {text.substring(0, eq).trim(), text.substring(eq + 1).trim()};
  }

  private static String format(Map<String, Object> values) {
    StringBuilder s = new StringBuilder();
    values.forEach((key, value) -> s.append(s.length() == 0 ? "" : ",")
        .append(key).append('=').append(typeOf(key).format(value)));
    return s.toString();
  }
}
