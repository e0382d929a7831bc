package dev.tokensampler.samples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A tiny grid on the fake model, and byte comparisons of its outputs. */
final class LabFiles {
  /** The outputs under the reproducibility contract. */
  static final List<String> REPRODUCIBLE =
      List.of(LabReport.STRATEGIES_CSV, LabReport.CELLS_CSV, LabReport.RESULTS_JSON);

  private LabFiles() {}

  /** Writes the prompts file and returns the arguments of {@code run} for a 3 x 2 x 3 grid. */
  static List<String> runArgs(Path work, Path out) throws IOException {
    Path prompts = work.resolve("prompts.txt");
    Files.writeString(prompts, "the cat\n\na dog sat\n", StandardCharsets.UTF_8);
    return new ArrayList<>(List.of("run", "--model", "fake", "--prompts", prompts.toString(),
        "--grid", "temperature={0.7,1.5},top_k=8", "--grid", "min_p=0.2", "-n", "3",
        "--max-tokens", "10", "--seed", "7", "--out", out.toString(), "--no-progress",
        "--no-charts"));
  }

  static void assertSameBytes(Path expected, Path actual) throws IOException {
    for (String name : REPRODUCIBLE) {
      assertEquals(Files.readString(expected.resolve(name), StandardCharsets.UTF_8),
          Files.readString(actual.resolve(name), StandardCharsets.UTF_8), name);
      assertEquals(Files.size(expected.resolve(name)), Files.size(actual.resolve(name)), name);
    }
  }
}
