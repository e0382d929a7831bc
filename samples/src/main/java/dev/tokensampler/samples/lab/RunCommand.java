package dev.tokensampler.samples.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: runs a grid, or one shard of it, resuming from the shard's journal. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "Runs the cells of a grid (or of one shard) that its journal does not hold, "
        + "then, for the whole grid, writes strategies.csv, cells.csv, results.json, timing.csv "
        + "and the charts. Shards write their journal only: merge them with 'merge'.")
final class RunCommand implements Callable<Integer> {
  @Option(names = "--prompts", required = true, paramLabel = "FILE",
      description = "Prompts, one per line (UTF-8; blank lines skipped).")
  Path prompts;

  @Option(names = "--grid", paramLabel = "SPEC",
      description = "A grid line: a sampler spec whose values may be sets in braces, "
          + "e.g. 'temperature={0.5,0.7,1.0},top_p={0.9,0.95}'. Repeatable.")
  List<String> grid = new ArrayList<>();

  @Option(names = "--grid-file", paramLabel = "FILE",
      description = "Grid lines, one per line ('#' starts a comment line; blank lines skipped).")
  Path gridFile;

  @Option(names = {"-n", "--continuations"}, defaultValue = "4",
      description = "Continuations per prompt and strategy (default: ${DEFAULT-VALUE}).")
  int continuations;

  @Option(names = "--max-tokens", defaultValue = "40",
      description = "Most tokens per continuation (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(names = "--seed", defaultValue = "2026",
      description = "The seed of every cell's stream (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--model", defaultValue = LabModels.DEFAULT,
      description = "brown-bpe, brown-gpt or fake (default: ${DEFAULT-VALUE}).")
  String model;

  @ArgGroup(exclusive = true)
  ConstraintOptions constraint;

  @Option(names = "--constraint-mode", defaultValue = "enforce",
      description = "enforce (a constraint stage first in every chain) or measure (validity of "
          + "unconstrained text) (default: ${DEFAULT-VALUE}).")
  String constraintMode;

  @Option(names = "--out", defaultValue = "target/lab", paramLabel = "DIR",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--shard", defaultValue = "0/1", paramLabel = "i/N",
      description = "Run only the cells whose index is i modulo N (default: ${DEFAULT-VALUE}).")
  String shard;

  @Option(names = "--intra-op-threads", defaultValue = "1",
      description = "PyTorch intra-op and inter-op threads (default: ${DEFAULT-VALUE}); "
          + "set OMP_NUM_THREADS too.")
  int intraOpThreads;

  @Option(names = "--no-progress", description = "No progress bar.")
  boolean noProgress;

  @Option(names = "--no-charts", description = "No PNG charts.")
  boolean noCharts;

  static final class ConstraintOptions {
    @Option(names = "--json-schema", paramLabel = "FILE",
        description = "Constrain to (or measure) JSON text valid under this JSON Schema.")
    Path jsonSchema;

    @Option(names = "--regex", paramLabel = "PATTERN",
        description = "Constrain to (or measure) text that matches this regular expression.")
    String regex;
  }

  @Override
  public Integer call() throws IOException {
    LabPlan plan = plan();
    Shard part = Shard.parse(shard);
    LabThreads.pin(intraOpThreads);
    try (LabModel lab = LabModels.open(plan.model())) {
      int ran = new GridRunner(plan, out, part, lab, !noProgress).run(System.out);
      System.out.printf("ran %d cells into %s%n", ran, CellJournal.file(out, part));
      if (part.count() > 1) {
        System.out.println("when every shard has run: merge --out " + out);
        return 0;
      }
      return MergeCommand.writeOutputs(out, plan, noCharts ? null : lab);
    }
  }

  LabPlan plan() throws IOException {
    List<String> lines = new ArrayList<>(grid);
    if (gridFile != null) {
      for (String line : Files.readAllLines(gridFile, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.strip().startsWith("#")) {
          lines.add(line.strip());
        }
      }
    }
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("give the strategies with --grid or --grid-file");
    }
    List<String> promptLines = new ArrayList<>();
    for (String line : Files.readAllLines(prompts, StandardCharsets.UTF_8)) {
      if (!line.isBlank()) {
        promptLines.add(line.strip());
      }
    }
    LabConstraint.Spec constraintSpec = null;
    if (constraint != null) {
      LabConstraint.Mode mode = switch (constraintMode) {
        case "enforce" -> LabConstraint.Mode.ENFORCE;
        case "measure" -> LabConstraint.Mode.MEASURE;
        default -> throw new IllegalArgumentException(
            "--constraint-mode must be enforce or measure, got " + constraintMode);
      };
      constraintSpec = constraint.jsonSchema != null
          ? new LabConstraint.Spec(LabConstraint.Kind.JSON_SCHEMA,
              Files.readString(constraint.jsonSchema, StandardCharsets.UTF_8), mode)
          : new LabConstraint.Spec(LabConstraint.Kind.REGEX, constraint.regex, mode);
    }
    return new LabPlan(model, seed, lines, promptLines, continuations, maxTokens,
        constraintSpec);
  }
}
