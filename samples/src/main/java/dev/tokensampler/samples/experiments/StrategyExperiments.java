package dev.tokensampler.samples.experiments;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.djl.NDArrayLogits;
import dev.tokensampler.djl.NDArraySampler;
import dev.tokensampler.samples.model.BrownGpt;
import dev.tokensampler.samples.model.TinyGptConfig;
import dev.tokensampler.samples.model.WordVocabulary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * Compares decoding strategies ({@link Strategy#standard()}) on a language model over fixed
 * prompts: prints a table of their measures ({@link StrategyMetrics}) and an example continuation
 * of each, and writes PNG charts of the model's next-token distribution after the first prompt:
 * at temperatures 0.5, 1, 1.5 and 2 ({@code temperature.png}), and before and after top-k 10 and
 * top-p 0.5 ({@code top-k.png}, {@code top-p.png}; cuts small enough to fall within the 30 bars
 * shown).
 *
 * <p>The sampling time in the table is {@link System#nanoTime()} around each sampling call: a
 * property of this run on this machine, reported with the experiment; the library's performance
 * figures come from the JMH benchmarks in {@code bench/}. Before the runs, each strategy samples
 * {@value #WARM_UP_CALLS} times from the first prompt's logits (with a sampler of its own, so the
 * results do not change), so that the timed calls run compiled code rather than the interpreter.
 *
 * <p>{@link #main} runs it on the shipped model ({@code samples/models/brown-gpt}, a small GPT
 * trained on the Brown corpus, word-level, V = 8,192) over {@link #PROMPTS}, on the raw model:
 * {@code <unk>} (rare words) is a token like any other. Run it with
 *
 * <pre>
 * mvn -q -B test-compile exec:exec@sample \
 *   -Dsample.main=dev.tokensampler.samples.experiments.StrategyExperiments \
 *   -Dsample.args=target/experiments
 * </pre>
 */
public final class StrategyExperiments {
  /** The fixed prompts of {@link #main}. */
  static final String[] PROMPTS = {
    "the president said that",
    "she looked at the",
    "in the morning , we",
    "the city council voted to",
    "he was not sure whether",
    "it is important to"
  };
  /** The output directory when none is given. */
  static final Path DEFAULT_OUTPUT = Path.of("target", "experiments");

  /** Continuations per prompt and strategy. */
  static final int SAMPLES_PER_PROMPT = 4;
  /** The longest continuation. */
  static final int MAX_NEW_TOKENS = 40;
  /** The seed of every strategy's streams. */
  static final long SEED = 2026L;
  /** Bars per chart: the most likely tokens. */
  static final int CHART_TOKENS = 30;
  /** Untimed sampling calls per strategy before the runs. */
  static final int WARM_UP_CALLS = 2_000;
  /** The temperatures of {@code temperature.png}. */
  static final float[] CHART_TEMPERATURES = {0.5f, 1f, 1.5f, 2f};

  private StrategyExperiments() {}

  /**
   * Runs the experiments on the shipped model and writes the charts.
   *
   * @param args nothing, or the output directory (default {@code target/experiments})
   * @throws IOException if the model or a chart file cannot be read or written
   * @throws ModelNotFoundException if the model directory is missing
   * @throws MalformedModelException if the weights do not fit the model
   */
  public static void main(String[] args)
      throws IOException, ModelNotFoundException, MalformedModelException {
    Path output = args.length > 0 ? Path.of(args[0]) : DEFAULT_OUTPUT;
    WordVocabulary vocabulary = WordVocabulary.load(BrownGpt.DIRECTORY);
    TinyGptConfig config = TinyGptConfig.load(BrownGpt.DIRECTORY);
    System.out.println("model: " + BrownGpt.DIRECTORY + " " + config);
    List<int[]> prompts = new ArrayList<>();
    for (String prompt : PROMPTS) {
      prompts.add(vocabulary.encode(prompt));
    }
    try (ZooModel<NDList, CausalLMOutput> model = BrownGpt.load(BrownGpt.DIRECTORY);
        Predictor<NDList, CausalLMOutput> predictor = model.newPredictor();
        NDManager manager = model.getNDManager().newSubManager()) {
      NextTokenModel next = new PredictorModel(predictor, config.vocabularySize(),
          config.contextLength(), vocabulary::token, WordVocabulary.END_OF_SENTENCE_ID);
      run(next, manager, prompts, SAMPLES_PER_PROMPT, MAX_NEW_TOKENS, output, System.out);
    }
  }

  /**
   * Runs every standard strategy on the prompts, prints the table and examples, and writes the
   * charts.
   *
   * @param model the model
   * @param manager the parent of the arrays of every step
   * @param prompts token ids, each at least one token
   * @param samplesPerPrompt continuations per prompt and strategy, at least 1
   * @param maxNewTokens the longest continuation, at least 2
   * @param outputDirectory where the charts go (created if missing)
   * @param out where the table goes
   * @return the results, one per strategy
   * @throws IOException if a chart cannot be written
   */
  public static List<ExperimentRunner.Result> run(NextTokenModel model, NDManager manager,
      List<int[]> prompts, int samplesPerPrompt, int maxNewTokens, Path outputDirectory,
      PrintStream out) throws IOException {
    ExperimentRunner runner =
        new ExperimentRunner(model, manager, maxNewTokens, samplesPerPrompt, SEED);
    warmUp(model, manager, prompts.get(0));
    List<ExperimentRunner.Result> results = new ArrayList<>();
    for (Strategy strategy : Strategy.standard()) {
      results.add(runner.run(strategy, prompts));
    }
    out.println(String.format(Locale.ROOT,
        "%d prompts x %d continuations of at most %d tokens per strategy, seed %d%n",
        prompts.size(), samplesPerPrompt, maxNewTokens, SEED));
    out.println(table(results));
    out.println("First continuation of the first prompt (\"" + text(model, prompts.get(0)) + "\"):");
    for (ExperimentRunner.Result result : results) {
      out.println(String.format(Locale.ROOT, "  %-16s %s", result.strategy().name(),
          text(model, result.continuations().get(0))));
    }
    writeCharts(model, manager, prompts.get(0), outputDirectory);
    out.println("Charts written to " + outputDirectory.toAbsolutePath());
    return results;
  }

  private static void warmUp(NextTokenModel model, NDManager manager, int[] prompt) {
    try (NDManager step = manager.newSubManager(); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray logits = model.nextTokenLogits(step, prompt, prompt.length);
      for (Strategy strategy : Strategy.standard()) {
        NDArraySampler sampler = NDArraySampler.of(strategy.config().newSampler(SEED, -1L));
        for (int call = 0; call < WARM_UP_CALLS; call++) {
          sampler.sample(logits);
        }
      }
    }
  }

  /**
   * The results as a Markdown table.
   *
   * @param results one per strategy
   * @return the table
   */
  static String table(List<ExperimentRunner.Result> results) {
    StringBuilder table = new StringBuilder();
    table.append("| strategy | tokens | mean entropy (nats) | distinct-1 | distinct-2 | repetition"
        + " rate | mean log p | sampling us/token |\n");
    table.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (ExperimentRunner.Result result : results) {
      StrategyMetrics m = result.metrics();
      table.append(String.format(Locale.ROOT,
          "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f |%n", result.strategy().name(),
          m.tokens(), m.meanEntropy(), m.distinct1(), m.distinct2(), m.repetitionRate(),
          m.meanLogProbability(), m.microsPerToken()));
    }
    return table.toString();
  }

  /**
   * Writes the three charts of the model's next-token distribution after {@code prompt}.
   *
   * @param model the model
   * @param manager the parent of the call's arrays
   * @param prompt the context
   * @param outputDirectory the directory
   * @throws IOException if a chart cannot be written
   */
  static void writeCharts(NextTokenModel model, NDManager manager, int[] prompt,
      Path outputDirectory) throws IOException {
    float[] logits;
    try (NDManager step = manager.newSubManager(); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      logits = NDArrayLogits.lastPosition(model.nextTokenLogits(step, prompt, prompt.length), 0);
    }
    DistributionCharts.savePng(
        DistributionCharts.temperatures(logits, model::text, CHART_TEMPERATURES, CHART_TOKENS),
        outputDirectory.resolve("temperature.png"));
    DistributionCharts.savePng(
        DistributionCharts.truncation(logits, model::text, 1f,
            SamplerConfig.builder().topK(10).build(), "top-k 10", CHART_TOKENS),
        outputDirectory.resolve("top-k.png"));
    DistributionCharts.savePng(
        DistributionCharts.truncation(logits, model::text, 1f,
            SamplerConfig.builder().topP(0.5f).build(), "top-p 0.5", CHART_TOKENS),
        outputDirectory.resolve("top-p.png"));
  }

  private static String text(NextTokenModel model, int[] tokens) {
    StringJoiner joined = new StringJoiner(" ");
    for (int token : tokens) {
      joined.add(model.text(token));
    }
    return joined.toString();
  }
}
