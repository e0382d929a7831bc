package dev.tokensampler.samples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;

class LabConstraintAndChartsTest {
  private static final String REGEX = "\\{\"name\":\"( cat| dog)\"\\}";

  @TempDir Path work;

  private List<StrategySummary> run(LabConstraint.Mode mode, Path out) throws IOException {
    LabPlan plan = new LabPlan(FakeLabModel.NAME, 3L, List.of("temperature={0.8,1.5}"),
        List.of("the cat", "a dog"), 3, 16,
        new LabConstraint.Spec(LabConstraint.Kind.REGEX, REGEX, mode));
    new GridRunner(plan, out, Shard.ALL, new FakeLabModel(), false)
        .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    JournalSet journals = JournalSet.read(out, plan);
    return LabReport.write(out, plan, journals);
  }

  @Test
  void anEnforcedConstraintMakesEveryContinuationValid() throws IOException {
    Path out = work.resolve("enforced");
    for (StrategySummary s : run(LabConstraint.Mode.ENFORCE, out)) {
      assertEquals(1.0, s.validity(), 0, s.label());
    }
    List<String> cells = Files.readAllLines(out.resolve(LabReport.CELLS_CSV));
    assertTrue(cells.get(1).contains(",constraint,"), cells.get(1));
    assertTrue(cells.get(1).endsWith("true,\"{\"\"name\"\":\"\" cat\"\"}\"")
        || cells.get(1).endsWith("true,\"{\"\"name\"\":\"\" dog\"\"}\""), cells.get(1));
  }

  @Test
  void aMeasuredConstraintLeavesTheTextFreeAndCountsIt() throws IOException {
    for (StrategySummary s : run(LabConstraint.Mode.MEASURE, work.resolve("measured"))) {
      assertEquals(0.0, s.validity(), 0, "free text of the fake model is no JSON: " + s.label());
    }
  }

  @Test
  void aSchemaConstraintCompilesAgainstTheModelVocabulary() {
    LabConstraint schema = LabConstraint.compile(new LabConstraint.Spec(
        LabConstraint.Kind.JSON_SCHEMA,
        "{\"type\":\"object\",\"properties\":{\"age\":{\"type\":\"integer\"}},"
            + "\"required\":[\"age\"],\"additionalProperties\":false}",
        LabConstraint.Mode.ENFORCE), new FakeLabModel().vocabulary());
    // {"age":17} in the fake model's tokens: { " age " : 1 7 }
    assertTrue(schema.isValid(new int[] {17, 19, 23, 19, 20, 25, 28, 18}));
    assertTrue(!schema.isValid(new int[] {17, 19, 23, 19, 20, 25, 28}), "not closed");
    assertTrue(!schema.isValid(new int[] {17, 19, 22, 19, 20, 25, 18}), "wrong key");
  }

  @Test
  void chartsNameTheModelAndThePrompt() throws IOException {
    LabPlan plan = new LabPlan(FakeLabModel.NAME, 3L,
        List.of("temperature={0.5,1.5},top_k=5", "min_p=0.3"), List.of("the cat", "a dog"), 2,
        8, null);
    Path out = work.resolve("charts");
    FakeLabModel model = new FakeLabModel();
    new GridRunner(plan, out, Shard.ALL, model, false)
        .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    List<StrategySummary> summaries = LabReport.write(out, plan, JournalSet.read(out, plan));
    List<Path> files = LabCharts.write(out, plan, summaries, model);
    assertEquals(List.of(LabCharts.SCATTER, LabCharts.TEMPERATURE, "truncation-0.png",
        "truncation-1.png", "truncation-2.png"),
        files.stream().map(f -> f.getFileName().toString()).toList());
    for (Path file : files) {
      BufferedImage image = ImageIO.read(file.toFile());
      assertNotNull(image, file.toString());
    }
    float[] logits = new float[model.vocabularySize()];
    int[] prompt = model.encode("the cat");
    model.nextTokenLogits(prompt, prompt.length, logits);
    CategoryChart bars = LabCharts.truncation(logits, model, plan.strategies().get(1), 3L,
        "fake, prompt \"the cat\"");
    assertTrue(bars.getTitle().contains("temperature=1.5,top_k=5"), bars.getTitle());
    assertTrue(bars.getTitle().contains("fake, prompt \"the cat\""), bars.getTitle());
    // After top-k 5, exactly five of the bars are non-zero and they sum to 1.
    double sum = 0;
    int kept = 0;
    for (Number y : bars.getSeriesMap().get("after temperature=1.5,top_k=5").getYData()) {
      sum += y.doubleValue();
      kept += y.doubleValue() > 0 ? 1 : 0;
    }
    assertEquals(5, kept);
    assertEquals(1.0, sum, 1e-5);
    assertTrue(LabCharts.scatter(plan, summaries, "fake").getTitle().contains("fake"));
    assertEquals(List.of(0.5f, 1f, 1.5f), asList(LabCharts.temperatures(plan)));
  }

  private static List<Float> asList(float[] values) {
    Float[] boxed = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return List.of(boxed);
  }
}
