package dev.tokensampler.samples.lab;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What a grid run computes: the model, the seed, the grid lines, the prompts, the continuations
 * per prompt, the token limit and the constraint. It fixes every cell and its random stream; its
 * {@link #fingerprint()} ties journals and outputs to it. Stored as {@value #FILE_NAME} in the
 * output directory, where the shards of one grid and its merge find it.
 *
 * @param model the model's name ({@link LabModels})
 * @param seed the seed of every cell's stream
 * @param grid the grid lines ({@link StrategyGrid})
 * @param prompts the prompts' text
 * @param continuations continuations per prompt and strategy, at least 1
 * @param maxTokens the most tokens a continuation generates, at least 1
 * @param constraint the constraint, or null
 */
public record LabPlan(String model, long seed, List<String> grid, List<String> prompts,
    int continuations, int maxTokens, LabConstraint.Spec constraint) {
  /** The plan's file in an output directory. */
  public static final String FILE_NAME = "plan.json";
  private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
      .create();

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if a count is out of range or a list is empty
   */
  public LabPlan {
    Objects.requireNonNull(model, "model");
    grid = List.copyOf(grid);
    prompts = List.copyOf(prompts);
    if (prompts.isEmpty()) {
      throw new IllegalArgumentException("the prompts file holds no prompt");
    }
    if (continuations < 1) {
      throw new IllegalArgumentException("--continuations must be >= 1, got " + continuations);
    }
    if (maxTokens < 1) {
      throw new IllegalArgumentException("--max-tokens must be >= 1, got " + maxTokens);
    }
    StrategyGrid.expand(grid);
  }

  /**
   * The strategies of the grid, in order.
   *
   * @return the expanded grid
   */
  public List<StrategyGrid.Strategy> strategies() {
    return StrategyGrid.expand(grid);
  }

  /**
   * Every cell of the grid, by index: strategy-major, then prompt, then continuation.
   *
   * @return the cells
   */
  public List<Cell> cells() {
    List<StrategyGrid.Strategy> strategies = strategies();
    List<Cell> cells = new ArrayList<>();
    for (int s = 0; s < strategies.size(); s++) {
      for (int p = 0; p < prompts.size(); p++) {
        for (int c = 0; c < continuations; c++) {
          cells.add(Cell.of(cells.size(), s, p, c, strategies.get(s).spec(), prompts.get(p)));
        }
      }
    }
    return cells;
  }

  /**
   * The plan as JSON (the form of {@value #FILE_NAME}).
   *
   * @return the text
   */
  public String toJson() {
    return GSON.toJson(this) + "\n";
  }

  /**
   * SHA-256 of {@link #toJson()}, in hex.
   *
   * @return the fingerprint
   */
  public String fingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(toJson().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads the plan of an output directory.
   *
   * @param directory the directory
   * @return the plan
   * @throws IOException if {@value #FILE_NAME} cannot be read
   */
  public static LabPlan read(Path directory) throws IOException {
    Path file = directory.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      throw new IOException(file + " does not exist: run the grid (run) into " + directory
          + " first");
    }
    return GSON.fromJson(Files.readString(file, StandardCharsets.UTF_8), LabPlan.class);
  }

  /**
   * Writes this plan into a directory, or checks that the plan already there is this one (so
   * that shards started at once agree, and a resumed run continues the same grid).
   *
   * @param directory the output directory, created if missing
   * @throws IOException if the file cannot be written
   * @throws IllegalArgumentException if the directory holds another plan
   */
  public void writeOrCheck(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path file = directory.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      Path temporary = Files.createTempFile(directory, "plan", ".tmp");
      Files.writeString(temporary, toJson(), StandardCharsets.UTF_8);
      try {
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        Files.deleteIfExists(temporary);
        if (!Files.exists(file)) {
          throw e;
        }
      }
    }
    String existing = Files.readString(file, StandardCharsets.UTF_8);
    if (!existing.equals(toJson())) {
      throw new IllegalArgumentException(directory + " holds the plan of another grid ("
          + FILE_NAME + " differs): use another --out, or delete the directory to start over");
    }
  }
}
