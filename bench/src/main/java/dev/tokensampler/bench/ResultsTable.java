package dev.tokensampler.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Prints JMH JSON results ({@code -rf json}) of {@link SamplerBenchmark},
 * {@link FloorBenchmark} and {@link TextbookBenchmark} as Markdown.
 *
 * <p>Usage: {@code ResultsTable results.json [more.json ...]}. Each file, and within a file each
 * JVM (JDK and arguments), is one run and gets one section: a header naming the JDK, the JVM
 * arguments and the JMH settings, then one table per vocabulary and distribution with, for each
 * config, the library's microseconds per call, its ratio to the read pass and to the exp pass of
 * the same run, the textbook time and the speed-up over it, and the allocation per call if the run
 * had {@code -prof gc}. Results of other benchmarks are listed after the tables.
 */
public final class ResultsTable {
  static final String SAMPLER = "SamplerBenchmark";
  static final String TEXTBOOK = "TextbookBenchmark";
  static final String FLOOR = "FloorBenchmark";
  static final String READ_PASS = "readPass";
  static final String EXP_PASS = "expPassKernel";
  static final String EXP_LOOP = "expPassLoop";

  private ResultsTable() {}

  /**
   * Prints the Markdown for the given files to standard output.
   *
   * @param args paths of JMH JSON result files
   * @throws IOException if a file cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: ResultsTable results.json [more.json ...]");
      System.exit(2);
    }
    StringBuilder out = new StringBuilder();
    for (String file : args) {
      for (Map.Entry<JmhResult.Jvm, List<JmhResult>> run : readRuns(Path.of(file)).entrySet()) {
        out.append(section(file, run.getKey(), run.getValue()));
      }
    }
    System.out.print(out);
  }

  /**
   * The results of one file, grouped by JVM in the order they appear.
   *
   * @param file a JMH JSON result file
   * @return the results of each JVM
   * @throws IOException if the file cannot be read
   */
  static Map<JmhResult.Jvm, List<JmhResult>> readRuns(Path file) throws IOException {
    Map<JmhResult.Jvm, List<JmhResult>> runs = new LinkedHashMap<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (JsonElement element : JsonParser.parseReader(reader).getAsJsonArray()) {
        JmhResult result = JmhResult.of(element.getAsJsonObject());
        runs.computeIfAbsent(result.jvm(), k -> new ArrayList<>()).add(result);
      }
    }
    return runs;
  }

  /**
   * The Markdown section of one run.
   *
   * @param file where the results were read
   * @param jvm the run's JVM
   * @param results the run's results
   * @return the section, ending with a blank line
   */
  static String section(String file, JmhResult.Jvm jvm, List<JmhResult> results) {
    StringBuilder out = new StringBuilder();
    out.append("## JDK ").append(jvm.jdkVersion()).append(" (").append(jvm.vmName()).append(' ')
        .append(jvm.vmVersion()).append(")\n\n");
    out.append("- Results: `").append(file).append("`\n");
    out.append("- JVM arguments: `").append(String.join(" ", jvm.jvmArgs())).append("`\n");
    new TreeSet<>(results.stream().map(JmhResult::settings).toList())
        .forEach(s -> out.append("- JMH settings: ").append(s).append('\n'));
    if (results.stream().allMatch(r -> Double.isNaN(r.allocBytes()))) {
      out.append("- Allocation: not measured (run with `-prof gc`)\n");
    }
    out.append("\nMicroseconds per call (score ± 99.9% confidence half-width). "
        + "\"x read\" and \"x exp\": the time over the read pass and over the exp pass (the "
        + "library's expSum kernel) of the same vocabulary and distribution in this run. "
        + "\"speed-up\": the textbook time over the library's. B/op: `gc.alloc.rate.norm`.\n\n");

    Map<String, JmhResult> byKey = new LinkedHashMap<>();
    List<JmhResult> others = new ArrayList<>();
    TreeSet<Shape> shapes = new TreeSet<>();
    for (JmhResult r : results) {
      if (List.of(SAMPLER, TEXTBOOK, FLOOR).contains(r.benchmarkClass())) {
        Shape shape = Shape.of(r);
        shapes.add(shape);
        byKey.put(key(r.benchmarkClass(), r.method(), shape, r.param("config")), r);
      } else {
        others.add(r);
      }
    }
    for (Shape shape : shapes) {
      out.append("### ").append(shape).append("\n\n");
      out.append(shapeTable(shape, byKey)).append('\n');
    }
    if (!others.isEmpty()) {
      out.append("### Other benchmarks\n\n").append(otherTable(others)).append('\n');
    }
    return out.toString();
  }

  private static String shapeTable(Shape shape, Map<String, JmhResult> byKey) {
    JmhResult read = byKey.get(key(FLOOR, READ_PASS, shape, ""));
    JmhResult exp = byKey.get(key(FLOOR, EXP_PASS, shape, ""));
    MarkdownTable table = new MarkdownTable(
        "config", "µs/call", "x read", "x exp", "textbook µs/call", "speed-up", "B/op",
        "textbook B/op");
    String[][] floors = {
      {READ_PASS, "_floor: read pass_"},
      {EXP_PASS, "_floor: exp pass (kernel expSum)_"},
      {EXP_LOOP, "_floor: exp pass (one-accumulator loop)_"}
    };
    for (String[] floor : floors) {
      JmhResult r = byKey.get(key(FLOOR, floor[0], shape, ""));
      if (r != null) {
        table.row(floor[1], time(r), ratio(r, read), ratio(r, exp), "", "", bytes(r), "");
      }
    }
    for (String config : configs(shape, byKey)) {
      JmhResult lib = byKey.get(key(SAMPLER, "sample", shape, config));
      JmhResult textbook = byKey.get(key(TEXTBOOK, "sample", shape, config));
      table.row(config, time(lib), ratio(lib, read), ratio(lib, exp), time(textbook),
          ratio(textbook, lib), bytes(lib), bytes(textbook));
    }
    return table.toString();
  }

  /** The configs measured for a shape, in {@link SamplingChain} order, then any others. */
  private static List<String> configs(Shape shape, Map<String, JmhResult> byKey) {
    List<String> configs = new ArrayList<>();
    byKey.values().stream()
        .filter(r -> !r.benchmarkClass().equals(FLOOR) && Shape.of(r).equals(shape))
        .map(r -> r.param("config"))
        .distinct()
        .forEach(configs::add);
    configs.sort(Comparator.comparingInt(ResultsTable::chainOrder)
        .thenComparing(Comparator.naturalOrder()));
    return configs;
  }

  private static int chainOrder(String config) {
    for (SamplingChain chain : SamplingChain.values()) {
      if (chain.toString().equals(config)) {
        return chain.ordinal();
      }
    }
    return Integer.MAX_VALUE;
  }

  private static String otherTable(List<JmhResult> others) {
    MarkdownTable table = new MarkdownTable("benchmark", "params", "µs/op", "B/op");
    for (JmhResult r : others) {
      String params = r.params().entrySet().stream()
          .map(e -> e.getKey() + "=" + e.getValue())
          .collect(Collectors.joining(", "));
      table.row(r.benchmarkClass() + "." + r.method(), params, time(r), bytes(r));
    }
    return table.toString();
  }

  private static String key(String benchmarkClass, String method, Shape shape, String config) {
    return benchmarkClass + "." + method + "|" + shape + "|" + config;
  }

  /** {@code score ± error} with a precision that suits the score. */
  static String time(JmhResult r) {
    if (r == null) {
      return "–";
    }
    double score = r.micros();
    String format = score >= 100 ? "%.0f" : score >= 10 ? "%.1f" : score >= 1 ? "%.2f" : "%.3f";
    String text = String.format(Locale.ROOT, format, score);
    if (!Double.isNaN(r.errorMicros())) {
      text += " ± " + String.format(Locale.ROOT, format, r.errorMicros());
    }
    return text;
  }

  /** {@code r / base}, e.g. {@code 3.41x}. */
  static String ratio(JmhResult r, JmhResult base) {
    if (r == null || base == null) {
      return "–";
    }
    double ratio = r.micros() / base.micros();
    String format = ratio >= 100 ? "%.0fx" : ratio >= 10 ? "%.1fx" : "%.2fx";
    return String.format(Locale.ROOT, format, ratio);
  }

  /** Bytes per operation: two decimals below 10 (JMH's own noise is a few hundredths), else whole. */
  static String bytes(JmhResult r) {
    if (r == null || Double.isNaN(r.allocBytes())) {
      return "–";
    }
    double b = r.allocBytes();
    return String.format(Locale.ROOT, b < 10 ? "%.2f" : "%,.0f", b);
  }

  /**
   * A vocabulary size and a distribution: the input of one table.
   *
   * @param vocabulary the vocabulary size
   * @param distribution the distribution name
   */
  record Shape(int vocabulary, String distribution) implements Comparable<Shape> {
    static Shape of(JmhResult r) {
      String v = r.param("vocabulary");
      return new Shape(v.isEmpty() ? 0 : Integer.parseInt(v), r.param("distribution"));
    }

    @Override
    public int compareTo(Shape o) {
      int c = Integer.compare(vocabulary, o.vocabulary);
      return c != 0 ? c : distribution.compareTo(o.distribution);
    }

    @Override
    public String toString() {
      return "vocabulary " + vocabulary + ", " + distribution + " logits";
    }
  }
}
