package dev.tokensampler.stage;

import static dev.tokensampler.stage.StageRun.logitsAfter;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link LogitBias} on both forms of the candidates. */
class LogitBiasTest {
  /**
   * hf.md, Sequence bias: the one-token keys {@code (1,) -> +100} and {@code (4,) -> +100} on zero
   * scores give 100 at ids 1 and 4 in both rows (the multi-token keys are {@link BannedSequences}'
   * business and are left out here).
   */
  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void oneTokenSequenceBiasesOfTransformers(CandidatePath path) {
    LogitBias bias = new LogitBias(Map.of(1, 100f, 4, 100f));
    assertArrayEquals(new float[] {0, 100, 0, 0, 100}, logitsAfter(path, new float[5], bias));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void biasesAddAndMinusInfinityBans(CandidatePath path) {
    float[] logits = {1f, 2f, 3f, -1f};
    Map<Integer, Float> map = new HashMap<>();
    map.put(0, -0.5f);
    map.put(2, Float.NEGATIVE_INFINITY);
    map.put(3, 2.5f);
    Candidates c = StageRun.apply(path, logits, new LogitBias(map));
    float[] out = StageRun.byId(c, 4);
    assertArrayEquals(new float[] {0.5f, 2f, Float.NEGATIVE_INFINITY, 1.5f}, out);
    assertEquals(0f, CandidatePath.probabilityOf(c, 2));
    assertArrayEquals(new float[] {1f, 2f, 3f, -1f}, logits, "the caller's logits are not written");
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void aPendingTemperatureIsAppliedBeforeTheBias(CandidatePath path) {
    float[] out = logitsAfter(path, new float[] {1f, 2f},
        new Temperature(0.5f), new LogitBias(Map.of(1, 1f)));
    assertArrayEquals(new float[] {2f, 5f}, out);
  }

  @Test
  void anIdOutsideTheVocabularyIsAnError() {
    LogitBias bias = new LogitBias(Map.of(1, 1f, 7, 1f));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> bias.apply(CandidatePath.WHOLE_VOCABULARY.start(new float[5])));
    assertEquals("logit_bias token 7 is outside the vocabulary of size 5", e.getMessage());
  }

  @Test
  void theMapIsCopiedAndReadBack() {
    Map<Integer, Float> map = new HashMap<>(Map.of(3, 1f, 1, -2f));
    LogitBias bias = new LogitBias(map);
    map.put(5, 9f);
    assertEquals(Map.of(1, -2f, 3, 1f), bias.biases());
    assertEquals("logit_bias={1:-2.0,3:1.0}", bias.toString());
    assertSame(bias, bias.copy());
  }
}
