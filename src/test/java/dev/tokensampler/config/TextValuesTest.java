package dev.tokensampler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensampler.Sampler;
import dev.tokensampler.djl.HuggingFaceTextTokenizer;
import dev.tokensampler.vocab.StringForms;
import dev.tokensampler.vocab.TextTokenizer;
import dev.tokensampler.vocab.TokenizerFiles;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spec and {@code generation_config.json} values given as text, read with a real tokenizer
 * (Llama 3; skipped without {@code .ci/fetch-tokenizers}) and refused without one.
 */
class TextValuesTest {
  private static HuggingFaceTextTokenizer llama3;

  @BeforeAll
  static void load() throws IOException {
    if (TokenizerFiles.present("llama3")) {
      llama3 = HuggingFaceTextTokenizer.load(TokenizerFiles.folder("llama3"));
    }
  }

  @AfterAll
  static void close() {
    if (llama3 != null) {
      llama3.close();
    }
  }

  private static TextTokenizer tokenizer() {
    assumeTrue(llama3 != null, TokenizerFiles.missing("llama3"));
    return llama3;
  }

  /** The ids as a spec writes a list of lists. */
  private static String lists(List<int[]> sequences) {
    return sequences.stream().map(s -> Arrays.toString(s).replace(" ", ""))
        .collect(Collectors.joining(",", "[", "]"));
  }

  /** The tokens two specs' samplers draw over the same random logits and history. */
  private static void assertSameDraws(SamplerSpec a, SamplerSpec b, int[] history) {
    int v = tokenizer().vocabulary().size();
    Sampler sa = a.config().newSampler(7);
    Sampler sb = b.config().newSampler(7);
    SplittableRandom random = new SplittableRandom(3);
    for (int token : history) {
      sa.accept(token);
      sb.accept(token);
    }
    float[] logits = new float[v];
    for (int step = 0; step < 20; step++) {
      for (int i = 0; i < v; i++) {
        logits[i] = (float) random.nextGaussian();
      }
      for (int h : history) {
        logits[h] += 6f;
      }
      int x = sa.sample(logits.clone());
      assertEquals(x, sb.sample(logits.clone()), "step " + step);
      sa.accept(x);
      sb.accept(x);
    }
  }

  @Test
  void drySequenceBreakersAsStringsAreLlamaCppsSequences() {
    TextTokenizer t = tokenizer();
    SamplerSpec text = SamplerSpec.parse(
        "dry_multiplier=0.8,dry_sequence_breakers=[\"\\n\", \":\", \"\\\"\", \"*\"],seed=1", t);
    assertEquals("[\"\\n\",\":\",\"\\\"\",\"*\"]", text.value("dry_sequence_breakers"));
    List<int[]> sequences = StringForms.drySequenceBreakers(t, List.of("\n", ":", "\"", "*"));
    SamplerSpec ids = SamplerSpec.parse(
        "dry_multiplier=0.8,dry_sequence_breakers=" + lists(sequences) + ",seed=1");
    int[] history = t.encode("Name: Ada\nName: Ada\nName: Ada\nName: Ada\nName:");
    assertSameDraws(text, ids, history);
    assertEquals(text, SamplerSpec.parse(text.toString(), t), "canonical text parses back");
  }

  /**
   * A repetition that runs through a breaker is not penalised past it: after
   * "Name: Ada Lovelace\nName: Ada", DRY penalises the token that repeats "Lovelace" unless
   * ":" breaks the repetition.
   */
  @Test
  void aStringBreakerStopsThePenalty() {
    TextTokenizer t = tokenizer();
    int[] history = t.encode("Name: Ada Lovelace\nName: Ada");
    int ada = history[history.length - 1];
    int first = 0;
    while (history[first] != ada) {
      first++;
    }
    int repeated = history[first + 1];
    int other = t.encode(" Byron")[0];
    float[] logits = new float[t.vocabulary().size()];
    logits[repeated] = 1f;
    logits[other] = 0.5f;
    String dry = "dry_multiplier=0.8,dry_allowed_length=2,temperature=0,dry_sequence_breakers=";
    for (String breakers : List.of("[\":\"]", "[]", "[\"\\n\"]")) {
      Sampler sampler = SamplerSpec.parse(dry + breakers, t).config().newSampler(0);
      for (int token : history) {
        sampler.accept(token);
      }
      int expected = breakers.contains(":") ? repeated : other;
      assertEquals(expected, sampler.sample(logits.clone()), breakers);
    }
  }

