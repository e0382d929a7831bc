package dev.tokensampler.samples.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The finished cells of every journal in an output directory, by cell index: what
 * {@code merge} reads, whatever number of shards wrote them and in whatever order. A journal of
 * another plan is an error; a cell found in two journals (a shard rerun with another count) must
 * hold the same result there (sampling time aside).
 */
public final class JournalSet {
  private final TreeMap<Integer, CellResult> results = new TreeMap<>();
  private final List<CellJournal.Header> headers = new ArrayList<>();

  private JournalSet() {}

  /**
   * Reads the journals of a directory.
   *
   * @param directory the output directory
   * @param plan its plan
   * @return the results found
   * @throws IOException if a journal cannot be read
   * @throws IllegalArgumentException if a journal belongs to another plan, holds a cell outside
   *     the grid, or two journals disagree about a cell
   */
  public static JournalSet read(Path directory, LabPlan plan) throws IOException {
    String fingerprint = plan.fingerprint();
    int cellCount = plan.cells().size();
    JournalSet set = new JournalSet();
    for (Path file : CellJournal.list(directory)) {
      CellJournal.Header header = CellJournal.readHeader(file);
      if (header == null) {
        continue;
      }
      if (!header.fingerprint().equals(fingerprint)) {
        throw new IllegalArgumentException(file + " belongs to another plan than "
            + directory.resolve(LabPlan.FILE_NAME));
      }
      set.headers.add(header);
      for (CellResult result : CellJournal.readResults(file)) {
        if (result.cell() < 0 || result.cell() >= cellCount) {
          throw new IllegalArgumentException(
              file + " holds cell " + result.cell() + ", outside the grid of " + cellCount);
        }
        CellResult previous = set.results.putIfAbsent(result.cell(), result);
        if (previous != null && !sameOutcome(previous, result)) {
          throw new IllegalArgumentException("cell " + result.cell()
              + " has two different results in the journals of " + directory);
        }
      }
    }
    return set;
  }

  /**
   * The results, by cell index.
   *
   * @return the results found, sorted by index
   */
  public TreeMap<Integer, CellResult> results() {
    return results;
  }

  /**
   * The headers of the journals read (their timing conditions).
   *
   * @return the headers, in file-name order
   */
  public List<CellJournal.Header> headers() {
    return headers;
  }

  /**
   * The cells of a plan that no journal holds.
   *
   * @param plan the plan
   * @return their indices, ascending
   */
  public List<Integer> missing(LabPlan plan) {
    List<Integer> missing = new ArrayList<>();
    for (Cell cell : plan.cells()) {
      if (!results.containsKey(cell.index())) {
        missing.add(cell.index());
      }
    }
    return missing;
  }

  private static boolean sameOutcome(CellResult a, CellResult b) {
    return Arrays.equals(a.tokens(), b.tokens()) && a.text().equals(b.text())
        && a.steps() == b.steps() && a.stop().equals(b.stop())
        && Double.compare(a.entropySum(), b.entropySum()) == 0
        && Double.compare(a.chainEntropySum(), b.chainEntropySum()) == 0
        && Double.compare(a.logProbabilitySum(), b.logProbabilitySum()) == 0
        && Objects.equals(a.valid(), b.valid());
  }
}
