package dev.tokensampler.samples.lab;

import java.util.List;
import java.util.Locale;

/** The strategy rows as a Markdown table, for the console. */
final class LabTable {
  private LabTable() {}

  static String markdown(List<StrategySummary> summaries) {
    StringBuilder table = new StringBuilder();
    table.append("| strategy | len | H model | H chain | d-1 | d-2 | d-3 | rep | self-BLEU"
        + " | log p | valid |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (StrategySummary s : summaries) {
      table.append(String.format(Locale.ROOT,
          "| %s | %.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %s | %.3f | %s |%n",
          s.label().isEmpty() ? "(softmax)" : s.label(), s.meanLength(), s.meanEntropy(),
          s.meanChainEntropy(), s.distinct1(), s.distinct2(), s.distinct3(), s.repetitionRate(),
          format(s.selfBleu()), s.meanLogProbability(), format(s.validity())));
    }
    return table.toString();
  }

  private static String format(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }
}
