package dev.tokensampler.samples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab on the shipped model (GPT-2 vocabulary) through DJL: a constrained grid, run twice. */
class ShippedModelLabTest {
  @TempDir Path work;

  @Test
  void eachModelNameOpensTheModelOfThatName() throws IOException {
    for (String name : List.of("brown-bpe", "brown-gpt", FakeLabModel.NAME)) {
      try (LabModel model = LabModels.open(name)) {
        assertEquals(name, model.name());
        int[] prompt = model.encode("the cat");
        float[] logits = new float[model.vocabularySize()];
        model.nextTokenLogits(prompt, prompt.length, logits);
        assertEquals(model.vocabularySize(), model.vocabulary().size());
      }
    }
  }

  @Test
  void aConstrainedGridOnTheShippedModelIsValidAndRepeats() throws IOException {
    LabPlan plan = new LabPlan(LabModels.DEFAULT, 5L,
        List.of("temperature={0.8,1.2},top_k=40"), List.of("She looked at the"), 2, 12,
        new LabConstraint.Spec(LabConstraint.Kind.REGEX, "( [a-z]+){2,10}\\.",
            LabConstraint.Mode.ENFORCE));
    try (LabModel model = LabModels.open(LabModels.DEFAULT)) {
      assertEquals(50257, model.vocabularySize());
      for (String name : List.of("first", "second")) {
        Path out = work.resolve(name);
        new GridRunner(plan, out, Shard.ALL, model, false)
            .run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        JournalSet journals = JournalSet.read(out, plan);
        for (StrategySummary s : LabReport.write(out, plan, journals)) {
          assertTrue(s.meanEntropy() > 1 && s.meanEntropy() < Math.log(50257), s.toString());
          assertTrue(s.meanChainEntropy() < s.meanEntropy() + 1, s.toString());
        }
        int finished = 0;
        for (CellResult r : journals.results().values()) {
          if (r.stop().equals("constraint")) {
            finished++;
            assertTrue(r.valid(), r.text());
            assertTrue(r.text().endsWith("."), r.text());
          }
          assertFalse(r.text().isEmpty());
        }
        assertTrue(finished > 0, "some continuation completes the pattern within 12 words");
      }
    }
    for (String file : LabFiles.REPRODUCIBLE) {
      assertEquals(Files.readString(work.resolve("first").resolve(file)),
          Files.readString(work.resolve("second").resolve(file)), file);
    }
  }
}
