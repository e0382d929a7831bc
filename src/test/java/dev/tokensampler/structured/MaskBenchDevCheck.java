package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A development check of the JSON Schema compiler against a MaskBench-style folder (one JSON file
 * per schema with labelled instances): compiles every schema, serialises each instance compactly
 * with its properties in schema order, and classifies each schema as MaskBench does (passing,
 * compile error, validation error, invalidation error) using the test recogniser. Runs only when
 * the system property {@code tokensampler.maskbench} names such a folder; prints counts and the
 * compile errors by reason.
 */
class MaskBenchDevCheck {
  @Test
  void classifyFolder() throws Exception {
    String dir = System.getProperty("tokensampler.maskbench");
    assumeTrue(dir != null && Files.isDirectory(Paths.get(dir)),
        "set -Dtokensampler.maskbench=<folder> to run");
    System.out.println(run(Paths.get(dir)));
  }

  /** Runs the check outside JUnit: {@code java ... MaskBenchDevCheck <folder>}. */
  public static void main(String[] args) throws Exception {
    System.out.println(run(Paths.get(args[0])));
  }

  static String run(Path folder) throws Exception {
    String dir = folder.toString();
    List<Path> files;
    try (Stream<Path> s = Files.list(Paths.get(dir))) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().collect(Collectors.toList());
    }
    Map<String, Integer> reasons = new TreeMap<>();
    int passing = 0;
    int compileErrors = 0;
    int validationErrors = 0;
    int invalidationErrors = 0;
    int timeouts = 0;
    List<Long> compileNanos = new ArrayList<>();
    StringBuilder details = new StringBuilder();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      for (Path f : files) {
        JsonObject d = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8))
            .getAsJsonObject();
        JsonElement schema = d.get("schema");
        String gbnf;
        long t0 = System.nanoTime();
        try {
          gbnf = JsonSchemaGrammar.toGbnf(schema.toString());
        } catch (IllegalArgumentException e) {
          compileErrors++;
          reasons.merge(reason(e.getMessage()), 1, Integer::sum);
          continue;
        }
        compileNanos.add(System.nanoTime() - t0);
        JsonArray tests = d.has("tests") ? d.getAsJsonArray("tests") : new JsonArray();
        String verdict = "passing";
        try {
          TokenConstraint r;
          try {
            r = TokenConstraint.compile(Grammar.gbnf(gbnf), SchemaCase.BYTES);
          } catch (IllegalArgumentException e) {
            compileErrors++;
            reasons.merge("engine: " + reason(e.getMessage()), 1, Integer::sum);
            continue;
          }
          for (JsonElement t : tests) {
            JsonObject test = t.getAsJsonObject();
            boolean valid = test.get("valid").getAsBoolean();
            String text = InstanceOrder.compact(InstanceOrder.reorder(schema, schema,
                test.get("data"), 0));
            Future<Boolean> fu = pool.submit(() -> SchemaCase.engineAccepts(r, text));
            boolean accepted;
            try {
              accepted = fu.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
              fu.cancel(true);
              pool.shutdownNow();
              pool = Executors.newSingleThreadExecutor();
              verdict = "timeout";
              break;
            }
            if (valid && !accepted) {
              verdict = "validation";
              int at = rejectedAt(r, text);
              details.append("VALIDATION ").append(f.getFileName()).append(" at ").append(at)
                  .append(": ...").append(text, Math.max(0, at - 80), at).append(" ^ ")
                  .append(text, at, Math.min(text.length(), at + 40)).append('\n');
              break;
            }
            if (!valid && accepted) {
              verdict = "invalidation";
              details.append("INVALIDATION ").append(f.getFileName()).append(' ')
                  .append(text.length() > 300 ? text.substring(0, 300) : text).append('\n');
              break;
            }
          }
        } catch (RuntimeException | java.util.concurrent.ExecutionException e) {
          verdict = "crash";
          details.append("CRASH ").append(f.getFileName()).append(' ').append(e).append('\n');
        }
        switch (verdict) {
          case "passing": passing++; break;
          case "validation": validationErrors++; break;
          case "invalidation": invalidationErrors++; break;
          case "timeout": timeouts++; break;
          default: validationErrors++;
        }
      }
    } finally {
      pool.shutdownNow();
    }
    compileNanos.sort(null);
    StringBuilder out = new StringBuilder();
    out.append("schemas ").append(files.size()).append(", passing ").append(passing)
        .append(", compile errors ").append(compileErrors).append(", validation errors ")
        .append(validationErrors).append(", invalidation errors ").append(invalidationErrors)
        .append(", recogniser timeouts ").append(timeouts).append('\n');
    if (!compileNanos.isEmpty()) {
      out.append("compile to GBNF (us): p50 ").append(compileNanos.get(compileNanos.size() / 2)
          / 1000).append(", p99 ").append(compileNanos.get(compileNanos.size() * 99 / 100) / 1000)
          .append(", max ").append(compileNanos.get(compileNanos.size() - 1) / 1000).append('\n');
    }
    reasons.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue())
        .forEach(e -> out.append(String.format("%5d  %s%n", e.getValue(), e.getKey())));
    out.append(details);
    Path report = Paths.get("target", "maskbench-dev-check.txt");
    Files.createDirectories(report.getParent());
    Files.writeString(report, out.toString());
    return out.toString();
  }

  /** The character offset where the engine first refuses the text (its length if at the end). */
  private static int rejectedAt(TokenConstraint r, String text) {
    ConstraintMatcher m = r.newMatcher();
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (!m.isAllowed(bytes[i] & 0xFF)) {
        return new String(bytes, 0, i, StandardCharsets.UTF_8).length();
      }
      m.accept(bytes[i] & 0xFF);
    }
    return text.length();
  }

  /** The reason of a compile error without the pointer and specific values. */
  private static String reason(String message) {
    String m = message;
    if (m.startsWith("#")) {
      int colon = m.indexOf(": ");
      String ptr = colon > 0 ? m.substring(0, colon) : "";
      m = m.substring(colon + 2);
      String last = ptr.substring(ptr.lastIndexOf('/') + 1);
      if (m.startsWith("pattern \"")) {
        int at = m.indexOf(" at offset ");
        int c2 = m.indexOf(": ", at);
        m = "pattern: " + (c2 > 0 ? m.substring(c2 + 2) : m);
      } else if (!m.contains(last) && !last.matches("[0-9]+")) {
        m = last + ": " + m;
      }
    }
    if (!m.startsWith("keyword \"") && !m.startsWith("format \"")) {
      m = m.replaceAll("\"[^\"]*\"", "\"*\"");
    }
    m = m.replaceAll("[0-9]+", "N");
    return m.length() > 140 ? m.substring(0, 140) : m;
  }
}
