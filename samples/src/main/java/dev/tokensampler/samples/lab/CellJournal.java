package dev.tokensampler.samples.lab;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The results journal of one shard: a JSON-lines file {@code journal-<i>-of-<N>.jsonl} in the
 * output directory. Its first line is a {@link Header} (the plan's fingerprint, the shard and the
 * timing conditions); each further line is one finished {@link CellResult}, written and flushed
 * as the cell ends. A run that stops (killed, crashed, machine gone) loses at most the cell in
 * progress: reopening the journal drops an incomplete last line, and the run skips the cells it
 * holds. Doubles are written as {@link Double#toString} writes them, so they read back to the
 * same bits. Not thread-safe.
 */
public final class CellJournal implements AutoCloseable {
  private static final Gson GSON =
      new GsonBuilder().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();
  private static final String PREFIX = "journal-";
  private static final String SUFFIX = ".jsonl";

  /**
   * The first line of a journal.
   *
   * @param fingerprint the plan's {@link LabPlan#fingerprint()}
   * @param shard the shard's index
   * @param shards the number of shards
   * @param intraOpThreads the engine's intra-op threads ({@code ai.djl.pytorch.num_threads}),
   *     as set for the run
   * @param ompNumThreads the {@code OMP_NUM_THREADS} environment variable, or null
   * @param java the Java runtime version
   * @param loadAverage the system load average when the run started (negative if unknown)
   */
  public record Header(String fingerprint, int shard, int shards, String intraOpThreads,
      String ompNumThreads, String java, double loadAverage) {}

  private final BufferedWriter writer;

  private CellJournal(BufferedWriter writer) {
    this.writer = writer;
  }

  /**
   * The journal file of a shard.
   *
   * @param directory the output directory
   * @param shard the shard
   * @return its path
   */
  public static Path file(Path directory, Shard shard) {
    return directory.resolve(PREFIX + shard.index() + "-of-" + shard.count() + SUFFIX);
  }

  /**
   * Opens a shard's journal for appending, creating it with its header, or after checking that
   * the header already there belongs to the same plan and shard. An incomplete last line (a cell
   * cut off while being written) is removed.
   *
   * @param file the journal
   * @param header this run's header
   * @return the journal, positioned at its end
   * @throws IOException if the file cannot be read or written
   * @throws IllegalArgumentException if it belongs to another plan or shard
   */
  public static CellJournal open(Path file, Header header) throws IOException {
    if (Files.exists(file)) {
      dropIncompleteLine(file);
      Header existing = readHeader(file);
      if (existing != null && (!existing.fingerprint().equals(header.fingerprint())
          || existing.shard() != header.shard() || existing.shards() != header.shards())) {
        throw new IllegalArgumentException(file + " belongs to another grid or shard");
      }
      if (existing != null) {
        return new CellJournal(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
            StandardOpenOption.APPEND));
      }
    }
    CellJournal journal = new CellJournal(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    journal.writeLine(GSON.toJson(header));
    return journal;
  }

  /**
   * Appends a finished cell and flushes it to the file.
   *
   * @param result the cell's result
   * @throws IOException if it cannot be written
   */
  public void append(CellResult result) throws IOException {
    writeLine(GSON.toJson(result));
  }

  private void writeLine(String json) throws IOException {
    writer.write(json);
    writer.write('\n');
    writer.flush();
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  /**
   * The header of a journal.
   *
   * @param file the journal
   * @return its header, or null if the file is empty
   * @throws IOException if it cannot be read or its first line is not a header
   */
  public static Header readHeader(Path file) throws IOException {
    List<String> lines = completeLines(file);
    if (lines.isEmpty()) {
      return null;
    }
    try {
      return GSON.fromJson(lines.get(0), Header.class);
    } catch (JsonParseException e) {
      throw new IOException(file + ": the first line is not a journal header", e);
    }
  }

  /**
   * The finished cells of a journal, in the order they were written.
   *
   * @param file the journal
   * @return the results (none if the file is missing)
   * @throws IOException if it cannot be read or a complete line is not a result
   */
  public static List<CellResult> readResults(Path file) throws IOException {
    List<CellResult> results = new ArrayList<>();
    if (!Files.exists(file)) {
      return results;
    }
    List<String> lines = completeLines(file);
    for (int i = 1; i < lines.size(); i++) {
      try {
        results.add(GSON.fromJson(lines.get(i), CellResult.class));
      } catch (JsonParseException e) {
        throw new IOException(file + " line " + (i + 1) + " is not a cell result", e);
      }
    }
    return results;
  }

  /**
   * The journals in an output directory, sorted by name.
   *
   * @param directory the directory
   * @return their paths
   * @throws IOException if the directory cannot be listed
   */
  public static List<Path> list(Path directory) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream =
        Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
      stream.forEach(files::add);
    }
    files.sort(null);
    return files;
  }

  /** The lines that end with a line break (a last line without one is incomplete). */
  private static List<String> completeLines(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return List.of();
    }
    return List.of(text.substring(0, end).split("\n", -1));
  }

  private static void dropIncompleteLine(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--;
    }
    if (end < bytes.length) {
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(end);
      }
    }
  }
}
