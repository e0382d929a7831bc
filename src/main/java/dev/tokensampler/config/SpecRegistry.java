package dev.tokensampler.config;

import static dev.tokensampler.config.ValueType.BIAS_MAP;
import static dev.tokensampler.config.ValueType.BOOLEAN;
import static dev.tokensampler.config.ValueType.FLOAT;
import static dev.tokensampler.config.ValueType.INT;
import static dev.tokensampler.config.ValueType.INT_LIST;
import static dev.tokensampler.config.ValueType.INT_LISTS;
import static dev.tokensampler.config.ValueType.INT_LISTS_OR_STRINGS;
import static dev.tokensampler.config.ValueType.LONG;
import static dev.tokensampler.config.ValueType.STRINGS;

import dev.tokensampler.stage.AdaptiveP;
import dev.tokensampler.stage.BannedSequences;
import dev.tokensampler.stage.Dry;
import dev.tokensampler.stage.DynamicTemperature;
import dev.tokensampler.stage.EpsilonCutoff;
import dev.tokensampler.stage.EtaCutoff;
import dev.tokensampler.stage.FrequencyPresencePenalty;
import dev.tokensampler.stage.LogitBias;
import dev.tokensampler.stage.MinNewTokens;
import dev.tokensampler.stage.MinP;
import dev.tokensampler.stage.MirostatV1;
import dev.tokensampler.stage.MirostatV2;
import dev.tokensampler.stage.NoRepeatNGram;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.Temperature;
import dev.tokensampler.stage.TokenMask;
import dev.tokensampler.stage.TopH;
import dev.tokensampler.stage.TopK;
import dev.tokensampler.stage.TopNSigma;
import dev.tokensampler.stage.TopP;
import dev.tokensampler.stage.TypicalP;
import dev.tokensampler.stage.Xtc;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every spec key: the stage kinds (one line each, with their parameter keys, neutral values and
 * builder), the global keys, and the presets' chain orders and values. Key names are those of
 * llama.cpp and Hugging Face transformers.
 */
final class SpecRegistry {
  static final String MIN_KEEP = "min_keep";
  static final String PENALTY_LAST_N = "penalty_last_n";
  static final String EOS_TOKEN_ID = "eos_token_id";
  static final String SEED = "seed";
  static final String STOP = "stop";
  static final String PRESET = "preset";

