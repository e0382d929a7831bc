package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokensampler.stage.BannedSequences;
import dev.tokensampler.stage.Dry;
import dev.tokensampler.stage.DynamicTemperature;
import dev.tokensampler.stage.EpsilonCutoff;
import dev.tokensampler.stage.EtaCutoff;
import dev.tokensampler.stage.FrequencyPresencePenalty;
import dev.tokensampler.stage.LogitBias;
import dev.tokensampler.stage.MinNewTokens;
import dev.tokensampler.stage.MinP;
import dev.tokensampler.stage.MirostatV1;
import dev.tokensampler.stage.MirostatV2;
import dev.tokensampler.stage.NoRepeatNGram;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.TopNSigma;
import dev.tokensampler.stage.TypicalP;
import dev.tokensampler.stage.Xtc;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The builder methods of the history and truncation stages append them in call order. */
class SamplerConfigBuilderTest {
  @Test
  void builderMethodsAppendTheirStagesInOrder() {
    SamplerConfig config = SamplerConfig.builder()
        .logitBias(Map.of(3, -1f)).repetitionPenalty(1.1f).repetitionPenalty(1.2f, 64)
        .frequencyPresencePenalty(0.1f, 0.2f).dry(0.8f, 1.75f, 2, -1, List.of(new int[] {13}))
        .noRepeatNGram(3).bannedSequences(List.of(new int[] {4, 5})).minNewTokens(2, 0)
        .topNSigma(1.5f).typicalP(0.9f).minP(0.05f).xtc(0.5f, 0.1f).epsilonCutoff(3e-4f)
        .etaCutoff(1e-3f).dynamicTemperature(0.8f, 0.5f, 1f).mirostatV1(5f, 0.1f)
        .mirostatV2(5f, 0.1f).build();
    assertEquals(List.of(LogitBias.class, RepetitionPenalty.class, RepetitionPenalty.class,
        FrequencyPresencePenalty.class, Dry.class, NoRepeatNGram.class, BannedSequences.class,
        MinNewTokens.class, TopNSigma.class, TypicalP.class, MinP.class, Xtc.class,
        EpsilonCutoff.class, EtaCutoff.class, DynamicTemperature.class, MirostatV1.class,
        MirostatV2.class),
        config.stages().stream().map(Object::getClass).collect(Collectors.toList()));
  }

  @Test
  void builderMethodsValidateWithTheParameterName() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SamplerConfig.builder().minP(1.5f));
    assertEquals("min_p must be in [0, 1], got 1.5", e.getMessage());
  }
}
