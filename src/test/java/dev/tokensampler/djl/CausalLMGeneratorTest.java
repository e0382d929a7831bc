package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.samples.model.TinyGpt;
import dev.tokensampler.samples.model.WordVocabulary;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The generation loop on the shipped Brown-corpus model ({@code samples/models/brown-gpt}),
 * offline on the PyTorch engine: loading, logits and cache shapes, every stop condition, seeded
 * reproducibility, cache against recomputation, and that the text is made of vocabulary words.
 */
class CausalLMGeneratorTest {
  @RegisterExtension
  static final BrownGptFixture BROWN = new BrownGptFixture();
  private static final String PROMPT = "the president said that";


  private static CausalLMGenerator.Builder generator() {
    return CausalLMGenerator.builder(BROWN.predictor()).maxLength(BROWN.config().contextLength());
  }

  private static int[] prompt() {
    return BROWN.vocabulary().encode(PROMPT);
  }

  private static int[] greedy(int maxNewTokens, boolean useCache) {
    return generator()
        .maxNewTokens(maxNewTokens)
        .useCache(useCache)
        .build()
        .generate(prompt(), SamplerConfig.greedy().newSampler(0))
        .tokens();
  }

  @Test
  void modelLoadsFromItsDirectoryWithAVocabularyOfAtLeast8000() {
    assertTrue(BROWN.model().getBlock() instanceof TinyGpt);
    assertTrue(BROWN.vocabulary().size() >= 8000, "vocabulary size " + BROWN.vocabulary().size());
    assertEquals(BROWN.vocabulary().size(), BROWN.config().vocabularySize());
    assertEquals(WordVocabulary.UNKNOWN, BROWN.vocabulary().token(WordVocabulary.UNKNOWN_ID));
    assertEquals(
        WordVocabulary.END_OF_SENTENCE,
        BROWN.vocabulary().token(WordVocabulary.END_OF_SENTENCE_ID));
  }

  @Test
  void logitsHaveVocabularySizeAndTheCacheCoversThePrompt() throws Exception {
    int[] ids = prompt();
    long[] longIds = Arrays.stream(ids).asLongStream().toArray();
    try (NDManager manager = NDManager.newBaseManager()) {
      Shape shape = new Shape(1, ids.length);
      NDList input =
          new NDList(
              manager.create(longIds, shape),
              manager.arange(0, ids.length, 1, DataType.INT64).reshape(shape),
              manager.ones(shape, DataType.INT64));
      CausalLMOutput output = BROWN.predictor().predict(input);
      assertEquals(
          new Shape(1, ids.length, BROWN.vocabulary().size()), output.getLogits().getShape());
      assertEquals(DataType.FLOAT32, output.getLogits().getDataType());
      NDList past = output.getPastKeyValuesList();
      assertEquals(2 * BROWN.config().layers(), past.size());
      long headDim = BROWN.config().dimension() / BROWN.config().heads();
      for (int i = 0; i < past.size(); i++) {
        assertEquals(
            new Shape(1, BROWN.config().heads(), ids.length, headDim), past.get(i).getShape());
      }
      output.getLogits().close();
      past.close();
    }
  }

  @Test
  void stopsAfterMaxNewTokens() {
    GenerationResult result =
        generator()
            .maxNewTokens(7)
            .build()
            .generate(prompt(), SamplerConfig.greedy().newSampler(0));
    assertEquals(7, result.tokens().length);
    assertEquals(StopReason.MAX_NEW_TOKENS, result.stopReason());
  }

  @Test
  void stopsAtMaxLength() {
    int[] prompt = prompt();
    GenerationResult result =
        generator()
            .maxNewTokens(50)
            .maxLength(prompt.length + 3)
            .build()
            .generate(prompt, SamplerConfig.greedy().newSampler(0));
    assertEquals(3, result.tokens().length);
    assertEquals(StopReason.MAX_LENGTH, result.stopReason());
  }

  @Test
  void stopsAtTheFirstEndOfSequenceTokenAndEmitsIt() {
    int[] free = greedy(12, true);
    int k = 5;
    int eos = free[k];
    int first = 0;
    while (free[first] != eos) {
      first++;
    }
    GenerationResult result =
        generator()
            .maxNewTokens(12)
            .eosTokenIds(WordVocabulary.END_OF_SENTENCE_ID, eos)
            .build()
            .generate(prompt(), SamplerConfig.greedy().newSampler(0));
    int expected = first;
    for (int i = 0; i < first; i++) {
      if (free[i] == WordVocabulary.END_OF_SENTENCE_ID) {
        expected = i;
        break;
      }
    }
    assertArrayEquals(Arrays.copyOf(free, expected + 1), result.tokens());
    assertEquals(StopReason.END_OF_SEQUENCE, result.stopReason());
  }

  @Test
  void stopsWhenTheGeneratedTextContainsAStopString() {
    int[] free = greedy(12, true);
    // The decoded text grows with every token except <eos>, which decodes to nothing.
    int stopAfter = 4;
    while (free[stopAfter - 1] == WordVocabulary.END_OF_SENTENCE_ID) {
      stopAfter++;
    }
    String stop = BROWN.vocabulary().decode(free, 0, stopAfter);
    GenerationResult result =
        generator()
            .maxNewTokens(12)
            .stopStrings(BROWN.vocabulary()::decode, "no such text anywhere", stop)
            .build()
            .generate(prompt(), SamplerConfig.greedy().newSampler(0));
    assertArrayEquals(Arrays.copyOf(free, stopAfter), result.tokens());
    assertEquals(StopReason.STOP_STRING, result.stopReason());
  }

