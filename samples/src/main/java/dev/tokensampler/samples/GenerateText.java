package dev.tokensampler.samples;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.djl.CausalLMGenerator;
import dev.tokensampler.djl.GenerationResult;
import dev.tokensampler.samples.model.BrownGpt;
import dev.tokensampler.samples.model.TinyGptConfig;
import dev.tokensampler.samples.model.WordVocabulary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Generates text from the shipped language model ({@code samples/models/brown-gpt}, a small GPT
 * trained on the Brown corpus) with DJL on the PyTorch engine, for a few prompts under three
 * sampling strategies, then generates everything again with the same seed and checks that the
 * text is identical.
 *
 * <p>Run it with {@code mvn -q -B test-compile exec:exec@sample
 * -Dsample.main=dev.tokensampler.samples.GenerateText}; pass {@code -Dsample.args="--seed 7"} to
 * change the seed (default 42). It needs no network: the PyTorch native library comes from the
 * {@code pytorch-native-cpu} jar.
 */
public final class GenerateText {
  /** The seed when none is given. */
  static final long DEFAULT_SEED = 42L;

  /** The most words generated per prompt. */
  static final int MAX_NEW_TOKENS = 40;

  static final String[] PROMPTS = {
    "the president said that", "she looked at the", "in the morning , we"
  };

  private GenerateText() {}

  /** The sampling strategies shown, by name; each bans {@code <unk>} first. */
  static Map<String, SamplerConfig> strategies() {
    Map<String, SamplerConfig> strategies = new LinkedHashMap<>();
    strategies.put("greedy", base().greedy().build());
    strategies.put("temperature 0.7, top-p 0.9", base().temperature(0.7f).topP(0.9f).build());
    strategies.put("temperature 1.2, top-k 50", base().temperature(1.2f).topK(50).build());
    return strategies;
  }

  private static SamplerConfig.Builder base() {
    return SamplerConfig.builder().stage(new CustomStage.BanTokens(WordVocabulary.UNKNOWN_ID));
  }

  /**
   * Prints generated text and the reproducibility check.
   *
   * @param args nothing, or {@code --seed N}
   * @throws IOException if the model files cannot be read
   * @throws ModelNotFoundException if the model directory is missing
   * @throws MalformedModelException if the weights do not fit the model
   */
  public static void main(String[] args)
      throws IOException, ModelNotFoundException, MalformedModelException {
    long seed =
        args.length == 2 && args[0].equals("--seed") ? Long.parseLong(args[1]) : DEFAULT_SEED;
    WordVocabulary vocabulary = WordVocabulary.load(BrownGpt.DIRECTORY);
    TinyGptConfig config = TinyGptConfig.load(BrownGpt.DIRECTORY);
    System.out.println("model: " + BrownGpt.DIRECTORY + " " + config);
    System.out.println("seed: " + seed);
    try (ZooModel<NDList, CausalLMOutput> model = BrownGpt.load(BrownGpt.DIRECTORY);
        Predictor<NDList, CausalLMOutput> predictor = model.newPredictor()) {
      CausalLMGenerator generator =
          CausalLMGenerator.builder(predictor)
              .maxNewTokens(MAX_NEW_TOKENS)
              .maxLength(config.contextLength())
              .eosTokenIds(WordVocabulary.END_OF_SENTENCE_ID)
              .build();
      List<String> first = run(generator, vocabulary, seed, true);
      List<String> second = run(generator, vocabulary, seed, false);
      System.out.println();
      System.out.println(
          "same seed again, same text: " + first.equals(second) + " (" + first.size() + " texts)");
      stream(predictor, vocabulary, config, seed);
    }
  }

  /** Prints words as they are generated, up to the first full stop, comma or semicolon. */
  private static void stream(
      Predictor<NDList, CausalLMOutput> predictor,
      WordVocabulary vocabulary,
      TinyGptConfig config,
      long seed) {
    CausalLMGenerator untilFullStop =
        CausalLMGenerator.builder(predictor)
            .maxNewTokens(MAX_NEW_TOKENS)
            .maxLength(config.contextLength())
            .eosTokenIds(WordVocabulary.END_OF_SENTENCE_ID)
            .stopStrings(vocabulary::decode, ".", ",", ";")
            .build();
    int[] prompt = vocabulary.encode("it was");
    // The text so far is decoded after each token and only its new end is printed.
    int[] sequence = Arrays.copyOf(prompt, prompt.length + MAX_NEW_TOKENS);
    int[] length = {prompt.length};
    String start = vocabulary.decode(prompt);
    int[] printed = {start.length()};
    System.out.println();
    System.out.println(
        "== streaming up to the first . , or ; (stop strings; temperature 0.7, top-p 0.9)");
    System.out.print(start);
    IntConsumer printNewText =
        token -> {
          sequence[length[0]++] = token;
          String text = vocabulary.decode(sequence, 0, length[0]);
          System.out.print(text.substring(printed[0]));
          System.out.flush();
          printed[0] = text.length();
        };
    GenerationResult result =
        untilFullStop.generate(
            prompt, strategies().get("temperature 0.7, top-p 0.9").newSampler(seed), printNewText);
    System.out.printf(
        Locale.ROOT, "%n   [%d tokens, %s]%n", result.tokens().length, result.stopReason());
  }

  private static List<String> run(
      CausalLMGenerator generator, WordVocabulary vocabulary, long seed, boolean print) {
    List<String> texts = new ArrayList<>();
    for (Map.Entry<String, SamplerConfig> strategy : strategies().entrySet()) {
      if (print) {
        System.out.println();
        System.out.println("== " + strategy.getKey());
      }
      for (String prompt : PROMPTS) {
        int[] promptIds = vocabulary.encode(prompt);
        GenerationResult result =
            generator.generate(promptIds, strategy.getValue().newSampler(seed));
        int[] all = concat(promptIds, result.tokens());
        String text = vocabulary.decode(all);
        texts.add(text);
        if (print) {
          System.out.printf(
              Locale.ROOT, "%s%n   [%d tokens, %s]%n",
              text, result.tokens().length, result.stopReason());
        }
      }
    }
    return texts;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
