package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.config.SamplerSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The penalty options: {@code prompt_ignore_length} of transformers' repetition penalty and
 * {@code normalize} (the variant proposed for it in transformers pull request 48642), with the
 * values of the transformers tests ({@code test_repetition_penalty_normalized},
 * {@code ..._normalized_reward} of that pull request, {@code ..._exclusion_no_new_input_ids},
 * {@code ..._exclusion_with_new_input_ids}), and
 * frequency/presence penalties counting generated tokens only (OpenAI, vLLM).
 */
class PenaltyOptionsTest {
  private static final int V = 10;

  private static float[] uniform() {
    float[] scores = new float[V];
    Arrays.fill(scores, 1f / V);
    return scores;
  }

  private static double[] logSoftmax(float[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : x) {
      sum += Math.exp(v - max);
    }
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - max - Math.log(sum);
    }
    return out;
  }

  /** softmax of transformers' processed scores: log p, times the penalty for the seen tokens. */
  private static double[] expectedNormalized(float[] scores, float penalty, int... seen) {
    double[] processed = logSoftmax(scores);
    for (int t : seen) {
      processed[t] *= penalty;
    }
    double max = Arrays.stream(processed).max().getAsDouble();
    double sum = Arrays.stream(processed).map(v -> Math.exp(v - max)).sum();
    return Arrays.stream(processed).map(v -> Math.exp(v - max) / sum).toArray();
  }

  private static void assertDistribution(double[] expected, float[] logits, Stage stage) {
    for (TruncationPath path : TruncationPath.values()) {
      Candidates c = path.start(logits, 1);
      stage.apply(c);
      float[] p = StageRun.probabilitiesById(c, logits.length);
      for (int i = 0; i < logits.length; i++) {
        assertEquals(expected[i], p[i], 1e-6, path + " token " + i);
      }
    }
  }

  @Test
  void normalizedPenaltyMatchesTheProposedTransformersValues() {
    float[] row0 = uniform();
    row0[0] = -(1f / V);
    assertDistribution(expectedNormalized(row0, 2f, 0, 1), row0,
        StageRun.accepted(new RepetitionPenalty(2f, -1, true, 0), 0, 1));
    float[] row1 = uniform();
    row1[5] = 4f / V;
    assertDistribution(expectedNormalized(row1, 2f, 5, 0), row1,
        StageRun.accepted(new RepetitionPenalty(2f, -1, true, 0), 5, 0));
    // The reward case: penalty 0.5 moves the seen tokens' log-probabilities towards 0.
    float[] reward = uniform();
    reward[0] = 0.5f;
    double[] expected = expectedNormalized(reward, 0.5f, 0, 1);
    assertDistribution(expected, reward,
        StageRun.accepted(new RepetitionPenalty(0.5f, -1, true, 0), 0, 1));
    assertTrue(expected[0] > Math.exp(logSoftmax(reward)[0]), "a rewarded token gains");
    // Without normalize the positive logit 0.5 would be divided, the negative row multiplied:
    // the normalized form differs.
    float[] plain = StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, row0,
        StageRun.accepted(new RepetitionPenalty(2f), 0, 1));
    assertEquals(-0.2f, plain[0], 1e-7f);
  }

  @Test
  void promptIgnoreLengthLeavesThePromptOut() {
    float[] scores = uniform();
    scores[0] = -(1f / V);
    RepetitionPenalty stage = StageRun.accepted(new RepetitionPenalty(2f, -1, false, 2), 0, 1);
    assertArrayEquals(scores, StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, scores, stage),
        "the two prompt tokens are ignored: nothing changes");
    StageRun.accepted(stage, 0, 1);
    float[] after = StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, scores, stage);
    assertEquals(-(1f / V) * 2, after[0], 1e-7f);
    assertEquals((1f / V) / 2, after[1], 1e-7f);
    assertEquals(1f / V, after[2], 0f);
    stage.reset();
    StageRun.accepted(stage, 3, 4);
    assertArrayEquals(scores, StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, scores, stage),
        "after a reset the next two tokens are the prompt again");
    assertThrows(IllegalArgumentException.class, () -> new RepetitionPenalty(2f, -1, false, -1));
  }

  @Test
  void optionsSurviveSaveRestoreAndCopy() throws Exception {
    RepetitionPenalty stage = StageRun.accepted(new RepetitionPenalty(1.5f, -1, true, 3), 4, 5);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    stage.saveState(new DataOutputStream(bytes));
    RepetitionPenalty restored = new RepetitionPenalty(1.5f, -1, true, 3);
    restored.restoreState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    Stage copy = stage.copy();
    for (Stage s : new Stage[] {stage, restored, copy}) {
      StageRun.accepted(s, 6, 7);
    }
    float[] logits = uniform();
    float[] expected = StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, logits, stage);
    assertArrayEquals(expected, StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, logits, restored));
    assertArrayEquals(expected, StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, logits, copy));
    // Tokens 4, 5, 6 were the three ignored ones; 7 counts.
    assertEquals(1f / V, expected[6], 0f, Arrays.toString(expected));
    assertTrue(expected[7] < 1f / V, Arrays.toString(expected));
  }

  @Test
  void frequencyAndPresenceCanCountGeneratedTokensOnly() {
    float[] logits = uniform();
    FrequencyPresencePenalty generated = new FrequencyPresencePenalty(0.5f, 0.25f, -1, true);
    FrequencyPresencePenalty all = new FrequencyPresencePenalty(0.5f, 0.25f, -1, false);
    FrequencyPresencePenalty reference = new FrequencyPresencePenalty(0.5f, 0.25f);
    for (Stage s : new Stage[] {generated, all}) {
      StageRun.accepted(s, 1, 1, 2); // the prompt
    }
    // First step: the prompt counts only for the default stage.
    assertArrayEquals(StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, logits, reference),
        StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, logits, generated));
    float[] first = StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, logits, all);
    assertEquals(1f / V - (2 * 0.5f + 0.25f), first[1], 1e-6f);
    // Generated tokens count.
    for (Stage s : new Stage[] {generated, reference}) {
      StageRun.accepted(s, 3, 3);
    }
    float[] later = StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, logits, generated);
    assertArrayEquals(StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, logits, reference), later);
    assertEquals(1f / V - (2 * 0.5f + 0.25f), later[3], 1e-6f);
    assertEquals(1f / V, later[1], 0f);
    generated.reset();
    StageRun.accepted(generated, 3);
    assertArrayEquals(logits, StageRun.logitsAfter(CandidatePath.WHOLE_VOCABULARY, logits, generated),
        "after a reset, tokens before the first step are the prompt again");
  }

  @Test
  void specKeys() {
    SamplerSpec spec = SamplerSpec.parse("repetition_penalty=1.3,repetition_penalty_normalize=true,"
        + "prompt_ignore_length=5,frequency_penalty=0.2,penalty_generated_only=true,seed=3");
    RepetitionPenalty r = (RepetitionPenalty) spec.config().stages().get(0);
    assertTrue(r.normalize());
    assertEquals(5, r.promptIgnoreLength());
    assertTrue(((FrequencyPresencePenalty) spec.config().stages().get(1)).generatedOnly());
    assertEquals(spec, SamplerSpec.parse(spec.toString()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SamplerSpec.parse("repetition_penalty=1.3,repetition_penalty_normalize=yes"));
    assertTrue(e.getMessage().contains("repetition_penalty_normalize")
        && e.getMessage().contains("yes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SamplerSpec.parse("prompt_ignore_length=3"));
    assertTrue(e.getMessage().contains("repetition_penalty"), e.getMessage());
  }
}
