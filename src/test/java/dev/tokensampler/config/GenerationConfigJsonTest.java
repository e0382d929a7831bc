package dev.tokensampler.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.SamplerConfig;
import dev.tokensampler.stage.BannedSequences;
import dev.tokensampler.stage.EpsilonCutoff;
import dev.tokensampler.stage.EtaCutoff;
import dev.tokensampler.stage.MinNewTokens;
import dev.tokensampler.stage.MinP;
import dev.tokensampler.stage.NoRepeatNGram;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.Temperature;
import dev.tokensampler.stage.TokenMask;
import dev.tokensampler.stage.TopK;
import dev.tokensampler.stage.TopP;
import dev.tokensampler.stage.TypicalP;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code generation_config.json}: transformers' defaults (greedy unless {@code do_sample}, top-k
 * 50, temperature 1), its processor order, example files, ignored and unsupported keys, errors.
 */
class GenerationConfigJsonTest {

  private static Path resource(String name) throws URISyntaxException {
    return Paths.get(GenerationConfigJsonTest.class.getResource("/generation-config/" + name)
        .toURI());
  }

  private static List<Class<?>> classes(SamplerSpec spec) {
    return spec.config().stages().stream().map(Object::getClass).collect(Collectors.toList());
  }

  @Test
  void llama3InstructSamplesWithTopK50AndTwoEndTokens() throws Exception {
    SamplerSpec spec = GenerationConfigJson.read(resource("llama-3-instruct.json"));
    assertEquals("temperature=0.6,top_k=50,top_p=0.9,eos_token_id=[128001,128009]",
        spec.toString());
    assertEquals(SamplerConfig.builder().temperature(0.6f).topK(50).topP(0.9f).build()
        .toString(), spec.config().toString());
    assertArrayEquals(new int[] {128001, 128009}, spec.eosTokenIds());
    assertEquals(spec, SamplerSpec.parse(spec.toString()));
  }

  @Test
  void qwen2InstructPutsThePenaltyBeforeTheWarpers() throws Exception {
    SamplerSpec spec = GenerationConfigJson.read(resource("qwen-2-instruct.json"));
    assertEquals(List.of(RepetitionPenalty.class, Temperature.class, TopK.class, TopP.class),
        classes(spec));
    assertEquals("repetition_penalty=1.05,temperature=0.7,top_k=20,top_p=0.8,"
        + "eos_token_id=[151645,151643]", spec.toString());
  }

  @Test
  void withoutDoSampleTheConfigIsGreedy() throws Exception {
    SamplerSpec spec = GenerationConfigJson.read(resource("greedy-default.json"));
    assertEquals("temperature=0.0,eos_token_id=[2]", spec.toString());
    float[] logits = {0.5f, 3f, 3f, -1f};
    for (long seed = 0; seed < 20; seed++) {
      assertEquals(1, spec.config().newSampler(seed).sample(logits));
    }
    SamplerSpec ignored = GenerationConfigJson.parse(
        "{\"temperature\": 0.3, \"top_k\": 5, \"top_p\": 0.5, \"do_sample\": false}");
    assertEquals("temperature=0.0", ignored.toString());
  }

  @Test
  void samplingDefaultsAreTransformers() {
    SamplerSpec spec = GenerationConfigJson.parse("{\"do_sample\": true}");
    assertEquals("top_k=50", spec.toString());
    assertEquals(List.of(TopK.class), classes(spec));
    assertEquals("", GenerationConfigJson.parse("{\"do_sample\": true, \"top_k\": 0}")
        .toString());
  }

  @Test
  void everyProcessorAndWarperInTransformersOrder() {
    SamplerSpec spec = GenerationConfigJson.parse("{"
        + "\"eta_cutoff\": 0.001, \"epsilon_cutoff\": 0.0003, \"typical_p\": 0.95,"
        + "\"min_p\": 0.05, \"top_p\": 0.8, \"top_k\": 20, \"temperature\": 0.7,"
        + "\"suppress_tokens\": [5, 6], \"min_new_tokens\": 2, \"bad_words_ids\": [[7], [8, 9]],"
        + "\"no_repeat_ngram_size\": 3, \"repetition_penalty\": 1.1, \"do_sample\": true,"
        + "\"eos_token_id\": 2, \"num_beams\": 1, \"min_length\": 0, \"forced_bos_token_id\": null,"
        + "\"begin_suppress_tokens\": [], \"renormalize_logits\": true, \"max_new_tokens\": 64}");
    assertEquals(List.of(RepetitionPenalty.class, NoRepeatNGram.class, BannedSequences.class,
        MinNewTokens.class, TokenMask.class, Temperature.class, TopK.class, TopP.class,
        MinP.class, TypicalP.class, EpsilonCutoff.class, EtaCutoff.class), classes(spec));
    assertEquals(spec, SamplerSpec.parse(spec.toString()));
  }

