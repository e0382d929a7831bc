package dev.tokensampler.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of a JMH JSON result file ({@code -rf json}): which benchmark, with which parameters,
 * on which JVM, and its score converted to microseconds per operation.
 *
 * @param benchmarkClass the simple name of the benchmark class, e.g. {@code SamplerBenchmark}
 * @param method the benchmark method, e.g. {@code sample}
 * @param params the {@code @Param} values by name (empty if none)
 * @param mode the JMH mode, e.g. {@code avgt}
 * @param micros the score in microseconds per operation
 * @param errorMicros the 99.9% confidence half-width, NaN if JMH could not compute it
 * @param allocBytes {@code gc.alloc.rate.norm} in bytes per operation, NaN without {@code -prof gc}
 * @param jvm what ran the benchmark: the JDK, the VM and its arguments
 * @param settings the JMH settings, e.g. {@code JMH 1.37, 1 fork, warmup 3 x 1 s, ...}
 */
record JmhResult(
    String benchmarkClass,
    String method,
    Map<String, String> params,
    String mode,
    double micros,
    double errorMicros,
    double allocBytes,
    Jvm jvm,
    String settings) {

  /**
   * The JVM of a result; results with equal JVMs belong to the same run.
   *
   * @param jdkVersion {@code jdkVersion}, e.g. {@code 17.0.15}
   * @param vmName {@code vmName}, e.g. {@code OpenJDK 64-Bit Server VM}
   * @param vmVersion {@code vmVersion}
   * @param jvmArgs the arguments of the forked JVM
   */
  record Jvm(String jdkVersion, String vmName, String vmVersion, List<String> jvmArgs) {}

  /**
   * Reads one element of the JSON array that JMH writes.
   *
   * @param json the element
   * @return the result
   * @throws IllegalArgumentException if the score's unit is not a time per operation
   */
  static JmhResult of(JsonObject json) {
    String[] name = json.get("benchmark").getAsString().split("\\.");
    Map<String, String> params = new LinkedHashMap<>();
    if (json.has("params")) {
      for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("params").entrySet()) {
        params.put(e.getKey(), e.getValue().getAsString());
      }
    }
    JsonObject primary = json.getAsJsonObject("primaryMetric");
    double toMicros = microsPer(primary.get("scoreUnit").getAsString());
    double alloc = Double.NaN;
    JsonObject secondary = json.getAsJsonObject("secondaryMetrics");
    if (secondary != null && secondary.has("gc.alloc.rate.norm")) {
      alloc = secondary.getAsJsonObject("gc.alloc.rate.norm").get("score").getAsDouble();
    }
    List<String> jvmArgs = new ArrayList<>();
    if (json.has("jvmArgs")) {
      json.getAsJsonArray("jvmArgs").forEach(a -> jvmArgs.add(a.getAsString()));
    }
    Jvm jvm = new Jvm(
        text(json, "jdkVersion"), text(json, "vmName"), text(json, "vmVersion"),
        Collections.unmodifiableList(jvmArgs));
    String settings = String.format(
        "JMH %s, %s fork(s), warmup %s x %s, measurement %s x %s, %s thread(s)",
        text(json, "jmhVersion"), text(json, "forks"), text(json, "warmupIterations"),
        text(json, "warmupTime"), text(json, "measurementIterations"),
        text(json, "measurementTime"), text(json, "threads"));
    return new JmhResult(
        name[name.length - 2],
        name[name.length - 1],
        Collections.unmodifiableMap(params),
        text(json, "mode"),
        primary.get("score").getAsDouble() * toMicros,
        primary.get("scoreError").getAsDouble() * toMicros,
        alloc,
        jvm,
        settings);
  }

  private static String text(JsonObject json, String field) {
    JsonElement e = json.get(field);
    return e == null || e.isJsonNull() ? "?" : e.getAsString();
  }

  private static double microsPer(String unit) {
    switch (unit) {
      case "ns/op":
        return 1e-3;
      case "us/op":
        return 1;
      case "ms/op":
        return 1e3;
      case "s/op":
        return 1e6;
      default:
        throw new IllegalArgumentException(
            "expected a time per operation (-bm avgt), got the unit " + unit);
    }
  }

  /**
   * A parameter value.
   *
   * @param name the parameter name
   * @return its value, or the empty string if this benchmark has no such parameter
   */
  String param(String name) {
    return params.getOrDefault(name, "");
  }
}
