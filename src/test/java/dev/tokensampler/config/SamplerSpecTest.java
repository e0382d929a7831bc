package dev.tokensampler.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
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
import dev.tokensampler.stage.TopK;
import dev.tokensampler.stage.TopNSigma;
import dev.tokensampler.stage.TopP;
import dev.tokensampler.stage.TypicalP;
import dev.tokensampler.stage.Xtc;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The text spec: parsing, defaults, order, presets, every error path and round trips. */
class SamplerSpecTest {

  private static List<Class<?>> classes(SamplerSpec spec) {
    return spec.config().stages().stream().map(Object::getClass).collect(Collectors.toList());
  }

  @Test
  void parsesTheKeysInWrittenOrder() {
    SamplerSpec spec = SamplerSpec.parse("temperature=0.7,top_k=40,top_p=0.95,seed=42");
    SamplerConfig built =
        SamplerConfig.builder().temperature(0.7f).topK(40).topP(0.95f).build();
    assertEquals(built.toString(), spec.config().toString());
    assertEquals(42L, spec.seed().getAsLong());
    float[] logits = new float[500];
    Random random = new Random(1);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (random.nextGaussian() * 2);
    }
    Sampler fromSpec = spec.newSampler();
    Sampler fromBuilder = built.newSampler(42L);
    for (int n = 0; n < 200; n++) {
      assertEquals(fromBuilder.sample(logits), fromSpec.sample(logits));
    }
  }

  @Test
  void orderFollowsTheText() {
    assertEquals(List.of(TopK.class, Temperature.class),
        classes(SamplerSpec.parse("top_k=40,temperature=0.7")));
    assertEquals(List.of(Temperature.class, TopK.class),
        classes(SamplerSpec.parse("temperature=0.7,top_k=40")));
    // A parameter key written before its stage's main key does not move the stage.
    assertEquals(List.of(Xtc.class, TopK.class),
        classes(SamplerSpec.parse("xtc_threshold=0.2,top_k=5,xtc_probability=0.5")));
  }

  @Test
  void spacesAndTheEmptySpecAreAccepted() {
    assertEquals("temperature=0.7,top_k=40",
        SamplerSpec.parse("  temperature = 0.7 , top_k=40 ").toString());
    SamplerSpec empty = SamplerSpec.parse(" ");
    assertEquals(List.of(), empty.config().stages());
    assertEquals("", empty.toString());
    assertTrue(empty.seed().isEmpty());
    assertThrows(IllegalStateException.class, empty::newSampler);
  }

  @Test
  void aQuoteOutsideAQuotedBiasKeyIsRefusedNotRecursedOn() {
    for (String value : new String[] {"{x\"y:1}", "{?\"{\":1}", "{5:\"1\"}"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SamplerSpec.parse("logit_bias=" + value), value);
      assertTrue(e.getMessage().startsWith("logit_bias must be"), e.getMessage());
    }
  }

  @Test
  void neutralValuesLeaveTheStageOutButKeepTheKey() {
    SamplerSpec spec = SamplerSpec.parse("top_k=0,top_p=1.0,min_p=0,typical_p=1,top_n_sigma=-1,"
        + "xtc_probability=0,epsilon_cutoff=0,eta_cutoff=0,repetition_penalty=1,"
        + "frequency_penalty=0,presence_penalty=0,dry_multiplier=0,no_repeat_ngram_size=0,"
        + "mirostat=0,logit_bias={},bad_words_ids=[],suppress_tokens=[],temperature=0.8");
    assertEquals(List.of(Temperature.class), classes(spec));
    assertEquals("0", spec.value("top_k"));
    assertEquals("1.0", spec.value("top_p"));
  }

  @Test
  void everyStageKindBuildsItsStage() {
    SamplerSpec spec = SamplerSpec.parse("logit_bias={5:-1.5,2:2},repetition_penalty=1.1,"
        + "frequency_penalty=0.2,presence_penalty=0.1,penalty_last_n=64,dry_multiplier=0.8,"
        + "dry_base=1.75,dry_allowed_length=2,dry_penalty_last_n=-1,"
        + "dry_sequence_breakers=[[13],[25,26]],no_repeat_ngram_size=3,bad_words_ids=[[7],[8,9]],"
        + "min_new_tokens=4,eos_token_id=[1,2],suppress_tokens=[3,4],top_n_sigma=2,top_k=40,"
        + "typical_p=0.9,top_p=0.95,min_p=0.05,xtc_probability=0.5,xtc_threshold=0.1,"
        + "epsilon_cutoff=3e-4,eta_cutoff=1e-3,temperature=0.8,dynatemp_range=0.5,"
        + "dynatemp_exponent=1.5,mirostat=2,mirostat_tau=5,mirostat_eta=0.1,min_keep=2,seed=7");
    assertEquals(List.of(LogitBias.class, RepetitionPenalty.class,
        FrequencyPresencePenalty.class, Dry.class, NoRepeatNGram.class, BannedSequences.class,
        MinNewTokens.class, TokenMask.class, TopNSigma.class, TopK.class, TypicalP.class,
        TopP.class, MinP.class, Xtc.class, EpsilonCutoff.class, EtaCutoff.class,
        DynamicTemperature.class, MirostatV2.class), classes(spec));
    assertArrayEquals(new int[] {1, 2}, spec.eosTokenIds());
    assertEquals("{2:2.0,5:-1.5}", spec.value("logit_bias"));
    assertEquals("[[13],[25,26]]", spec.value("dry_sequence_breakers"));
    Stage topK = spec.config().stages().get(9);
    assertEquals("top_k=40,min_keep=2", topK.toString());
    assertEquals(List.of(MirostatV1.class), classes(SamplerSpec.parse("mirostat=1")));
    assertEquals(List.of(Temperature.class),
        classes(SamplerSpec.parse("temperature=0.8,dynatemp_range=0")));
    assertEquals(1, SamplerSpec.parse("frequency_penalty=0.5").config().stages().size());
    assertEquals(1, SamplerSpec.parse("presence_penalty=0.5").config().stages().size());
  }

  @Test
  void theLlamaCppPresetIsItsDefaultChain() {
    SamplerSpec spec = SamplerSpec.preset("llama.cpp");
    assertEquals(SamplerConfig.builder().topK(40).topP(0.95f)
        .stage(new MinP(0.05f)).temperature(0.8f).build().toString(), spec.config().toString());
    assertEquals(SamplerSpec.parse("preset=llama.cpp"), spec);
    assertEquals("64", spec.value("penalty_last_n"));
    assertEquals("64", spec.value("dry_penalty_last_n"));
    Stage dry = SamplerSpec.parse("preset=llama.cpp,dry_multiplier=0.8").config().stages().get(0);
    assertEquals("dry_multiplier=0.8,dry_base=1.75,dry_allowed_length=2,dry_penalty_last_n=64,"
        + "dry_sequence_breakers=[]", dry.toString());
    assertTrue(spec.toString().startsWith("repetition_penalty=1.0,frequency_penalty=0.0,"
        + "presence_penalty=0.0,dry_multiplier=0.0"), spec.toString());
  }

  @Test
  void presetOverridesKeepThePresetOrder() {
    SamplerSpec spec =
        SamplerSpec.parse("preset=llama.cpp,temperature=0.6,min_p=0.1,repetition_penalty=1.1");
    assertEquals(List.of(RepetitionPenalty.class, TopK.class, TopP.class, MinP.class,
        Temperature.class), classes(spec));
    assertEquals("0.6", spec.value("temperature"));
    assertEquals("repetition_penalty=1.1,penalty_last_n=64", spec.config().stages().get(0)
        .toString());
    SamplerSpec hf = SamplerSpec.parse("preset=transformers,top_k=0,top_p=0.9,temperature=0.7");
    assertEquals(List.of(Temperature.class, TopP.class), classes(hf));
    assertEquals(List.of(Temperature.class, TopK.class),
        classes(SamplerSpec.preset("transformers")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "temperature=0.7,top_k=40,top_p=0.95,seed=42",
    "top_k=40,temperature=0.7",
    "preset=llama.cpp",
    "preset=llama.cpp,temperature=0.6,xtc_probability=0.5",
    "preset=transformers,min_p=0.05",
    "xtc_threshold=0.2,xtc_probability=0.5,min_keep=3",
    "logit_bias={5:-Infinity,2:2.5},eos_token_id=7,min_new_tokens=2,seed=-9",
    "bad_words_ids=[[1],[2,3]],dry_multiplier=0.8,dry_sequence_breakers=[[13]],epsilon_cutoff=1e-4",
    "mirostat=1,mirostat_tau=4,temperature=0.9,dynatemp_range=0.3"
  })
  void theCanonicalTextParsesBackToAnEqualSpec(String text) {
    SamplerSpec spec = SamplerSpec.parse(text);
    SamplerSpec again = SamplerSpec.parse(spec.toString());
    assertEquals(spec, again);
    assertEquals(spec.hashCode(), again.hashCode());
    assertEquals(spec.toString(), again.toString());
    assertEquals(spec.config().toString(), again.config().toString());
  }

  @Test
  void differentSpecsAreNotEqual() {
    assertNotEquals(SamplerSpec.parse("top_k=40,temperature=0.7"),
        SamplerSpec.parse("temperature=0.7,top_k=40"));
    assertNull(SamplerSpec.parse("top_k=4").value("top_p"));
  }

  @Test
  void everyKeyIsListed() {
    List<String> keys = SamplerSpec.keys();
    for (String key : List.of("temperature", "top_k", "top_p", "min_p", "typical_p",
        "top_n_sigma", "epsilon_cutoff", "eta_cutoff", "xtc_probability", "xtc_threshold",
        "repetition_penalty", "frequency_penalty", "presence_penalty", "penalty_last_n",
        "dry_multiplier", "dry_base", "dry_allowed_length", "dry_penalty_last_n",
        "dry_sequence_breakers", "no_repeat_ngram_size", "bad_words_ids", "min_new_tokens",
        "eos_token_id", "suppress_tokens", "logit_bias", "dynatemp_range", "dynatemp_exponent",
        "mirostat", "mirostat_tau", "mirostat_eta", "min_keep", "seed")) {
      assertTrue(keys.contains(key), key);
    }
    assertEquals(keys.size(), keys.stream().distinct().count());
  }

  /** Each bad spec fails with a message holding the given fragments (the key and the value). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "tmperature=0.7|unknown key tmperature (tmperature=0.7|top_k",
    "top_k=40,top_k=50|key top_k is given twice|top_k=50",
    "top_k|entry 1 must be key=value|'top_k'",
    "top_k=4,,top_p=0.9|entry 2 must be key=value|''",
    "=4|entry 1 must be key=value|'=4'",
    "top_k=abc|top_k must be an integer|'abc'",
    "top_k=4.5|top_k must be an integer|'4.5'",
    "top_p=0.9x|top_p must be a number|'0.9x'",
    "top_p=NaN|top_p must be a number|'NaN'",
    "seed=1.5|seed must be a 64-bit integer|'1.5'",
    "top_p=1.5|top_p=1.5: top_p must be in (0, 1]|1.5",
    "top_k=-1|top_k=-1: top_k|-1",
    "temperature=-0.5|temperature=-0.5: temperature|-0.5",
    "min_p=2|min_p=2.0: min_p|2.0",
    "typical_p=0|typical_p=0.0: typical_p|0.0",
    "top_n_sigma=-2|top_n_sigma=-2.0: top_n_sigma|-2.0",
    "xtc_probability=0.5,xtc_threshold=2|xtc_threshold must be in (0, 1]|2.0",
    "repetition_penalty=0|repetition_penalty=0.0: repetition_penalty|0.0",
    "dry_multiplier=0.8,dry_base=0.5|dry_base must be finite and >= 1|0.5",
    "epsilon_cutoff=1.5|epsilon_cutoff=1.5: epsilon_cutoff|1.5",
    "mirostat=3|mirostat must be 0 (off), 1 or 2|3",
    "min_keep=0,top_k=4|min_keep must be >= 1|0",
    "penalty_last_n=-2|penalty_last_n must be >= -1|-2",
    "eos_token_id=[1,-2]|eos_token_id must be >= 0|-2",
    "suppress_tokens=[-3]|suppress_tokens token ids must be >= 0|-3",
    "min_new_tokens=3|min_new_tokens needs eos_token_id|min_new_tokens=3",
    "xtc_threshold=0.2|xtc_threshold needs xtc_probability|xtc_threshold",
    "dynatemp_range=0.5|dynatemp_range needs temperature|dynatemp_range",
    "eos_token_id=[1,2|eos_token_id must be an integer or a list|'[1,2'",
    "bad_words_ids=[1,2]|bad_words_ids must be a list of integer lists|'[1,2]'",
    "logit_bias={1:2,1:3}|logit_bias must be token biases|'{1:2,1:3}'",
    "logit_bias={x:2}|logit_bias must be token biases|'{x:2}'",
    "top_k=4,preset=llama.cpp|preset must be the first entry|preset=llama.cpp",
    "preset=vllm|unknown preset vllm|llama.cpp",
    "preset=transformers,xtc_probability=0.5|has no stage in the transformers chain|xtc_probability",
    "preset=llama.cpp,top_k=20,top_k=30|key top_k is given twice|top_k=30"
  })
  void badSpecsAreNamedErrors(String text, String fragment, String value) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SamplerSpec.parse(text));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().contains(value), e.getMessage());
  }

  @Test
  void nullIsANullPointerException() {
    assertThrows(NullPointerException.class, () -> SamplerSpec.parse(null));
    assertThrows(NullPointerException.class, () -> SamplerSpec.preset(null));
  }
}