  @Test
  void badWordsAreBannedInBothForms() {
    TextTokenizer t = tokenizer();
    SamplerSpec spec = SamplerSpec.parse("bad_words=[\"hello\"],temperature=0", t);
    int hello = t.encode("hello")[0];
    int spaced = t.encode(" hello")[0];
    float[] logits = new float[t.vocabulary().size()];
    logits[hello] = 10f;
    logits[spaced] = 9f;
    logits[42] = 1f;
    assertEquals(42, spec.config().newSampler(0).sample(logits));
    SamplerSpec both = SamplerSpec.parse(
        "bad_words_ids=[[42]],bad_words=[\"hello\"],temperature=0", t);
    logits[43] = 0.5f;
    assertEquals(43, both.config().newSampler(0).sample(logits), "both keys ban");
  }

  @Test
  void logitBiasByStringAndByIdTogether() {
    TextTokenizer t = tokenizer();
    int paris = t.encode(" Paris")[0];
    SamplerSpec spec = SamplerSpec.parse("logit_bias={\" Paris\":-100,7:2.5},temperature=0", t);
    assertEquals("{7:2.5,\" Paris\":-100.0}", spec.value("logit_bias"));
    float[] logits = new float[t.vocabulary().size()];
    logits[paris] = 50f;
    logits[7] = 0.5f;
    assertEquals(7, spec.config().newSampler(0).sample(logits));
    assertEquals(spec, SamplerSpec.parse(spec.toString(), t));
  }

  @Test
  void stopStringsMayHoldCommasBracketsAndQuotes() {
    SamplerSpec spec = SamplerSpec.parse(
        "top_k=40,stop=[\"\\n\\nUser:\", \"a,b]\", \"}{\\\"\"],seed=3", tokenizer());
    assertEquals(List.of("\n\nUser:", "a,b]", "}{\""), spec.stopStrings());
    assertEquals("top_k=40,stop=[\"\\n\\nUser:\",\"a,b]\",\"}{\\\"\"],seed=3", spec.toString());
    assertEquals(List.of(), SamplerSpec.parse("top_k=40").stopStrings());
  }

  @Test
  void textWithoutATokenizerIsRefusedNamingTheKey() {
    for (String spec : List.of("dry_multiplier=0.8,dry_sequence_breakers=[\"\\n\"]",
        "bad_words=[\"hello\"]", "stop=[\"User:\"]", "logit_bias={\"Hello\":-1}")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SamplerSpec.parse(spec));
      String key = spec.substring(spec.lastIndexOf(',') + 1, spec.lastIndexOf('='));
      assertTrue(e.getMessage().startsWith(key + " is given as text ("), e.getMessage());
      assertTrue(e.getMessage().contains("needs a tokenizer"), e.getMessage());
    }
    // The id forms need none.
    assertEquals("[[1],[2,3]]", SamplerSpec.parse(
        "dry_multiplier=0.8,dry_sequence_breakers=[[1],[2,3]]").value("dry_sequence_breakers"));
  }

  @Test
  void malformedStringsNameTheKey() {
    for (String spec : List.of("stop=[\"unclosed]", "stop=[\"a\" \"b\"]", "stop=[\"\\q\"]",
        "stop=[1,2]", "bad_words=[\"a\",]")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SamplerSpec.parse(spec, tokenizer()));
      String key = spec.substring(0, spec.indexOf('='));
      assertTrue(e.getMessage().startsWith(key + " must be a list of quoted strings"),
          e.getMessage());
    }
  }

  @Test
  void generationConfigStopStringsAndBadWords() {
    TextTokenizer t = tokenizer();
    String json =
        "{\"do_sample\": false, \"stop_strings\": \"\\n\\n\", \"bad_words\": [\"hello\"]}";
    SamplerSpec spec = GenerationConfigJson.parse(json, t);
    assertEquals(List.of("\n\n"), spec.stopStrings());
    float[] logits = new float[t.vocabulary().size()];
    logits[t.encode("hello")[0]] = 10f;
    logits[5] = 1f;
    assertEquals(5, spec.config().newSampler(0).sample(logits));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> GenerationConfigJson.parse(json));
    assertTrue(e.getMessage().contains("bad_words is given as text"), e.getMessage());
    SamplerSpec withoutBadWords =
        GenerationConfigJson.parse("{\"do_sample\": false, \"stop_strings\": [\"x\"]}");
    assertEquals(List.of(), withoutBadWords.stopStrings(), "ignored without a tokenizer");
    assertNotEquals(spec, withoutBadWords);
  }
}
