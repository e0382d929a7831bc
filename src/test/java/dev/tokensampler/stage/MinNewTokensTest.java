package dev.tokensampler.stage;

import static dev.tokensampler.stage.StageRun.logitsAfter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.SamplerConfig;
import dev.tokensampler.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link MinNewTokens} against transformers' {@code MinNewTokensLength} test
 * ({@code reference-vectors/hf.md}, Min length / min new tokens: prompt 5, {@code min_new_tokens}
 * 3, EOS 0 or {0, 18}, vocabulary 20; EOS masked at lengths 5, 6, 7, free at 8 and 15), on both
 * forms of the candidates.
 */
class MinNewTokensTest {
  private static final float NEG = Float.NEGATIVE_INFINITY;

  /** A stage that has read a 5-token prompt, been applied once, and accepted {@code n} tokens. */
  private static MinNewTokens afterNewTokens(int n, int... eos) {
    MinNewTokens stage = StageRun.accepted(new MinNewTokens(3, eos), 1, 2, 3, 4, 5);
    for (int i = 0; i < n; i++) {
      stage.apply(CandidatePath.WHOLE_VOCABULARY.start(new float[20]));
      stage.accept(7);
    }
    return stage;
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void eosIsMaskedUntilThreeNewTokens(CandidatePath path) {
    for (int[] eos : new int[][] {{0}, {0, 18}}) {
      for (int length : new int[] {5, 6, 7, 8, 15}) {
        int newTokens = length - 5;
        float[] out = logitsAfter(path, new float[20], afterNewTokens(newTokens, eos));
        for (int id : eos) {
          boolean masked = out[id] == NEG;
          assertEquals(length < 8, masked, "length " + length + ", eos " + id);
        }
        assertEquals(0f, out[1], "other tokens are untouched");
      }
    }
  }

  @Test
  void theSamplerNeverEndsBeforeTheMinimumAndEndsAfterIt() {
    // EOS (id 0) is by far the most likely token.
    float[] logits = {10f, 0f, 0f};
    SamplerConfig config = SamplerConfig.builder().stage(new MinNewTokens(4, 0)).build();
    Sampler sampler = config.newSampler(3L);
    sampler.accept(1);
    sampler.accept(2);
    for (int step = 0; step < 4; step++) {
      assertTrue(sampler.sample(logits) != 0, "step " + step);
    }
    assertEquals(0, sampler.sample(logits));
    sampler.reset();
    sampler.accept(2);
    assertTrue(sampler.sample(logits) != 0, "reset starts a new prompt");
  }

  /** An EOS token whose logit is NaN or +Infinity is an error, not a masked token. */
  @Test
  void invalidLogitsAtAnEosTokenAreStillAnError() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      float[] logits = {0f, 1f, bad};
      Candidates c = CandidatePath.WHOLE_VOCABULARY.start(logits);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
        new MinNewTokens(2, 0, 2).apply(c);
        c.validate();
      });
      assertTrue(e.getMessage().startsWith("logits[2] is "), e.getMessage());
    }
  }

  @Test
  void zeroMinimumChangesNothingAndAnEosOutsideTheVocabularyIsAnError() {
    assertEquals(0f, logitsAfter(CandidatePath.WHOLE_VOCABULARY, new float[3],
        new MinNewTokens(0, 1))[1]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new MinNewTokens(2, 5).apply(CandidatePath.WHOLE_VOCABULARY.start(new float[3])));
    assertEquals("eos_token_id 5 is outside the vocabulary of size 3", e.getMessage());
  }

  /**
   * A first step that a later stage fails leaves the stage reading the prompt: the prompt tokens
   * fed after it are not new tokens.
   */
  @Test
  void aStepThatALaterStageFailsDoesNotEndThePrompt() {
    float[] logits = {10f, 0f, 0f};
    boolean[] fail = {true};
    Stage failOnce = c -> {
      if (fail[0]) {
        fail[0] = false;
        throw new IllegalStateException("the model server went away");
      }
    };
    SamplerConfig config = SamplerConfig.builder()
        .stage(new MinNewTokens(3, 0)).stage(failOnce).build();
    Sampler sampler = config.newSampler(3L);
    sampler.accept(1);
    assertThrows(IllegalStateException.class, () -> sampler.sample(logits));
    sampler.accept(2);
    sampler.accept(1);
    sampler.accept(2);
    for (int step = 0; step < 3; step++) {
      assertTrue(sampler.sample(logits) != 0, "step " + step);
    }
    assertEquals(0, sampler.sample(logits));
  }
}
