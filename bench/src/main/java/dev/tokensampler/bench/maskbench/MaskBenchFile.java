package dev.tokensampler.bench.maskbench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One MaskBench data file: a JSON Schema and instances that must (valid) or must not (invalid)
 * match it.
 *
 * <p>Instances are serialised as compact JSON ({@code ,} and {@code :} without spaces), with
 * object properties in the order of the file, numbers written as in the file, and non-ASCII
 * characters as themselves (UTF-8), not as {@code \}{@code u} escapes; members whose value is
 * {@code null} are kept; strings escape only {@code "}, {@code \}, control characters, U+2028 and
 * U+2029.
 *
 * @param name the file name
 * @param schema the schema's JSON text (compact)
 * @param instances the instances
 */
record MaskBenchFile(String name, String schema, List<Instance> instances) {

  /** How instances are written, for the harness's output. */
  static final String FORM = "compact JSON (no spaces after , and :), properties in document "
      + "order, numbers as written in the file, non-ASCII as UTF-8, null members kept";

  private static final Gson COMPACT =
      new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  /**
   * @param valid whether the instance matches the schema
   * @param json its JSON text
   */
  record Instance(boolean valid, String json) {}

  static MaskBenchFile read(Path file) throws IOException {
    JsonObject root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = JsonParser.parseReader(in).getAsJsonObject();
    }
    JsonElement schema = root.get("schema");
    if (schema == null) {
      throw new IOException(file + ": no \"schema\"");
    }
    List<Instance> instances = new ArrayList<>();
    JsonElement tests = root.get("tests");
    if (tests != null && tests.isJsonArray()) {
      for (JsonElement test : tests.getAsJsonArray()) {
        JsonObject t = test.getAsJsonObject();
        JsonElement data = t.get("data");
        instances.add(new Instance(t.get("valid").getAsBoolean(), COMPACT.toJson(data)));
      }
    }
    return new MaskBenchFile(file.getFileName().toString(), COMPACT.toJson(schema),
        List.copyOf(instances));
  }
}
