package dev.tokensampler.samples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.ZooModel;
import dev.tokensampler.samples.model.BrownGpt;
import dev.tokensampler.samples.model.TinyGptConfig;
import dev.tokensampler.samples.model.WordVocabulary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strategy experiments on the shipped model (two prompts, two continuations of at most 12
 * words each, to stay short): a table row per strategy, the three charts, and the differences
 * any trained model shows: greedy chooses likelier tokens than temperature 1.2 with top-k 50, and
 * repeats itself more across samples (lower distinct-2).
 */
class ShippedModelExperimentsTest {
  @Test
  void runsOnTheShippedModel(@TempDir Path directory) throws Exception {
    WordVocabulary vocabulary = WordVocabulary.load(BrownGpt.DIRECTORY);
    TinyGptConfig config = TinyGptConfig.load(BrownGpt.DIRECTORY);
    List<int[]> prompts = List.of(vocabulary.encode(StrategyExperiments.PROMPTS[0]),
        vocabulary.encode(StrategyExperiments.PROMPTS[1]));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<ExperimentRunner.Result> results;
    try (ZooModel<NDList, CausalLMOutput> model = BrownGpt.load(BrownGpt.DIRECTORY);
        Predictor<NDList, CausalLMOutput> predictor = model.newPredictor();
        NDManager manager = model.getNDManager().newSubManager();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      NextTokenModel next = new PredictorModel(predictor, config.vocabularySize(),
          config.contextLength(), vocabulary::token, WordVocabulary.END_OF_SENTENCE_ID);
      results = StrategyExperiments.run(next, manager, prompts, 2, 12, directory, out);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    assertEquals(3, results.size());
    for (ExperimentRunner.Result result : results) {
      assertTrue(text.contains("| " + result.strategy().name() + " | "), text);
    }
    StrategyMetrics greedy = results.get(0).metrics();
    StrategyMetrics hot = results.get(2).metrics();
    assertTrue(greedy.meanLogProbability() > hot.meanLogProbability(), text);
    assertTrue(greedy.distinct2() < hot.distinct2(), text);
    for (String chart : new String[] {"temperature.png", "top-k.png", "top-p.png"}) {
      DistributionChartsTest.assertNonTrivialPng(directory.resolve(chart));
    }
  }
}
