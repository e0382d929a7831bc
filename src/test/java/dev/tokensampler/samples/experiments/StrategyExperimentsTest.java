package dev.tokensampler.samples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole experiment on the stand-in model: a table row per strategy and three real PNGs. */
class StrategyExperimentsTest {
  @Test
  void printsTheTableAndWritesTheCharts(@TempDir Path directory) throws IOException {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<ExperimentRunner.Result> results;
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
      results = StrategyExperiments.run(new BigramTestModel(400), manager,
          List.of(new int[] {3, 4}, new int[] {17}), 3, 20, directory.resolve("out"), out);
    }
    String text = printed.toString(StandardCharsets.UTF_8);
    assertEquals(Strategy.standard().size(), results.size());
    for (Strategy strategy : Strategy.standard()) {
      assertTrue(text.contains("| " + strategy.name() + " | "), text);
    }
    for (String chart : new String[] {"temperature.png", "top-k.png", "top-p.png"}) {
      DistributionChartsTest.assertNonTrivialPng(directory.resolve("out").resolve(chart));
    }
  }
}
