package dev.tokensampler.samples.lab;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Writes the results of a complete grid.
 *
 * <p>The reproducible outputs are functions of the plan alone, byte for byte whatever the number
 * of shards, their order and the machine's load: {@value #STRATEGIES_CSV} (one row per strategy:
 * {@link StrategySummary}), {@value #CELLS_CSV} (one row per cell, with its text) and
 * {@value #RESULTS_JSON} (the plan and the strategy rows). Numbers are written with six decimals
 * ({@link Locale#ROOT}); a value that does not apply (self-BLEU with one continuation per prompt,
 * validity without a constraint) is empty in CSV and null in JSON; line ends are {@code \n}.
 *
 * <p>Sampling time is kept apart, in {@value #TIMING_CSV}, outside that contract: it depends on
 * the machine, its load and the threads, and differs from run to run.
 */
public final class LabReport {
  /** One row per strategy. */
  public static final String STRATEGIES_CSV = "strategies.csv";
  /** One row per cell. */
  public static final String CELLS_CSV = "cells.csv";
  /** The plan and the strategy rows. */
  public static final String RESULTS_JSON = "results.json";
  /** Sampling time per strategy: not reproducible. */
  public static final String TIMING_CSV = "timing.csv";

  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .serializeSpecialFloatingPointValues().create();
  private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get();

  private LabReport() {}

  /**
   * The summaries of every strategy of a complete grid.
   *
   * @param plan the plan
   * @param results every cell's result, by index
   * @return one summary per strategy, in grid order
   */
  public static List<StrategySummary> summaries(LabPlan plan, Map<Integer, CellResult> results) {
    List<StrategyGrid.Strategy> strategies = plan.strategies();
    List<Cell> cells = plan.cells();
    List<StrategySummary> summaries = new ArrayList<>();
    for (int s = 0; s < strategies.size(); s++) {
      List<Cell> own = new ArrayList<>();
      List<CellResult> ownResults = new ArrayList<>();
      for (Cell cell : cells) {
        if (cell.strategy() == s) {
          own.add(cell);
          ownResults.add(results.get(cell.index()));
        }
      }
      summaries.add(
          StrategySummary.of(s, strategies.get(s), own, ownResults, plan.prompts().size()));
    }
    return summaries;
  }

  /**
   * Writes the four files into a directory.
   *
   * @param directory the output directory
   * @param plan the plan
   * @param journals every cell's result and the journals' headers
   * @return the strategy summaries
   * @throws IOException if a file cannot be written
   */
  public static List<StrategySummary> write(Path directory, LabPlan plan, JournalSet journals)
      throws IOException {
    Map<Integer, CellResult> results = journals.results();
    List<StrategySummary> summaries = summaries(plan, results);
    writeStrategies(directory.resolve(STRATEGIES_CSV), summaries);
    writeCells(directory.resolve(CELLS_CSV), plan, results);
    writeJson(directory.resolve(RESULTS_JSON), plan, summaries);
    writeTiming(directory.resolve(TIMING_CSV), plan, journals);
    return summaries;
  }

  static void writeStrategies(Path file, List<StrategySummary> summaries) throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(out, CSV)) {
      csv.printRecord("strategy", "label", "spec", "continuations", "tokens", "mean_length",
          "eos_rate", "mean_entropy_model", "mean_entropy_chain", "distinct_1", "distinct_2",
          "distinct_3", "repetition_rate", "self_bleu", "mean_logprob", "validity");
      for (StrategySummary s : summaries) {
        csv.printRecord(s.strategy(), s.label(), s.spec(), s.continuations(), s.tokens(),
            number(s.meanLength()), number(s.eosRate()), number(s.meanEntropy()),
            number(s.meanChainEntropy()), number(s.distinct1()), number(s.distinct2()),
            number(s.distinct3()), number(s.repetitionRate()), number(s.selfBleu()),
            number(s.meanLogProbability()), number(s.validity()));
      }
    }
  }

  static void writeCells(Path file, LabPlan plan, Map<Integer, CellResult> results)
      throws IOException {
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(out, CSV)) {
      csv.printRecord("cell", "strategy", "prompt", "continuation", "stream", "length", "steps",
          "stop", "mean_entropy_model", "mean_entropy_chain", "mean_logprob", "valid", "text");
      for (Cell cell : plan.cells()) {
        CellResult r = results.get(cell.index());
        csv.printRecord(cell.index(), cell.strategy(), cell.prompt(), cell.continuation(),
            Long.toUnsignedString(cell.stream(), 16), r.tokens().length, r.steps(), r.stop(),
            number(r.entropySum() / r.steps()), number(r.chainEntropySum() / r.steps()),
            number(r.logProbabilitySum() / r.steps()), r.valid() == null ? "" : r.valid(),
            r.text());
      }
    }
  }

  static void writeJson(Path file, LabPlan plan, List<StrategySummary> summaries)
      throws IOException {
    JsonObject root = new JsonObject();
    root.add("plan", GSON.toJsonTree(plan));
    root.addProperty("fingerprint", plan.fingerprint());
    JsonArray rows = new JsonArray();
    for (StrategySummary summary : summaries) {
      JsonObject row = GSON.toJsonTree(summary).getAsJsonObject();
      for (String key : new ArrayList<>(row.keySet())) {
        JsonElement value = row.get(key);
        if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()
            && Double.isNaN(value.getAsDouble())) {
          row.add(key, JsonNull.INSTANCE);
        }
      }
      rows.add(row);
    }
    root.add("strategies", rows);
    Files.writeString(file, GSON.toJson(root) + "\n", StandardCharsets.UTF_8);
  }

  static void writeTiming(Path file, LabPlan plan, JournalSet journals) throws IOException {
    Set<String> threads = new LinkedHashSet<>();
    Set<String> omp = new LinkedHashSet<>();
    Set<String> load = new LinkedHashSet<>();
    for (CellJournal.Header header : journals.headers()) {
      load.add(String.format(Locale.ROOT, "%.2f", header.loadAverage()));
      threads.add(Objects.toString(header.intraOpThreads(), "unset"));
      omp.add(Objects.toString(header.ompNumThreads(), "unset"));
    }
    List<StrategyGrid.Strategy> strategies = plan.strategies();
    long[] nanos = new long[strategies.size()];
    long[] steps = new long[strategies.size()];
    for (Cell cell : plan.cells()) {
      CellResult r = journals.results().get(cell.index());
      nanos[cell.strategy()] += r.samplingNanos();
      steps[cell.strategy()] += r.steps();
    }
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        CSVPrinter csv = new CSVPrinter(out, CSV)) {
      csv.printRecord("strategy", "label", "steps", "sampling_us_per_token", "journals",
          "intra_op_threads", "omp_num_threads", "load_average_at_start");
      for (int s = 0; s < strategies.size(); s++) {
        csv.printRecord(s, strategies.get(s).label(), steps[s],
            String.format(Locale.ROOT, "%.3f", nanos[s] / 1e3 / steps[s]),
            journals.headers().size(), String.join(" ", threads), String.join(" ", omp),
            String.join(" ", load));
      }
    }
  }

  /**
   * A number as the CSV files write it.
   *
   * @param value the value
   * @return six decimals, or empty for NaN
   */
  static String number(double value) {
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6f", value);
  }
}
