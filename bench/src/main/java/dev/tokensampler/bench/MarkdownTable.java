package dev.tokensampler.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * A Markdown table: a header row, then rows of cells, the first column left-aligned and the
 * others right-aligned (numbers). Cells are padded so the source reads as a table too.
 */
final class MarkdownTable {
  private final List<String[]> rows = new ArrayList<>();

  MarkdownTable(String... header) {
    rows.add(header.clone());
  }

  void row(String... cells) {
    if (cells.length != rows.get(0).length) {
      throw new IllegalArgumentException(
          "expected " + rows.get(0).length + " cells, got " + cells.length);
    }
    rows.add(cells.clone());
  }

  @Override
  public String toString() {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] row : rows) {
      for (int c = 0; c < columns; c++) {
        width[c] = Math.max(Math.max(width[c], row[c].length()), 3);
      }
    }
    StringBuilder out = new StringBuilder();
    for (int r = 0; r < rows.size(); r++) {
      line(out, rows.get(r), width);
      if (r == 0) {
        String[] rule = new String[columns];
        for (int c = 0; c < columns; c++) {
          rule[c] = c == 0 ? "-".repeat(width[c]) : "-".repeat(width[c] - 1) + ":";
        }
        line(out, rule, width);
      }
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String[] cells, int[] width) {
    out.append('|');
    for (int c = 0; c < cells.length; c++) {
      String pad = " ".repeat(width[c] - cells[c].length());
      out.append(' ').append(c == 0 ? cells[c] + pad : pad + cells[c]).append(" |");
    }
    out.append('\n');
  }
}
