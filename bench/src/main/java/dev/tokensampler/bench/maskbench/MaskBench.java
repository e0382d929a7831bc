package dev.tokensampler.bench.maskbench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tokensampler.structured.Grammar;
import dev.tokensampler.structured.JsonSchemaGrammar;
import dev.tokensampler.structured.JsonSchemaOptions;
import dev.tokensampler.vocab.TokenVocabulary;
import dev.tokensampler.vocab.TokenizerFiles;
import dev.tokensampler.vocab.TokenizerJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * A MaskBench-style harness: for every data file in a folder (MaskBench's format, see
 * {@link MaskBenchFile}), compiles the JSON Schema ({@link JsonSchemaGrammar} with its default
 * options: compact whitespace, schema property order unless {@code --property-order}) against
 * the Llama 3 vocabulary (128,256 logits), walks the Llama 3 tokens of each instance (Hugging
 * Face tokenizers through DJL, no special tokens) checking each is allowed and that the end is,
 * and classifies the schema as
 * passing, compile error, validation error (a valid instance rejected), invalidation error (an
 * invalid instance accepted; this class wins over validation error), crash or timeout. Prints
 * the MaskBench table (TBM and TTFM percentiles, counts per class) and writes a CSV line per
 * schema.
 *
 * <p>One schema at a time on one worker thread; the time limit covers compile and walks, and a
 * timed-out schema's TTFM counts as the limit. TBM is the time of
 * {@code ConstraintMatcher.fillAllowed} for every token of every valid instance plus the mask
 * after its last token; the first mask after compiling is part of TTFM. Run with:
 *
 * <pre>
 * mvn -q -B test-compile exec:exec@maskbench -Dmaskbench.args="/path/to/data [options]"
 * </pre>
 *
 * Options: {@code --tokenizer DIR} (a folder with Llama 3's {@code tokenizer.json}; default the
 * {@code llama3} folder of {@code .ci/fetch-tokenizers}), {@code --timeout-s N} (default 60),
 * {@code --csv FILE} (default {@code target/maskbench.csv}), {@code --limit N} (the first N files
 * in name order), {@code --warmup N} (run the first N files once, unrecorded, before the
 * measured run), {@code --engine schema|any-json} ({@code any-json}: one grammar of any compact
 * JSON value for every file, a baseline of the mask engine without the schema compiler),
 * {@code --property-order schema|required-first|any} ({@link JsonSchemaOptions.PropertyOrder};
 * default {@code schema}).
 */
public final class MaskBench {
  private static final int LLAMA3_LOGITS = 128_256;

