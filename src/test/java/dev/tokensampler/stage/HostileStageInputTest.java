package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Stages given ids, masks and call orders that an attacker or a careless caller would give. */
class HostileStageInputTest {
  /** The fingerprint of a saved state holds this text: it must not change with the storage. */
  @Test
  void maskTextIsThatOfItsBitSet() {
    for (int[] ids : new int[][] {{1, 5, 200}, {0}, {3, 64, 65, 127, 128, 4000, 4001, 9, 10, 11}}) {
      BitSet set = new BitSet();
      for (int id : ids) {
        set.set(id);
      }
      String summary = set.cardinality() <= 8 ? set.toString() : set.cardinality() + " tokens";
      assertEquals("banned_tokens=" + summary + " #" + Integer.toHexString(set.hashCode()),
          TokenMask.banning(set).toString());
      assertEquals("allowed_tokens=" + summary + " #" + Integer.toHexString(set.hashCode()),
          TokenMask.allowing(set).toString());
      assertEquals(set, TokenMask.banning(set).banned());
      assertEquals(set, TokenMask.allowing(set).allowed());
    }
  }

  /** A failed first sample leaves MinNewTokens reading the prompt. */
  @Test
  void minNewTokensStillReadsThePromptAfterAFailedFirstSample() {
    Sampler sampler =
        SamplerConfig.builder().stage(new MinNewTokens(3, 0)).build().newSampler(5L);
    sampler.accept(1);
    sampler.accept(2);
    float[] bad = {Float.NaN, 0f, 0f, 0f};
    assertThrows(IllegalArgumentException.class, () -> sampler.sample(bad));
    sampler.accept(3);
    sampler.accept(1);
    sampler.accept(2);
    float[] eosFirst = {20f, 0f, 0f, 0f};
    for (int step = 0; step < 3; step++) {
      assertNotEquals(0, sampler.sample(eosFirst), "step " + step);
    }
    assertEquals(0, sampler.sample(eosFirst));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void badWordsAndBreakerIdsOutsideTheVocabularyAreErrors(CandidatePath path) {
    float[] logits = new float[5];
    BannedSequences banned = new BannedSequences(List.of(new int[] {1, 9}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StageRun.apply(path, logits, banned));
    assertTrue(e.getMessage().startsWith("bad_words_ids token 9 is outside the vocabulary of size"),
        e.getMessage());
    Dry dry = StageRun.accepted(new Dry(1f, 1.75f, 2, 10, List.of(new int[] {2, 7})), 0, 1, 0, 1);
    e = assertThrows(IllegalArgumentException.class, () -> StageRun.apply(path, logits, dry));
    assertTrue(e.getMessage().startsWith(
        "dry_sequence_breakers token 7 is outside the vocabulary of size"), e.getMessage());
    assertTrue(StageRun.apply(path, logits, new BannedSequences(List.of(new int[] {1, 4})))
        .size() > 0);
  }

  /** An overflow inside a stage names the stage, not the caller's logits. */
  @Test
  void infinitiesCreatedByAStageNameTheStage() {
    float[] logits = new float[8];
    logits[5] = 3e38f;
    Stage[][] chains = {
        {new LogitBias(java.util.Map.of(5, 3e38f))},
        {StageRun.accepted(new RepetitionPenalty(0.1f, 8), 5)},
        {StageRun.accepted(new FrequencyPresencePenalty(-3e38f, 0f, 8), 5, 5)},
    };
    for (Stage[] chain : chains) {
      SamplerConfig.Builder builder = SamplerConfig.builder();
      for (Stage stage : chain) {
        builder.stage(stage);
      }
      Sampler sampler = builder.build().newSampler(1L);
      sampler.accept(5);
      sampler.accept(5);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits));
      assertTrue(e.getMessage().startsWith("stage " + chain[0]), e.getMessage());
      assertTrue(e.getMessage().contains("token 5"), e.getMessage());
      assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
    }
    float[] bad = logits.clone();
    bad[5] = Float.NaN;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SamplerConfig
        .builder().stage(new LogitBias(java.util.Map.of(5, 1f))).build().newSampler(1L)
        .sample(bad));
    assertEquals("logits[5] is NaN; logits must be finite or -Infinity", e.getMessage());
  }
}