  /**
   * As transformers' {@code NoBadWordsLogitsProcessor}: a bad word that is exactly one end token
   * is dropped, so generation can still end; longer sequences holding it stay banned.
   */
  @Test
  void badWordsThatAreOneEndTokenAreDropped() {
    SamplerSpec spec = GenerationConfigJson.parse("{\"bad_words_ids\": [[2], [7], [2, 5], [9]],"
        + " \"eos_token_id\": [2, 9]}");
    assertEquals("bad_words_ids=[[7],[2,5]],temperature=0.0,eos_token_id=[2,9]", spec.toString());
    assertEquals(2, spec.config().newSampler(1).sample(new float[] {0f, 1f, 3f, 2f, 0f, 0f,
        0f, 2.5f, 0f, 0f}));
    SamplerSpec onlyEnd =
        GenerationConfigJson.parse("{\"bad_words_ids\": [[2]], \"eos_token_id\": 2}");
    assertEquals("temperature=0.0,eos_token_id=[2]", onlyEnd.toString());
    SamplerSpec noEnd = GenerationConfigJson.parse("{\"bad_words_ids\": [[2]]}");
    assertEquals("bad_words_ids=[[2]],temperature=0.0", noEnd.toString());
    assertEquals(1, noEnd.config().newSampler(1).sample(new float[] {0f, 1f, 3f}));
  }

  @Test
  void nullMeansTheDefault() {
    SamplerSpec spec = GenerationConfigJson.parse(
        "{\"do_sample\": true, \"top_k\": null, \"min_p\": null, \"temperature\": null}");
    assertEquals("top_k=50", spec.toString());
  }

  @Test
  void aFileThatCannotBeReadIsAnIoException() {
    assertThrows(IOException.class,
        () -> GenerationConfigJson.read(Paths.get("does-not-exist", "generation_config.json")));
  }

  /** Each bad file fails with a message holding the given fragments (the key and the value). */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{\"do_sample\": true, \"top_q\": 0.5}|unknown key top_q|0.5",
    "{\"do_sample\": \"yes\"}|do_sample must be true or false|yes",
    "{\"do_sample\": true, \"temperature\": \"hot\"}|temperature must be a number|hot",
    "{\"do_sample\": true, \"top_k\": 4.5}|top_k must be an integer|4.5",
    "{\"eos_token_id\": \"2\"}|eos_token_id must be an integer|2",
    "{\"eos_token_id\": {\"a\": 1}}|eos_token_id must be an integer or a list of integers|a",
    "{\"bad_words_ids\": [1, 2]}|bad_words_ids must be a list of integer lists|[1,2]",
    "{\"do_sample\": true, \"temperature\": 0}|temperature must be > 0 when do_sample is true|got 0",
    "{\"do_sample\": true, \"top_p\": 1.5}|top_p must be in (0, 1]|1.5",
    "{\"do_sample\": true, \"top_k\": -3}|top_k|-3",
    "{\"do_sample\": true, \"epsilon_cutoff\": 1.5}|epsilon_cutoff must be in [0, 1)|1.5",
    "{\"do_sample\": true, \"eta_cutoff\": -0.1}|eta_cutoff must be in [0, 1)|-0.1",
    "{\"repetition_penalty\": -1}|repetition_penalty|-1.0",
    "{\"min_new_tokens\": 3}|min_new_tokens needs eos_token_id|min_new_tokens=3",
    "{\"guidance_scale\": 2}|guidance_scale is not supported (only 1)|2",
    "{\"min_length\": 10}|min_length is not supported (only 0)|10",
    "{\"sequence_bias\": {\"[1]\": -1}}|sequence_bias is not supported (only null)|[1]",
    "{\"penalty_alpha\": 0.6}|penalty_alpha is not supported|0.6",
    "{\"num_beams\": 2, \"early_stopping\": \"true\"}|early_stopping must be true, false or \"never\"|\"true\"",
    "{\"num_beams\": 2, \"early_stopping\": \"NEVER\"}|early_stopping must be true, false or \"never\"|NEVER",
    "{\"num_beams\": 2, \"early_stopping\": 1}|early_stopping must be true, false or \"never\"|got 1",
    "{\"early_stopping\": {\"a\": 1}}|early_stopping must be true, false or \"never\"|a",
    "{\"num_beams\": \"4\"}|num_beams must be an integer|4",
    "{\"num_beam_groups\": true}|num_beam_groups must be an integer|true",
    "{\"length_penalty\": 1e999999999}|length_penalty must be a number in the float range|1e999999999",
    "{\"do_sample\": true, \"top_h\": \"0.5\"}|top_h must be a number|0.5",
    "{\"num_return_sequences\": 2, \"num_return_sequences\": 3}|key num_return_sequences is given twice|num_return_sequences",
    "{\"do_sample\": true,|not valid JSON|generation_config.json",
    "[1, 2]|expected a JSON object|[1,2]"
  })
  void badFilesAreNamedErrors(String json, String fragment, String value) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GenerationConfigJson.parse(json));
    assertTrue(e.getMessage().startsWith("generation_config.json: "), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().contains(value), e.getMessage());
  }

  @Test
  void nullIsANullPointerException() {
    assertThrows(NullPointerException.class, () -> GenerationConfigJson.parse(null));
    assertThrows(NullPointerException.class, () -> GenerationConfigJson.read(null));
  }
}