  private MaskBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].startsWith("-")) {
      System.err.println("usage: MaskBench DATA_DIR [--tokenizer DIR] [--timeout-s N] "
          + "[--csv FILE] [--limit N] [--warmup N] [--engine schema|any-json] "
          + "[--property-order schema|required-first|any]");
      System.exit(2);
    }
    Path data = Paths.get(args[0]);
    Path tokenizerDir = TokenizerFiles.folder("llama3");
    long timeoutSeconds = 60;
    Path csv = Paths.get("target", "maskbench.csv");
    int limit = Integer.MAX_VALUE;
    int warmup = 0;
    String engine = "schema";
    JsonSchemaOptions options = JsonSchemaOptions.defaults();
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String value = args[i + 1];
      switch (args[i]) {
        case "--tokenizer": tokenizerDir = Paths.get(value); break;
        case "--timeout-s": timeoutSeconds = Long.parseLong(value); break;
        case "--csv": csv = Paths.get(value); break;
        case "--limit": limit = Integer.parseInt(value); break;
        case "--warmup": warmup = Integer.parseInt(value); break;
        case "--engine": engine = value; break;
        case "--property-order": options = options.withPropertyOrder(
            JsonSchemaOptions.PropertyOrder.valueOf(value.toUpperCase(java.util.Locale.ROOT)
                .replace('-', '_')));
          break;
        default: throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (!Files.isRegularFile(tokenizerDir.resolve("tokenizer.json"))) {
      throw new IllegalArgumentException("no " + tokenizerDir.resolve("tokenizer.json")
          + ": run .ci/fetch-tokenizers llama3 or pass --tokenizer DIR");
    }
    List<Path> files;
    try (Stream<Path> list = Files.list(data)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted()
          .limit(limit).collect(java.util.stream.Collectors.toList());
    }
    Function<String, Grammar> compiler;
    switch (engine) {
      case "schema": compiler = schemaCompiler(options); break;
      case "any-json": compiler = anyJson(); break;
      default: throw new IllegalArgumentException("--engine is " + engine
          + ", expected schema or any-json");
    }
    TokenVocabulary vocabulary = TokenizerJson.read(tokenizerDir, LLAMA3_LOGITS);
    try (InputStream in = Files.newInputStream(tokenizerDir.resolve("tokenizer.json"));
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(in,
            Map.of("truncation", "false", "padding", "false"))) {
      System.out.printf("MaskBench harness, engine %s (%s): %d files in %s; vocabulary %s; "
              + "instances as %s; timeout %d s per schema; JDK %s (%s), %s%n", engine, options,
          files.size(), data, vocabulary,
          MaskBenchFile.FORM, timeoutSeconds, System.getProperty("java.version"),
          System.getProperty("java.vm.name"), System.getProperty("os.arch"));
      Runner runner = new Runner(compiler, vocabulary, tokenizer, timeoutSeconds);
      for (int i = 0; i < Math.min(warmup, files.size()); i++) {
        runner.run(MaskBenchFile.read(files.get(i)), new LongList());
      }
      LongList tbm = new LongList();
      List<SchemaResult> results = new ArrayList<>();
      long started = System.nanoTime();
      for (Path file : files) {
        SchemaResult r = runner.run(MaskBenchFile.read(file), tbm);
        results.add(r);
        if (results.size() % 100 == 0) {
          System.out.printf("  %d/%d files, %.0f s%n", results.size(), files.size(),
              (System.nanoTime() - started) / 1e9);
        }
      }
      runner.close();
      writeCsv(csv, results);
      System.out.println(report(results, tbm, timeoutSeconds));
      System.out.println("per-schema results: " + csv.toAbsolutePath());
    }
  }

  /** Runs each file on a worker thread with a time limit, replacing a worker that timed out. */
  private static final class Runner {
    private final Function<String, Grammar> compiler;
    private final TokenVocabulary vocabulary;
    private final HuggingFaceTokenizer tokenizer;
    private final long timeoutSeconds;
    private ExecutorService worker = newWorker();

    Runner(Function<String, Grammar> compiler, TokenVocabulary vocabulary,
        HuggingFaceTokenizer tokenizer, long timeoutSeconds) {
      this.compiler = compiler;
      this.vocabulary = vocabulary;
      this.tokenizer = tokenizer;
      this.timeoutSeconds = timeoutSeconds;
    }

    SchemaResult run(MaskBenchFile file, LongList tbm) throws InterruptedException {
      LongList masks = new LongList();
      Future<SchemaResult> future =
          worker.submit(() -> new SchemaRun(compiler, vocabulary, tokenizer).run(file, masks));
      try {
        SchemaResult r = future.get(timeoutSeconds, TimeUnit.SECONDS);
        tbm.addAll(masks);
        return r;
      } catch (TimeoutException e) {
        future.cancel(true);
        worker.shutdownNow();
        worker = newWorker();
        return new SchemaResult(file.name(), SchemaResult.Status.TIMEOUT,
            TimeUnit.SECONDS.toNanos(timeoutSeconds), 0, 0, 0, 0, 0, 0, 0,
            "no result in " + timeoutSeconds + " s");
      } catch (ExecutionException e) {
        return new SchemaResult(file.name(), SchemaResult.Status.CRASH, -1, 0, 0, 0, 0, 0, 0, 0,
            String.valueOf(e.getCause()));
      }
    }

    void close() {
      worker.shutdownNow();
    }

    private static ExecutorService newWorker() {
      return Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(null, r, "maskbench-worker", 256L << 20);
        t.setDaemon(true);
        return t;
      });
    }
  }

  /**
   * Any JSON value in compact form (RFC 8259 without whitespace), whatever the schema: a baseline
   * of the mask engine alone, which must accept every valid instance and accepts most invalid
   * ones (so its classes say nothing about schemas).
   */
  private static Function<String, Grammar> anyJson() {
    Grammar json = Grammar.gbnf(String.join("\n",
        "root ::= value",
        "value ::= object | array | string | number | \"true\" | \"false\" | \"null\"",
        "object ::= \"{\" ( string \":\" value ( \",\" string \":\" value )* )? \"}\"",
        "array ::= \"[\" ( value ( \",\" value )* )? \"]\"",
        "string ::= \"\\\"\" ( [^\"\\\\\\x00-\\x1f] | \"\\\\\" ( [\"\\\\/bfnrt] "
            + "| \"u\" [0-9a-fA-F]{4} ) )* \"\\\"\"",
        "number ::= \"-\"? ( \"0\" | [1-9] [0-9]* ) ( \".\" [0-9]+ )? ( [eE] [-+]? [0-9]+ )?"));
    return schema -> json;
  }

  /** {@link JsonSchemaGrammar#compile(String, JsonSchemaOptions)}. */
  private static Function<String, Grammar> schemaCompiler(JsonSchemaOptions options) {
    return schema -> JsonSchemaGrammar.compile(schema, options);
  }

  static String report(List<SchemaResult> results, LongList tbm, long timeoutSeconds) {
    long[] masks = tbm.sorted();
    LongList ttfmList = new LongList();
    Map<SchemaResult.Status, Integer> counts = new EnumMap<>(SchemaResult.Status.class);
    for (SchemaResult.Status s : SchemaResult.Status.values()) {
      counts.put(s, 0);
    }
    for (SchemaResult r : results) {
      counts.merge(r.status(), 1, Integer::sum);
      if (r.ttfmNanos() >= 0) {
        ttfmList.add(r.ttfmNanos());
      }
    }
    long[] ttfm = ttfmList.sorted();
    StringBuilder out = new StringBuilder();
    out.append(String.format("%n| metric | TBM (us) | TTFM (us) |%n|---|---:|---:|%n"));
    out.append(String.format("| count | %d masks | %d schemas |%n", masks.length, ttfm.length));
    out.append(String.format("| avg | %s | %s |%n", micros(mean(masks)), micros(mean(ttfm))));
    double[] ps = {25, 50, 75, 90, 99, 99.9, 100};
    for (double p : ps) {
      out.append(String.format("| p%s | %s | %s |%n", p == Math.rint(p) ? String.valueOf((int) p)
          : String.valueOf(p), micros(percentile(masks, p)), micros(percentile(ttfm, p))));
    }
    out.append(String.format("%n| class | schemas |%n|---|---:|%n"));
    for (Map.Entry<SchemaResult.Status, Integer> e : counts.entrySet()) {
      out.append(String.format("| %s | %d |%n", e.getKey().label, e.getValue()));
    }
    out.append(String.format("| total | %d |%n", results.size()));
    out.append(String.format("%nTTFM: schemas that compiled or timed out (a timeout counts as "
        + "%d s); TBM: every mask of every valid instance. Percentiles interpolate linearly.",
        timeoutSeconds));
    return out.toString();
  }

  private static double mean(long[] sorted) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (long v : sorted) {
      sum += v;
    }
    return sum / sorted.length;
  }

  /** The p-th percentile with linear interpolation between ranks (numpy's default). */
  static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double rank = p / 100 * (sorted.length - 1);
    int lo = (int) Math.floor(rank);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
  }

  private static String micros(double nanos) {
    return Double.isNaN(nanos) ? "-" : String.format("%,.0f", nanos / 1e3);
  }

  private static void writeCsv(Path csv, List<SchemaResult> results) throws IOException {
    Path parent = csv.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8))) {
      w.println("file,status,ttfm_us,valid_tests,invalid_tests,valid_rejected,invalid_accepted,"
          + "masks,tbm_avg_us,tbm_max_us,detail");
      for (SchemaResult r : results) {
        w.printf("%s,%s,%s,%d,%d,%d,%d,%d,%s,%s,%s%n", csvField(r.file()), r.status().label,
            r.ttfmNanos() < 0 ? "" : String.format("%.1f", r.ttfmNanos() / 1e3),
            r.validInstances(), r.invalidInstances(), r.validRejected(), r.invalidAccepted(),
            r.masks(),
            r.masks() == 0 ? "" : String.format("%.1f", r.maskNanosSum() / 1e3 / r.masks()),
            r.masks() == 0 ? "" : String.format("%.1f", r.maskNanosMax() / 1e3),
            csvField(r.detail()));
      }
    }
  }

  private static String csvField(String s) {
    String t = s.replace("\r", "\\r").replace("\n", "\\n");
    if (t.length() > 500) {
      t = t.substring(0, 497) + "...";
    }
    return "\"" + t.replace("\"", "\"\"") + "\"";
  }
}
