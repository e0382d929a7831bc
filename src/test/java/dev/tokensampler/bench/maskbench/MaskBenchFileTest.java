package dev.tokensampler.bench.maskbench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's reading of a MaskBench file and its percentiles. */
class MaskBenchFileTest {

  @Test
  void instancesAreCompactInDocumentOrderWithNullsAndRawCharacters(@TempDir Path dir)
      throws IOException {
    Path file = dir.resolve("case.json");
    Files.writeString(file, "{\"description\": \"d\", \"meta\": {},\n"
        + " \"schema\": {\"type\": \"object\", \"properties\": {\"b\": {}, \"a\": {}}},\n"
        + " \"tests\": [\n"
        + "  {\"description\": \"v\", \"valid\": true,\n"
        + "   \"data\": {\"z\": 1.50, \"a\": [1e3, -0, null], \"s\": \"<é & 😀>\\n\\\"\"}},\n"
        + "  {\"description\": \"i\", \"valid\": false, \"data\": {\"radius\": null}}]}");
    MaskBenchFile read = MaskBenchFile.read(file);
    assertEquals("case.json", read.name());
    assertEquals("{\"type\":\"object\",\"properties\":{\"b\":{},\"a\":{}}}", read.schema());
    assertEquals(List.of(
            new MaskBenchFile.Instance(true,
                "{\"z\":1.50,\"a\":[1e3,-0,null],\"s\":\"<é & 😀>\\n\\\"\"}"),
            new MaskBenchFile.Instance(false, "{\"radius\":null}")),
        read.instances());
  }

  @Test
  void percentilesInterpolateLinearly() {
    long[] sorted = {10, 20, 30, 40, 50};
    assertEquals(10, MaskBench.percentile(sorted, 0));
    assertEquals(30, MaskBench.percentile(sorted, 50));
    assertEquals(36, MaskBench.percentile(sorted, 65), 1e-9);
    assertEquals(49.6, MaskBench.percentile(sorted, 99), 1e-9);
    assertEquals(50, MaskBench.percentile(sorted, 100));
    assertEquals(7, MaskBench.percentile(new long[] {7}, 99.9));
  }
}
