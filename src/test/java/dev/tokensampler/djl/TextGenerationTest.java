package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.config.SamplerSpec;
import dev.tokensampler.vocab.TestTokenizers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generation loop on text with real tokenizers (Qwen 3 and Llama 3 byte-level BPE, Llama 2
 * SentencePiece; skipped without {@code .ci/fetch-tokenizers}) and a scripted model that writes a
 * given text: the prompt is the tokenizer's encoding, the text streams without splitting
 * characters, and stop strings spanning tokens end it, the text cut where they begin.
 */
class TextGenerationTest {
  private static final String PROMPT = "Question: what is the capital of France?";
  private static final List<HuggingFaceTextTokenizer> OPEN = new ArrayList<>();

  @AfterAll
  static void close() {
    OPEN.forEach(HuggingFaceTextTokenizer::close);
  }

  private static HuggingFaceTextTokenizer tokenizer(String name) throws IOException {
    assumeTrue(TestTokenizers.present(name), TestTokenizers.missing(name));
    HuggingFaceTextTokenizer t = TestTokenizers.load(name);
    OPEN.add(t);
    return t;
  }

  /** What the scripted model writes for {@code text}: its tokens, then an end-of-sequence id. */
  private static int[] script(HuggingFaceTextTokenizer t, String text) {
    int[] ids = t.encode(text);
    int[] script = Arrays.copyOf(ids, ids.length + 1);
    script[ids.length] = t.vocabulary().eosTokenIds()[0];
    return script;
  }

  private static final class Run implements AutoCloseable {
    final ScriptedModel block;
    final Model model;
    final Predictor<NDList, CausalLMOutput> predictor;
    final List<String> pieces = new ArrayList<>();

    Run(HuggingFaceTextTokenizer t, int[] script) {
      block = new ScriptedModel(t.vocabulary().size(), t.encodePrompt(PROMPT).length, script);
      model = ScriptedModel.model(block);
      predictor = ScriptedModel.predictor(model);
    }

    GenerationResult generate(CausalLMGenerator.Builder builder) {
      return builder.build().generate(PROMPT, SamplerConfig.greedy().newSampler(0), pieces::add);
    }

    CausalLMGenerator.Builder builder(HuggingFaceTextTokenizer t) {
      return CausalLMGenerator.builder(predictor).tokenizer(t).maxNewTokens(200)
          .eosTokenIds(t.vocabulary().eosTokenIds());
    }

    @Override
    public void close() {
      predictor.close();
      model.close();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "qwen3", "llama3", "llama2"})
  void textStreamsWithoutSplittingCharacters(String name) throws IOException {
    HuggingFaceTextTokenizer t = tokenizer(name);
    String answer = " Paris 🇫🇷 — « la Ville Lumière », 巴黎 🗼🥐!";
    int[] script = script(t, answer);
    try (Run run = new Run(t, script)) {
      GenerationResult result = run.generate(run.builder(t));
      assertArrayEquals(Arrays.stream(t.encodePrompt(PROMPT)).asLongStream().toArray(),
          run.block.inputs.get(0), "the prompt's ids");
      assertEquals(StopReason.END_OF_SEQUENCE, result.stopReason());
      assertArrayEquals(script, result.tokens());
      for (String piece : run.pieces) {
        assertFalse(piece.contains("\uFFFD"), name + ": a replacement character in " + piece);
      }
      assertEquals(String.join("", run.pieces), result.text());
      assertEquals(t.decode(script, 0, script.length), result.text());
      assertTrue(result.text().endsWith(answer.substring(1)), result.text());
      assertTrue(run.pieces.size() < script.length - 1,
          name + ": some tokens released no text (parts of characters)");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "qwen3", "llama3", "llama2"})
  void aStopStringAcrossTokensEndsTheTextWhereItBegins(String name) throws IOException {
    HuggingFaceTextTokenizer t = tokenizer(name);
    String stop = "\n\nUser:";
    int[] script = script(t, " The capital is Paris.\n\nUser: and Italy?\n\nAssistant: Rome.");
    try (Run run = new Run(t, script)) {
      GenerationResult result = run.generate(run.builder(t).stopStrings(stop, "Berlin"));
      assertEquals(StopReason.STOP_STRING, result.stopReason());
      assertTrue(result.text().endsWith("The capital is Paris."), result.text());
      assertFalse(result.text().contains("\n"), "nothing of the stop string is released");
      assertEquals(String.join("", run.pieces), result.text());
      int[] tokens = result.tokens();
      String all = t.decode(tokens, 0, tokens.length);
      assertTrue(all.endsWith(stop) || all.substring(0, all.length() - 1).contains(stop),
          "the last token completes the stop string: " + all);
      assertFalse(t.decode(tokens, 0, tokens.length - 1).contains(stop),
          "generation stops at the first token that completes it");
      assertTrue(t.decode(tokens, tokens.length - 1, 1).length() < stop.length(),
          "the stop string spans tokens");
    }
  }

  @Test
  void aStopStringsStartThatIsNotOneIsReleased() throws IOException {
    HuggingFaceTextTokenizer t = tokenizer("llama3");
    int[] script = script(t, " Done.\n\nUsed twice.\n\nUs");
    try (Run run = new Run(t, script)) {
      GenerationResult result = run.generate(run.builder(t).stopStrings("\n\nUser:"));
      assertEquals(StopReason.END_OF_SEQUENCE, result.stopReason());
      assertEquals(" Done.\n\nUsed twice.\n\nUs", result.text(), "held back, then released");
    }
  }

  @Test
  void theSpecsStopStringsDriveTheLoop() throws IOException {
    HuggingFaceTextTokenizer t = tokenizer("llama3");
    SamplerSpec spec = SamplerSpec.parse("temperature=0,stop=[\"Paris\"]", t);
    int[] script = script(t, " It is Paris, of course.");
    try (Run run = new Run(t, script)) {
      GenerationResult result = CausalLMGenerator.builder(run.predictor).tokenizer(t)
          .stopStrings(spec.stopStrings().toArray(new String[0])).build()
          .generate(PROMPT, spec.config().newSampler(0), run.pieces::add);
      assertEquals(" It is ", result.text());
      assertEquals(StopReason.STOP_STRING, result.stopReason());
    }
  }

  @Test
  void textNeedsATokenizer() throws IOException {
    HuggingFaceTextTokenizer t = tokenizer("llama3");
    try (Run run = new Run(t, script(t, " x"))) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> CausalLMGenerator.builder(run.predictor).stopStrings("x").build());
      assertTrue(e.getMessage().contains("need a tokenizer"), e.getMessage());
      CausalLMGenerator plain = CausalLMGenerator.builder(run.predictor).build();
      assertThrows(IllegalStateException.class,
          () -> plain.stream(PROMPT, SamplerConfig.greedy().newSampler(0)));
      try (TokenStream stream = plain.stream(t.encode(PROMPT),
          SamplerConfig.greedy().newSampler(0))) {
        stream.nextInt();
        assertThrows(IllegalStateException.class, stream::text);
      }
    }
  }
}
