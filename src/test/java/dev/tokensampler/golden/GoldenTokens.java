package dev.tokensampler.golden;

import dev.tokensampler.TestLogits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The golden token streams: computes them, and reads or writes {@code golden/tokens.txt}.
 *
 * <p>Regenerate only for a deliberate change of results (and say so in the change):
 * {@code mvn -q -B test-compile exec:exec@sample -Dsample.main=dev.tokensampler.golden.GoldenTokens
 * -Dsample.args=src/test/resources/golden/tokens.txt}
 */
public final class GoldenTokens {
  static final String RESOURCE = "/golden/tokens.txt";

  private GoldenTokens() {}

  /** One line per chain and sequence: {@code chain|sequence|tokens}. */
  static List<String> compute() {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, dev.tokensampler.SamplerConfig> chain :
        GoldenChains.chains().entrySet()) {
      for (long sequence : GoldenChains.SEQUENCES) {
        lines.add(chain.getKey() + "|" + sequence + "|"
            + GoldenChains.stream(chain.getValue(), sequence));
      }
    }
    return lines;
  }

  static List<String> stored() throws IOException {
    try (InputStream in = GoldenTokens.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException("missing test resource " + RESOURCE);
      }
      List<String> lines = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          lines.add(line.trim());
        }
      }
      return lines;
    }
  }

  /**
   * Writes the golden file.
   *
   * @param args the output path
   * @throws IOException if it cannot be written
   */
  public static void main(String[] args) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# Golden token streams: chain|sequence|tokens. Seed " + GoldenChains.SEED
        + ", vocabulary " + GoldenChains.VOCABULARY + ", " + GoldenChains.STEPS
        + " steps of TestLogits#reproducible. Written by GoldenTokens.");
    lines.addAll(compute());
    Files.write(Path.of(args[0]), lines, StandardCharsets.UTF_8);
    System.out.println("wrote " + (lines.size() - 1) + " streams to " + args[0]);
  }
}
