package dev.tokensampler.samples;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ModelNotFoundException;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.djl.CausalLMGenerator;
import dev.tokensampler.djl.GenerationResult;
import dev.tokensampler.samples.model.BrownBpeGpt;
import dev.tokensampler.structured.ConstraintStage;
import dev.tokensampler.structured.JsonSchemaGrammar;
import dev.tokensampler.structured.TokenConstraint;
import dev.tokensampler.vocab.TokenVocabulary;
import dev.tokensampler.vocab.TokenizerJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Generates text from the shipped language model ({@code samples/models/brown-bpe}, a small GPT on
 * GPT-2's vocabulary trained on the Brown corpus) with DJL on the PyTorch engine: a few prompts
 * under three strategies, a JSON object constrained by a JSON Schema, everything again with the
 * same seed to check that the text is identical, and a sentence streamed up to a stop string.
 * Prompts are encoded and output decoded by the model's Hugging Face tokenizer.
 *
 * <p>Run it with {@code mvn -q -B test-compile exec:exec@sample}; pass
 * {@code -Dsample.args="--seed 7"} to change the seed (default 42). It needs no network: the
 * PyTorch native library comes from the {@code pytorch-native-cpu} jar and the tokenizer's from
 * the {@code tokenizers} jar.
 */
public final class GenerateText {
  /** The seed when none is given. */
  static final long DEFAULT_SEED = 42L;

  /** The most tokens generated per prompt. */
  static final int MAX_NEW_TOKENS = 40;

  /** The most tokens of the constrained JSON object. */
  static final int MAX_JSON_TOKENS = 80;

  static final String[] PROMPTS = {
    "The jury said that", "She looked at the", "In the morning, we"
  };

  /** The schema of the constrained generation. */
  static final String SCHEMA =
      "{\"type\":\"object\","
          + "\"properties\":{"
          + "\"title\":{\"type\":\"string\",\"minLength\":3,\"maxLength\":40},"
          + "\"year\":{\"type\":\"integer\",\"minimum\":1900,\"maximum\":1979},"
          + "\"section\":{\"enum\":[\"news\",\"fiction\",\"religion\",\"science\",\"humor\"]}},"
          + "\"required\":[\"title\",\"year\",\"section\"],"
          + "\"additionalProperties\":false}";

  /** The start of the constrained text, given as the prompt (the constraint accepts it too). */
  static final String JSON_PROMPT = "{\"title\":\"";

  private static final Set<String> SECTIONS =
      Set.of("news", "fiction", "religion", "science", "humor");

  private GenerateText() {}

  /** The sampling strategies shown, by name. */
  static Map<String, SamplerConfig> strategies() {
    Map<String, SamplerConfig> strategies = new LinkedHashMap<>();
    strategies.put("greedy", SamplerConfig.builder().greedy().build());
    strategies.put(
        "temperature 0.7, top-k 40", SamplerConfig.builder().temperature(0.7f).topK(40).build());
    strategies.put(
        "temperature 1.0, min-p 0.05", SamplerConfig.builder().minP(0.05f).build());
    return strategies;
  }

  /** The constrained strategy: the schema's mask first, then temperature 0.7 and top-k 40. */
  static SamplerConfig jsonStrategy(TokenConstraint constraint) {
    return SamplerConfig.builder()
        .stage(new ConstraintStage(constraint))
        .temperature(0.7f)
        .topK(40)
        .build();
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
    try (BrownBpeGpt gpt = BrownBpeGpt.load(BrownBpeGpt.DIRECTORY);
        Predictor<NDList, CausalLMOutput> predictor = gpt.model().newPredictor()) {
      System.out.println("model: " + gpt.directory() + " " + gpt.config());
      System.out.println("seed: " + seed);
      CausalLMGenerator generator =
          CausalLMGenerator.builder(predictor)
              .maxNewTokens(MAX_NEW_TOKENS)
              .maxLength(gpt.config().contextLength())
              .eosTokenIds(BrownBpeGpt.END_OF_TEXT_ID)
              .build();
      // The constraint reads token bytes from the same tokenizer.json, one entry per logit.
      TokenVocabulary vocabulary =
          TokenizerJson.read(
              gpt.directory().resolve("tokenizer.json"), gpt.config().vocabularySize());
      TokenConstraint constraint =
          TokenConstraint.compile(JsonSchemaGrammar.compile(SCHEMA), vocabulary);
      CausalLMGenerator jsonGenerator =
          CausalLMGenerator.builder(predictor)
              .maxNewTokens(MAX_JSON_TOKENS)
              .maxLength(gpt.config().contextLength())
              .eosTokenIds(vocabulary.eosTokenIds())
              .build();

      List<String> first = run(gpt, generator, seed, true);
      first.add(json(gpt, jsonGenerator, constraint, seed, true));
      List<String> second = run(gpt, generator, seed, false);
      second.add(json(gpt, jsonGenerator, constraint, seed, false));
      System.out.println();
      System.out.println(
          "same seed again, same text: " + first.equals(second) + " (" + first.size() + " texts)");
      stream(gpt, predictor, seed);
    }
  }

  private static List<String> run(
      BrownBpeGpt gpt, CausalLMGenerator generator, long seed, boolean print) {
    List<String> texts = new ArrayList<>();
    for (Map.Entry<String, SamplerConfig> strategy : strategies().entrySet()) {
      if (print) {
        System.out.println();
        System.out.println("== " + strategy.getKey());
      }
      for (String prompt : PROMPTS) {
        int[] promptIds = gpt.encode(prompt);
        GenerationResult result =
            generator.generate(promptIds, strategy.getValue().newSampler(seed));
        String text = gpt.decode(concat(promptIds, result.tokens()));
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

  /** Generates one JSON object under the schema, prints it and whether it validates. */
  private static String json(
      BrownBpeGpt gpt,
      CausalLMGenerator generator,
      TokenConstraint constraint,
      long seed,
      boolean print) {
    int[] promptIds = gpt.encode(JSON_PROMPT);
    GenerationResult result =
        generator.generate(promptIds, jsonStrategy(constraint).newSampler(seed));
    String text = gpt.decode(concat(promptIds, result.tokens()));
    if (print) {
      List<String> violations = schemaViolations(text);
      System.out.println();
      System.out.println("== JSON Schema (constraint first, then temperature 0.7, top-k 40)");
      System.out.println(SCHEMA);
      System.out.printf(
          Locale.ROOT, "%s%n   [%d tokens, %s]%n", text, result.tokens().length,
          result.stopReason());
      System.out.println(
          "   valid against the schema: " + violations.isEmpty()
              + (violations.isEmpty() ? "" : " " + violations));
    }
    return text;
  }

  /**
   * Checks a text against {@link #SCHEMA}, independently of the grammar that produced it.
   *
   * @param text the text
   * @return what is wrong with it, empty if it is a valid instance
   */
  static List<String> schemaViolations(String text) {
    List<String> violations = new ArrayList<>();
    JsonElement element;
    try {
      element = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      violations.add("not JSON: " + e.getMessage());
      return violations;
    }
    if (!element.isJsonObject()) {
      violations.add("not an object");
      return violations;
    }
    JsonObject object = element.getAsJsonObject();
    for (String name : object.keySet()) {
      if (!Set.of("title", "year", "section").contains(name)) {
        violations.add("undeclared property " + name);
      }
    }
    JsonPrimitive title = primitive(object, "title", violations);
    if (title != null) {
      if (!title.isString()) {
        violations.add("title is not a string");
      } else {
        int length = title.getAsString().codePointCount(0, title.getAsString().length());
        if (length < 3 || length > 40) {
          violations.add("title length " + length + " outside [3, 40]");
        }
      }
    }
    JsonPrimitive year = primitive(object, "year", violations);
    if (year != null) {
      BigDecimal value = year.isNumber() ? new BigDecimal(year.getAsString()) : null;
      if (value == null || value.stripTrailingZeros().scale() > 0) {
        violations.add("year is not an integer: " + year);
      } else if (value.compareTo(BigDecimal.valueOf(1900)) < 0
          || value.compareTo(BigDecimal.valueOf(1979)) > 0) {
        violations.add("year " + value + " outside [1900, 1979]");
      }
    }
    JsonPrimitive section = primitive(object, "section", violations);
    if (section != null && !(section.isString() && SECTIONS.contains(section.getAsString()))) {
      violations.add("section not in the enum: " + section);
    }
    return violations;
  }

  private static JsonPrimitive primitive(JsonObject object, String name, List<String> violations) {
    JsonElement value = object.get(name);
    if (value == null) {
      violations.add("missing required " + name);
      return null;
    }
    if (!value.isJsonPrimitive()) {
      violations.add(name + " is not a string or number");
      return null;
    }
    return value.getAsJsonPrimitive();
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Prints text as it is generated, up to the first full stop, question or exclamation mark. */
  private static void stream(
      BrownBpeGpt gpt, Predictor<NDList, CausalLMOutput> predictor, long seed) {
    CausalLMGenerator untilSentenceEnd =
        CausalLMGenerator.builder(predictor)
            .maxNewTokens(MAX_NEW_TOKENS)
            .maxLength(gpt.config().contextLength())
            .eosTokenIds(BrownBpeGpt.END_OF_TEXT_ID)
            .stopStrings(gpt::decode, ".", "?", "!")
            .build();
    String start = "It was";
    int[] prompt = gpt.encode(start);
    // The text so far is decoded after each token and its new end printed, once it no longer ends
    // inside a UTF-8 character (decoded as U+FFFD).
    int[] sequence = Arrays.copyOf(prompt, prompt.length + MAX_NEW_TOKENS);
    int[] length = {prompt.length};
    int[] printed = {gpt.decode(prompt).length()};
    System.out.println();
    System.out.println(
        "== streaming up to the first . ? or ! (stop strings; temperature 0.7, top-k 40)");
    System.out.print(start);
    IntConsumer printNewText =
        token -> {
          sequence[length[0]++] = token;
          String text = gpt.decode(sequence, 0, length[0]);
          if (!text.endsWith("\uFFFD")) {
            System.out.print(text.substring(printed[0]));
            System.out.flush();
            printed[0] = text.length();
          }
        };
    GenerationResult result =
        untilSentenceEnd.generate(
            prompt, strategies().get("temperature 0.7, top-k 40").newSampler(seed), printNewText);
    System.out.printf(
        Locale.ROOT, "%n   [%d tokens, %s]%n", result.tokens().length, result.stopReason());
  }
}
