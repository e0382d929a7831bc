package dev.tokensampler.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.stage.TokenMask;
import java.util.BitSet;
import org.junit.jupiter.api.Test;

/**
 * The sample's custom stages are as strict as the built-in masks: a banned token whose logit is
 * NaN fails the step naming it, instead of being hidden by the ban (the draw would then return
 * another token as if the input were valid).
 */
class CustomStageTest {
  private static final float[] NAN_AT_BANNED = {Float.NaN, 2.6f, 2.4f, 1.9f};

  private static void assertRejected(SamplerConfig config, float[] logits) {
    Sampler sampler = config.newSampler(1L);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits));
    assertEquals("logits[0] is NaN; logits must be finite or -Infinity", e.getMessage());
  }

  @Test
  void banningATokenWhoseLogitIsNanFailsAsTheBuiltInMaskDoes() {
    BitSet mat = new BitSet();
    mat.set(CustomStage.MAT);
    assertRejected(SamplerConfig.builder().stage(TokenMask.banning(mat)).build(), NAN_AT_BANNED);
    assertRejected(
        SamplerConfig.builder().stage(new CustomStage.BanTokens(CustomStage.MAT)).build(),
        NAN_AT_BANNED);
    assertRejected(SamplerConfig.builder().stage(new CustomStage.BanTokens(CustomStage.MAT))
        .temperature(0.8f).build(), NAN_AT_BANNED);
  }

  @Test
  void noRepeatOverANanFails() {
    SamplerConfig config = SamplerConfig.builder().stage(new CustomStage.NoRepeat()).build();
    Sampler sampler = config.newSampler(1L);
    sampler.accept(0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(NAN_AT_BANNED));
    assertEquals("logits[0] is NaN; logits must be finite or -Infinity", e.getMessage());
  }

  @Test
  void validLogitsSampleAsBefore() {
    Sampler banned = SamplerConfig.builder()
        .stage(new CustomStage.BanTokens(CustomStage.MAT)).build().newSampler(7L);
    for (int i = 0; i < 50; i++) {
      int token = banned.sample(CustomStage.LOGITS);
      assertEquals(true, token != CustomStage.MAT, "the banned token is never drawn");
    }
  }
}