  @Test
  void cachedGenerationGivesTheSameTokensAsRecomputingTheWholeSequence() {
    int[] cached = greedy(20, true);
    int[] recomputed = greedy(20, false);
    assertArrayEquals(recomputed, cached);
    assertEquals(20, cached.length);
  }

  private static int[] sampled(long seed) {
    SamplerConfig sampling = SamplerConfig.builder().temperature(1.0f).topK(50).build();
    return generator()
        .maxNewTokens(20)
        .build()
        .generate(prompt(), sampling.newSampler(seed))
        .tokens();
  }

  @Test
  void sameSeedGivesTheSameTextAndDifferentSeedsDiffer() {
    int[] first = sampled(7);
    assertArrayEquals(first, sampled(7));
    assertEquals(BROWN.vocabulary().decode(first), BROWN.vocabulary().decode(sampled(7)));
    assertFalse(Arrays.equals(first, sampled(8)), "seeds 7 and 8 gave the same 20 tokens");
  }

  @Test
  void generatedTextIsMadeOfVocabularyWords() {
    int[] tokens = sampled(11);
    for (int token : tokens) {
      assertTrue(token >= 0 && token < BROWN.vocabulary().size(), "token " + token);
    }
    // Every piece of the text splits into vocabulary tokens: no word outside the vocabulary
    // appears, except <unk> itself where the model produced it.
    String text = BROWN.vocabulary().decode(tokens).toLowerCase(Locale.ROOT);
    assertFalse(text.isBlank());
    for (String word : text.split("\\s+")) {
      for (int id : BROWN.vocabulary().encode(word)) {
        if (id == WordVocabulary.UNKNOWN_ID) {
          assertTrue(word.contains(WordVocabulary.UNKNOWN), word + " in: " + text);
        }
      }
    }
  }

  /** Records what the sampler's stages are told, to see the prompt reach them first. */
  private static final class Recorder implements Stage {
    final List<Integer> accepted = new ArrayList<>();

    @Override
    public void apply(Candidates candidates) {}

    @Override
    public void accept(int token) {
      accepted.add(token);
    }
  }

  @Test
  void streamFeedsThePromptToTheSamplerAndYieldsTokensOneByOne() {
    Recorder recorder = new Recorder();
    Sampler sampler = SamplerConfig.builder().stage(recorder).greedy().build().newSampler(0);
    int[] prompt = prompt();
    CausalLMGenerator generator = generator().maxNewTokens(3).build();
    try (TokenStream stream = generator.stream(prompt, sampler)) {
      assertEquals(prompt.length, recorder.accepted.size());
      int first = stream.nextInt();
      assertEquals(prompt.length + 1, recorder.accepted.size());
      assertEquals(first, recorder.accepted.get(prompt.length));
      assertNull(stream.stopReason());
      stream.nextInt();
      stream.nextInt();
      assertFalse(stream.hasNext());
      assertEquals(StopReason.MAX_NEW_TOKENS, stream.stopReason());
      assertThrows(NoSuchElementException.class, stream::nextInt);
    }
    for (int i = 0; i < prompt.length; i++) {
      assertEquals(prompt[i], recorder.accepted.get(i));
    }
  }

  @Test
  void closingAStreamEarlyEndsIt() {
    TokenStream stream =
        generator().maxNewTokens(10).build().stream(prompt(), SamplerConfig.greedy().newSampler(0));
    stream.nextInt();
    stream.close();
    assertFalse(stream.hasNext());
    assertEquals(1, stream.generatedTokens().length);
    stream.close();
  }

  @Test
  void badInputNamesTheParameter() {
    Sampler sampler = SamplerConfig.greedy().newSampler(0);
    CausalLMGenerator generator = generator().build();
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class, () -> generator.generate(new int[0], sampler));
    assertTrue(empty.getMessage().contains("input_ids"), empty.getMessage());
    IllegalArgumentException tooLong =
        assertThrows(
            IllegalArgumentException.class,
            () -> generator.generate(new int[BROWN.config().contextLength()], sampler));
    assertTrue(tooLong.getMessage().contains("max_length"), tooLong.getMessage());
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> generator().maxNewTokens(0));
    assertTrue(zero.getMessage().contains("max_new_tokens"), zero.getMessage());
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> generator().eosTokenIds(-1));
    assertTrue(negative.getMessage().contains("eos_token_id"), negative.getMessage());
    IllegalArgumentException blank =
        assertThrows(
            IllegalArgumentException.class,
            () -> generator().stopStrings(BROWN.vocabulary()::decode, ""));
    assertTrue(blank.getMessage().contains("stop_strings"), blank.getMessage());
    assertThrows(NullPointerException.class, () -> generator.generate(null, sampler));
    assertThrows(NullPointerException.class, () -> generator.generate(prompt(), null));
  }
}