  static final StageKind LOGIT_BIAS = StageKind.of("logit_bias", BIAS_MAP,
      v -> logitBias(v.biases("logit_bias"))).offWhen(v -> v.biases("logit_bias").isEmpty());
  static final StageKind REPETITION_PENALTY = StageKind.of("repetition_penalty", FLOAT,
      v -> new RepetitionPenalty(v.f("repetition_penalty"), v.penaltyLastN(),
          v.bool("repetition_penalty_normalize", false), v.i("prompt_ignore_length", 0)))
      .with("repetition_penalty_normalize", BOOLEAN).with("prompt_ignore_length", INT)
      .offWhen(v -> v.f("repetition_penalty") == 1f);
  static final StageKind FREQUENCY_PRESENCE = StageKind.of("frequency_penalty", FLOAT,
      v -> new FrequencyPresencePenalty(v.f("frequency_penalty", 0f),
          v.f("presence_penalty", 0f), v.penaltyLastN(), v.bool("penalty_generated_only", false)))
      .primary("presence_penalty", FLOAT).with("penalty_generated_only", BOOLEAN)
      .offWhen(v -> v.f("frequency_penalty", 0f) == 0f && v.f("presence_penalty", 0f) == 0f);
  static final StageKind DRY = StageKind.of("dry_multiplier", FLOAT,
      v -> new Dry(v.f("dry_multiplier"), v.f("dry_base", 1.75f), v.i("dry_allowed_length", 2),
          v.i("dry_penalty_last_n", -1), v.lists("dry_sequence_breakers")))
      .with("dry_base", FLOAT).with("dry_allowed_length", INT).with("dry_penalty_last_n", INT)
      .with("dry_sequence_breakers", INT_LISTS_OR_STRINGS)
      .offWhen(v -> v.f("dry_multiplier") == 0f);
  static final StageKind NO_REPEAT_NGRAM = StageKind.of("no_repeat_ngram_size", INT,
      v -> new NoRepeatNGram(v.i("no_repeat_ngram_size")))
      .offWhen(v -> v.i("no_repeat_ngram_size") == 0);
  static final StageKind BAD_WORDS = StageKind.of("bad_words_ids", INT_LISTS,
      v -> new BannedSequences(badWords(v))).primary("bad_words", STRINGS)
      .offWhen(v -> badWords(v).isEmpty());
  static final StageKind MIN_NEW_TOKENS = StageKind.of("min_new_tokens", INT,
      SpecRegistry::minNewTokens).offWhen(v -> v.i("min_new_tokens") == 0);
  static final StageKind SUPPRESS_TOKENS = StageKind.of("suppress_tokens", INT_LIST,
      v -> TokenMask.banningIds(tokenIds("suppress_tokens", v.ints("suppress_tokens"))))
      .offWhen(v -> v.ints("suppress_tokens").length == 0);
  static final StageKind TOP_N_SIGMA = StageKind.of("top_n_sigma", FLOAT,
      v -> new TopNSigma(v.f("top_n_sigma"))).offWhen(v -> v.f("top_n_sigma") == -1f);
  static final StageKind TOP_K = StageKind.of("top_k", INT,
      v -> new TopK(v.i("top_k"), v.minKeep())).offWhen(v -> v.i("top_k") == 0);
  static final StageKind TYPICAL_P = StageKind.of("typical_p", FLOAT,
      v -> new TypicalP(v.f("typical_p"), v.minKeep())).offWhen(v -> v.f("typical_p") == 1f);
  static final StageKind TOP_P = StageKind.of("top_p", FLOAT,
      v -> new TopP(v.f("top_p"), v.minKeep())).offWhen(v -> v.f("top_p") == 1f);
  static final StageKind MIN_P = StageKind.of("min_p", FLOAT,
      v -> new MinP(v.f("min_p"), v.minKeep())).offWhen(v -> v.f("min_p") == 0f);
  static final StageKind XTC = StageKind.of("xtc_probability", FLOAT,
      v -> new Xtc(v.f("xtc_probability"), v.f("xtc_threshold", 0.1f), v.minKeep()))
      .with("xtc_threshold", FLOAT).offWhen(v -> v.f("xtc_probability") == 0f);
  static final StageKind EPSILON_CUTOFF = StageKind.of("epsilon_cutoff", FLOAT,
      v -> new EpsilonCutoff(v.f("epsilon_cutoff"), v.minKeep()))
      .offWhen(v -> v.f("epsilon_cutoff") == 0f);
  static final StageKind ETA_CUTOFF = StageKind.of("eta_cutoff", FLOAT,
      v -> new EtaCutoff(v.f("eta_cutoff"), v.minKeep())).offWhen(v -> v.f("eta_cutoff") == 0f);
  static final StageKind TEMPERATURE = StageKind.of("temperature", FLOAT,
      SpecRegistry::temperature).with("dynatemp_range", FLOAT).with("dynatemp_exponent", FLOAT);
  static final StageKind MIROSTAT = StageKind.of("mirostat", INT, SpecRegistry::mirostat)
      .with("mirostat_tau", FLOAT).with("mirostat_eta", FLOAT)
      .offWhen(v -> v.i("mirostat") == 0);

  static final StageKind TOP_H = StageKind.of("top_h", FLOAT, v -> new TopH(v.f("top_h")));
  static final StageKind ADAPTIVE_P = StageKind.of("adaptive_target", FLOAT,
      v -> new AdaptiveP(v.f("adaptive_target"), v.f("adaptive_decay", 0.9f)))
      .with("adaptive_decay", FLOAT).offWhen(v -> v.f("adaptive_target") < 0f);

  /** Every stage kind; a spec without a preset chains them in the order their keys are written. */
  static final List<StageKind> KINDS = List.of(LOGIT_BIAS, REPETITION_PENALTY, FREQUENCY_PRESENCE,
      DRY, NO_REPEAT_NGRAM, BAD_WORDS, MIN_NEW_TOKENS, SUPPRESS_TOKENS, TOP_N_SIGMA, TOP_K,
      TYPICAL_P, TOP_P, MIN_P, XTC, EPSILON_CUTOFF, ETA_CUTOFF, TEMPERATURE, MIROSTAT, ADAPTIVE_P, TOP_H);

  /** Keys that set no stage of their own, in canonical order. */
  static final Map<String, ValueType> GLOBALS = globals();

  /**
   * llama.cpp's default chain ({@code common_sampler_init}): its order and the default values of
   * {@code common_params_sampling}, as of llama.cpp release b10472 (August 2026). Its
   * {@code min_keep} default 0 acts as 1 there, which is this library's default.
   */
  static final Preset LLAMA_CPP = new Preset("llama.cpp",
      List.of(LOGIT_BIAS, REPETITION_PENALTY, FREQUENCY_PRESENCE, DRY, TOP_N_SIGMA, TOP_K,
          TYPICAL_P, TOP_P, MIN_P, XTC, TEMPERATURE, MIROSTAT, ADAPTIVE_P),
      "repetition_penalty=1.0,frequency_penalty=0.0,presence_penalty=0.0,dry_multiplier=0.0,"
          + "dry_base=1.75,dry_allowed_length=2,dry_penalty_last_n=64,top_n_sigma=-1.0,"
          + "top_k=40,typical_p=1.0,top_p=0.95,min_p=0.05,xtc_probability=0.0,"
          + "xtc_threshold=0.1,temperature=0.8,dynatemp_range=0.0,dynatemp_exponent=1.0,"
          + "mirostat=0,mirostat_tau=5.0,mirostat_eta=0.1,adaptive_target=-1.0,"
          + "adaptive_decay=0.9,penalty_last_n=64");

