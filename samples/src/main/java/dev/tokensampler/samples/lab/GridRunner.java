package dev.tokensampler.samples.lab;

import dev.tokensampler.random.Seeds;
import dev.tokensampler.stage.Chain;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Runs the cells of one shard of a plan that its journal does not hold yet, appending each to
 * the journal as it finishes: an interrupted run started again with the same plan and output
 * directory continues where it stopped. Cells run with the strategies taking turns (by prompt,
 * continuation, then strategy); the order changes no result, only how evenly a varying machine
 * load spreads over the strategies' sampling times. Before the timed cells, every strategy's chain runs
 * {@value #WARM_UP_CALLS} untimed steps on the first prompt's logits (with a generator of its
 * own, so that no result changes) so that the timed calls run compiled code.
 */
public final class GridRunner {
  /** Untimed chain steps per strategy before the cells. */
  public static final int WARM_UP_CALLS = 2_000;

  private final LabPlan plan;
  private final Path directory;
  private final Shard shard;
  private final LabModel model;
  private final boolean progress;

  /**
   * A runner.
   *
   * @param plan the plan
   * @param directory the output directory
   * @param shard the shard to run
   * @param model the plan's model
   * @param progress whether to show a progress bar (on standard error)
   */
  public GridRunner(LabPlan plan, Path directory, Shard shard, LabModel model, boolean progress) {
    this.plan = plan;
    this.directory = directory;
    this.shard = shard;
    this.model = model;
    this.progress = progress;
  }

  /**
   * Runs the shard's unfinished cells.
   *
   * @param log where to say what runs
   * @return the number of cells run now (not those found finished)
   * @throws IOException if the plan or the journal cannot be written
   * @throws IllegalArgumentException if the directory holds another plan
   */
  public int run(PrintStream log) throws IOException {
    if (!plan.model().equals(model.name())) {
      throw new IllegalArgumentException(
          "the plan names model " + plan.model() + ", the runner got " + model.name());
    }
    plan.writeOrCheck(directory);
    LabConstraint constraint = plan.constraint() == null ? null
        : LabConstraint.compile(plan.constraint(), model.vocabulary());
    List<StrategyGrid.Strategy> strategies = plan.strategies();
    List<int[]> prompts = new ArrayList<>();
    for (String prompt : plan.prompts()) {
      prompts.add(model.encode(prompt));
    }
    Path file = CellJournal.file(directory, shard);
    Set<Integer> done = new HashSet<>();
    for (CellResult result : CellJournal.readResults(file)) {
      done.add(result.cell());
    }
    List<Cell> shardCells = new ArrayList<>();
    List<Cell> todo = new ArrayList<>();
    for (Cell cell : plan.cells()) {
      if (shard.contains(cell)) {
        shardCells.add(cell);
        if (!done.contains(cell.index())) {
          todo.add(cell);
        }
      }
    }
    // Strategies take turns (prompt, then continuation, then strategy), so that a change of the
    // machine's load while the shard runs falls on every strategy's sampling time alike.
    todo.sort(Comparator.comparingInt(Cell::prompt).thenComparingInt(Cell::continuation)
        .thenComparingInt(Cell::strategy));
    log.printf("shard %s: %d cells, %d already in %s, %d to run%n", shard, shardCells.size(),
        shardCells.size() - todo.size(), file.getFileName(), todo.size());
    if (todo.isEmpty()) {
      return 0;
    }
    CellGenerator generator = new CellGenerator(model, plan.seed(), plan.maxTokens(), constraint);
    warmUp(generator, strategies, prompts.get(0));
    CellJournal.Header header = new CellJournal.Header(plan.fingerprint(), shard.index(),
        shard.count(), System.getProperty(LabThreads.INTRA_OP_PROPERTY),
        System.getenv("OMP_NUM_THREADS"), Runtime.version().toString(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    try (CellJournal journal = CellJournal.open(file, header);
        ProgressBar bar = progress ? progressBar(shardCells.size(), shardCells.size() - todo.size())
            : null) {
      for (Cell cell : todo) {
        journal.append(generator.generate(
            cell, strategies.get(cell.strategy()).spec(), prompts.get(cell.prompt())));
        if (bar != null) {
          bar.step();
        }
      }
    }
    return todo.size();
  }

  private void warmUp(CellGenerator generator, List<StrategyGrid.Strategy> strategies,
      int[] prompt) {
    float[] logits = new float[model.vocabularySize()];
    model.nextTokenLogits(prompt, prompt.length, logits);
    UniformRandomProvider random = Seeds.generator(plan.seed(), -1L);
    for (StrategyGrid.Strategy strategy : strategies) {
      Chain chain = generator.chain(strategy.spec());
      for (int call = 0; call < WARM_UP_CALLS; call++) {
        chain.apply(logits, 0, logits.length, random);
        chain.draw();
        chain.reset();
      }
    }
  }

  private static ProgressBar progressBar(int total, int done) {
    return new ProgressBarBuilder().setTaskName("cells").setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII).showSpeed().startsFrom(done, Duration.ZERO)
        .setUpdateIntervalMillis(500).build();
  }
}
