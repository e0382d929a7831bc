package dev.tokensampler.samples.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.ChildJvm;
import dev.tokensampler.Sampler;
import dev.tokensampler.config.SamplerSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DecodingLabTest {
  @TempDir Path work;

  private Path runWhole(String name) throws IOException {
    Path out = work.resolve(name);
    assertEquals(0, DecodingLab.execute(LabFiles.runArgs(work, out).toArray(String[]::new)));
    return out;
  }

  @Test
  void sameGridGivesByteIdenticalOutputsAndKeepsTimingApart() throws IOException {
    Path first = runWhole("first");
    Path second = runWhole("second");
    LabFiles.assertSameBytes(first, second);
    List<String> rows = Files.readAllLines(first.resolve(LabReport.STRATEGIES_CSV));
    assertEquals(4, rows.size(), "a header and three strategies");
    assertFalse(rows.get(0).contains("us"), rows.get(0));
    assertEquals(18, Files.readAllLines(first.resolve(LabReport.CELLS_CSV)).size() - 1);
    assertTrue(Files.readString(first.resolve(LabReport.TIMING_CSV))
        .startsWith("strategy,label,steps,sampling_us_per_token"));
  }

  @Test
  void anotherSeedGivesOtherText() throws IOException {
    Path first = runWhole("first");
    Path other = work.resolve("other");
    List<String> args = LabFiles.runArgs(work, other);
    args.set(args.indexOf("--seed") + 1, "8");
    assertEquals(0, DecodingLab.execute(args.toArray(String[]::new)));
    assertNotEquals(Files.readString(first.resolve(LabReport.CELLS_CSV)),
        Files.readString(other.resolve(LabReport.CELLS_CSV)));
  }

  @Test
  void shardsRunInSeparateProcessesInAnyOrderMergeToTheSameBytes() throws Exception {
    Path whole = runWhole("whole");
    Path sharded = work.resolve("sharded");
    List<String> args = LabFiles.runArgs(work, sharded);
    for (String shard : new String[] {"2/3", "0/3"}) {
      List<String> shardArgs = new ArrayList<>(args);
      shardArgs.addAll(List.of("--shard", shard));
      ChildJvm.Result child =
          ChildJvm.run(List.of(), DecodingLab.class, shardArgs.toArray(String[]::new));
      assertEquals(0, child.exitCode, child.output);
      assertFalse(Files.exists(sharded.resolve(LabReport.STRATEGIES_CSV)), "a shard merges nothing");
    }
    assertEquals(2, DecodingLab.execute("merge", "--out", sharded.toString(), "--no-charts"),
        "shard 1/3 has not run");
    List<String> last = new ArrayList<>(args);
    last.addAll(List.of("--shard", "1/3"));
    ChildJvm.Result child = ChildJvm.run(List.of(), DecodingLab.class, last.toArray(String[]::new));
    assertEquals(0, child.exitCode, child.output);
    assertEquals(0, DecodingLab.execute("merge", "--out", sharded.toString(), "--no-charts"));
    LabFiles.assertSameBytes(whole, sharded);
  }

  @Test
  void resumesAnInterruptedGridWithoutRedoingFinishedCells() throws Exception {
    Path whole = runWhole("whole");
    Path resumed = work.resolve("resumed");
    RunCommand command = new RunCommand();
    List<String> args = LabFiles.runArgs(work, resumed);
    new picocli.CommandLine(command).parseArgs(args.subList(1, args.size()).toArray(String[]::new));
    LabPlan plan = command.plan();
    // The interrupted run: all cells, then the journal cut after 7 cells and inside the 8th.
    new GridRunner(plan, resumed, Shard.ALL, new FakeLabModel(), false).run(quiet());
    Path journal = CellJournal.file(resumed, Shard.ALL);
    List<String> lines = Files.readAllLines(journal);
    String cut = String.join("\n", lines.subList(0, 8)) + "\n" + lines.get(8).substring(0, 20);
    Files.writeString(journal, cut, StandardCharsets.UTF_8);
    List<CellResult> kept = CellJournal.readResults(journal);
    assertEquals(7, kept.size());

    CountingModel model = new CountingModel();
    int ran = new GridRunner(plan, resumed, Shard.ALL, model, false).run(quiet());
    assertEquals(18 - 7, ran);
    java.util.Set<Integer> keptCells = new java.util.HashSet<>();
    kept.forEach(r -> keptCells.add(r.cell()));
    int steps = 0;
    List<CellResult> all = CellJournal.readResults(journal);
    assertEquals(18, all.size());
    for (CellResult result : all) {
      if (!keptCells.contains(result.cell())) {
        steps += result.steps();
      }
    }
    assertEquals(1 + steps, model.forwardPasses, "one pass to warm up, then the 11 cells only");
    assertEquals(0, new GridRunner(plan, resumed, Shard.ALL, model, false).run(quiet()));
    assertEquals(0, MergeCommand.writeOutputs(resumed, plan, null));
    LabFiles.assertSameBytes(whole, resumed);
  }

  @Test
  void aCellDrawsTheTokensOfASamplerOnItsStream() {
    assertDrawsAsASampler(new FakeLabModel(), "repetition_penalty=1.3,temperature=0.9,top_p=0.8");
  }

  @Test
  void aCellDrawsTheTokensOfASamplerWithAWholeVocabularyNucleus() {
    // At V = 4,096 top-p leaves its nucleus pending until the draw: the generator's measures
    // must not resolve it first (that changes the token drawn from the same random value).
    assertDrawsAsASampler(new WideTestModel(), "temperature=0.7,top_p=0.9");
    assertDrawsAsASampler(new WideTestModel(), "top_k=50,temperature=1.3,min_p=0.02");
  }

  private static void assertDrawsAsASampler(LabModel model, String text) {
    SamplerSpec spec = SamplerSpec.parse(text);
    int[] prompt = model.encode("the cat sat");
    Cell cell = Cell.of(0, 0, 0, 2, spec, "the cat sat");
    CellResult result = new CellGenerator(model, 11L, 25, null).generate(cell, spec, prompt);

    Sampler sampler = spec.config().newSampler(11L, cell.stream());
    for (int token : prompt) {
      sampler.accept(token);
    }
    int[] tokens = Arrays.copyOf(prompt, prompt.length + 25);
    int length = prompt.length;
    float[] logits = new float[model.vocabularySize()];
    List<Integer> expected = new ArrayList<>();
    while (length < tokens.length) {
      model.nextTokenLogits(tokens, length, logits);
      int token = sampler.sample(logits);
      if (token == model.endOfSequence()) {
        break;
      }
      tokens[length++] = token;
      expected.add(token);
    }
    assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), result.tokens());
    assertTrue(result.tokens().length > 3, "a continuation worth comparing");
  }

  @Test
  void aCellsStreamDependsOnItsStrategyPromptAndNumberOnly() {
    SamplerSpec spec = SamplerSpec.parse("temperature=0.7");
    long stream = Cell.of(0, 0, 0, 1, spec, "a").stream();
    assertEquals(stream, Cell.of(99, 5, 3, 1, SamplerSpec.parse("temperature=0.70"), "a").stream());
    assertNotEquals(stream, Cell.of(0, 0, 0, 2, spec, "a").stream());
    assertNotEquals(stream, Cell.of(0, 0, 0, 1, spec, "b").stream());
    assertNotEquals(stream, Cell.of(0, 0, 0, 1, SamplerSpec.parse("temperature=0.8"), "a").stream());
  }

  @Test
  void refusesABadGridAndAnotherGridInTheSameDirectory() throws IOException {
    Path out = runWhole("used");
    List<String> bad = LabFiles.runArgs(work, work.resolve("bad"));
    bad.set(bad.indexOf("min_p=0.2"), "top_p=1.5");
    assertEquals(2, DecodingLab.execute(bad.toArray(String[]::new)));
    assertFalse(Files.exists(work.resolve("bad").resolve(LabPlan.FILE_NAME)));
    List<String> other = LabFiles.runArgs(work, out);
    other.set(other.indexOf("min_p=0.2"), "min_p=0.3");
    assertEquals(2, DecodingLab.execute(other.toArray(String[]::new)));
    RunCommand command = new RunCommand();
    new picocli.CommandLine(command).parseArgs(other.subList(1, other.size()).toArray(String[]::new));
    IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> command.plan().writeOrCheck(out));
    assertTrue(refused.getMessage().contains("another grid"), refused.getMessage());
    assertEquals(2, DecodingLab.execute("run", "--model", "fake", "--prompts",
        work.resolve("prompts.txt").toString(), "--grid", "top_k=3", "--shard", "3/3", "--out",
        work.resolve("shard").toString()));
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
  }
}