  /**
   * transformers' processor order ({@code GenerationMixin._get_logits_processor}): processors,
   * then the warpers temperature, top-H, top-k, top-p, min-p, typical, epsilon, eta; with the
   * {@code GenerationConfig} defaults of sampling ({@code do_sample=True}).
   */
  static final Preset TRANSFORMERS = new Preset("transformers",
      List.of(LOGIT_BIAS, REPETITION_PENALTY, NO_REPEAT_NGRAM, BAD_WORDS, MIN_NEW_TOKENS,
          SUPPRESS_TOKENS, TEMPERATURE, TOP_H, TOP_K, TOP_P, MIN_P, TYPICAL_P, EPSILON_CUTOFF,
          ETA_CUTOFF),
      "repetition_penalty=1.0,temperature=1.0,top_k=50,top_p=1.0,typical_p=1.0");

  static final List<Preset> PRESETS = List.of(LLAMA_CPP, TRANSFORMERS);

  private SpecRegistry() {}

  /** A named chain order with default values; keys written after it override those values. */
  static final class Preset {
    final String name;
    final List<StageKind> order;
    final String values;

    Preset(String name, List<StageKind> order, String values) {
      this.name = name;
      this.order = order;
      this.values = values;
    }
  }

  /** The kind a key belongs to, or null for a global or unknown key. */
  static StageKind kindOf(String key) {
    for (StageKind kind : KINDS) {
      if (kind.keys.containsKey(key)) {
        return kind;
      }
    }
    return null;
  }

  /** The value type of a key, or null if it is unknown. */
  static ValueType typeOf(String key) {
    StageKind kind = kindOf(key);
    return kind != null ? kind.keys.get(key) : GLOBALS.get(key);
  }

  private static Map<String, ValueType> globals() {
    Map<String, ValueType> g = new LinkedHashMap<>();
    g.put(MIN_KEEP, INT);
    g.put(PENALTY_LAST_N, INT);
    g.put(EOS_TOKEN_ID, INT_LIST);
    g.put(STOP, STRINGS);
    g.put(SEED, LONG);
    BeamKeys.register(g);
    return Collections.unmodifiableMap(g);
  }

  /** {@code bad_words_ids}, then the sequences of {@code bad_words}. */
  private static List<int[]> badWords(SpecValues v) {
    List<int[]> all = new java.util.ArrayList<>(v.lists("bad_words_ids"));
    all.addAll(v.lists("bad_words"));
    return all;
  }

  private static Stage logitBias(Map<Integer, Float> biases) {
    if (biases instanceof TokenBiases) {
      TokenBiases compact = (TokenBiases) biases;
      return new LogitBias(compact.ids(), compact.biases());
    }
    return new LogitBias(biases);
  }

  private static Stage temperature(SpecValues v) {
    float range = v.f("dynatemp_range", 0f);
    if (range == 0f) {
      return new Temperature(v.f("temperature"));
    }
    return new DynamicTemperature(v.f("temperature"), range, v.f("dynatemp_exponent", 1f));
  }

  private static Stage mirostat(SpecValues v) {
    float tau = v.f("mirostat_tau", 5f);
    float eta = v.f("mirostat_eta", 0.1f);
    switch (v.i("mirostat")) {
      case 1:
        return new MirostatV1(tau, eta);
      case 2:
        return new MirostatV2(tau, eta);
      default:
        throw new IllegalArgumentException(
            "mirostat must be 0 (off), 1 or 2, got " + v.i("mirostat"));
    }
  }

  private static Stage minNewTokens(SpecValues v) {
    if (!v.has(EOS_TOKEN_ID) || v.ints(EOS_TOKEN_ID).length == 0) {
      throw new IllegalArgumentException("min_new_tokens needs eos_token_id");
    }
    return new MinNewTokens(v.i("min_new_tokens"), v.ints(EOS_TOKEN_ID));
  }

  private static int[] tokenIds(String key, int[] ids) {
    for (int id : ids) {
      if (id < 0) {
        throw new IllegalArgumentException(key + " token ids must be >= 0, got " + id);
      }
    }
    return ids;
  }
}
