package dev.tokensampler.samples.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code merge}: writes the outputs of a grid from the journals of all its shards. */
@Command(name = "merge", mixinStandardHelpOptions = true,
    description = "Reads plan.json and every journal-*.jsonl in the output directory and writes "
        + "strategies.csv, cells.csv, results.json, timing.csv and the charts. Fails, naming the "
        + "missing cells, until every cell is in some journal.")
final class MergeCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "target/lab", paramLabel = "DIR",
      description = "The grid's output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--intra-op-threads", defaultValue = "1",
      description = "PyTorch threads for the charts' forward pass (default: ${DEFAULT-VALUE}).")
  int intraOpThreads;

  @Option(names = "--no-charts", description = "No PNG charts (and no model loaded).")
  boolean noCharts;

  @Override
  public Integer call() throws IOException {
    LabPlan plan = LabPlan.read(out);
    if (noCharts) {
      return writeOutputs(out, plan, null);
    }
    LabThreads.pin(intraOpThreads);
    try (LabModel model = LabModels.open(plan.model())) {
      return writeOutputs(out, plan, model);
    }
  }

  /**
   * Writes the outputs of a complete grid.
   *
   * @param directory the output directory
   * @param plan its plan
   * @param model the model for the charts, or null for none
   * @return 0, or 2 if cells are missing
   * @throws IOException if a file cannot be read or written
   */
  static int writeOutputs(Path directory, LabPlan plan, LabModel model) throws IOException {
    JournalSet journals = JournalSet.read(directory, plan);
    List<Integer> missing = journals.missing(plan);
    if (!missing.isEmpty()) {
      System.err.printf("decoding-lab: %d of %d cells are in no journal of %s (first: %s);"
          + " run the shards that hold them%n", missing.size(), plan.cells().size(), directory,
          missing.subList(0, Math.min(10, missing.size())));
      return 2;
    }
    List<StrategySummary> summaries = LabReport.write(directory, plan, journals);
    if (model != null) {
      LabCharts.write(directory, plan, summaries, model);
    }
    System.out.println(LabTable.markdown(summaries));
    System.out.println("written to " + directory.toAbsolutePath());
    return 0;
  }
}
