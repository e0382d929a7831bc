package dev.tokensampler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.search.BeamSearchSettings;
import dev.tokensampler.search.EarlyStopping;
import org.junit.jupiter.api.Test;

/**
 * The multi-sequence keys in specs and {@code generation_config.json}: parsed with their types,
 * written back canonically, checked (naming the key and value), and turned into the
 * {@link BeamSearchSettings} the generation loop runs.
 */
class MultiSequenceKeysTest {
  @Test
  void specKeysMakeTheBeamSettings() {
    SamplerSpec spec = SamplerSpec.parse("temperature=0,num_beams=6,num_beam_groups=3,"
        + "diversity_penalty=0.5,length_penalty=-0.5,early_stopping=never,num_return_sequences=4");
    BeamSearchSettings s = spec.beamSearch();
    assertEquals(6, s.numBeams());
    assertEquals(3, s.numBeamGroups());
    assertEquals(0.5f, s.diversityPenalty());
    assertEquals(-0.5f, s.lengthPenalty());
    assertEquals(EarlyStopping.NEVER, s.earlyStopping());
    assertEquals(4, s.numReturnSequences());
    assertEquals("never", spec.value("early_stopping"));
    assertEquals(spec, SamplerSpec.parse(spec.toString()), spec.toString());
    assertTrue(spec.toString().endsWith("num_return_sequences=4"), spec.toString());

    BeamSearchSettings defaults = SamplerSpec.parse("temperature=0.7").beamSearch();
    assertEquals(BeamSearchSettings.builder().build(), defaults);
    assertEquals(3, SamplerSpec.parse("temperature=0.7,seed=1,num_return_sequences=3")
        .beamSearch().numReturnSequences());
    assertEquals(EarlyStopping.TRUE,
        SamplerSpec.parse("num_beams=2,early_stopping=TRUE").beamSearch().earlyStopping());
  }

  @Test
  void badMultiSequenceSpecsNameTheKeyAndValue() {
    String[][] cases = {
      {"num_beams=0", "num_beams"},
      {"num_beams=4,num_beam_groups=3", "num_beam_groups"},
      {"num_beams=4,num_return_sequences=5", "num_return_sequences"},
      {"num_beams=2,early_stopping=sometimes", "sometimes"},
      {"num_beams=4,num_beam_groups=2,diversity_penalty=-1", "diversity_penalty"},
      {"num_beams=3,diversity_penalty=1", "num_beam_groups"},
      {"top_k=40,num_beams=3", "num_beams 3"},
      {"temperature=0,num_return_sequences=2", "num_return_sequences 2"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> SamplerSpec.parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
    }
  }

  @Test
  void generationConfigBeamKeysBecomeSpecKeys() {
    SamplerSpec spec = GenerationConfigJson.parse("{\"do_sample\": false, \"num_beams\": 4,"
        + " \"num_beam_groups\": 2, \"diversity_penalty\": 0.25, \"length_penalty\": 0.8,"
        + " \"early_stopping\": \"never\", \"num_return_sequences\": 2}");
    BeamSearchSettings s = spec.beamSearch();
    assertEquals(BeamSearchSettings.builder().numBeams(4).groups(2, 0.25f).lengthPenalty(0.8f)
        .earlyStopping(EarlyStopping.NEVER).numReturnSequences(2).build(), s);
    assertEquals(EarlyStopping.TRUE, GenerationConfigJson.parse(
        "{\"num_beams\": 2, \"early_stopping\": true}").beamSearch().earlyStopping());
    // transformers reads the beam keys only with num_beams > 1.
    assertEquals(BeamSearchSettings.builder().build(), GenerationConfigJson.parse(
        "{\"do_sample\": true, \"length_penalty\": 2.0, \"early_stopping\": true}").beamSearch());
    assertEquals(3, GenerationConfigJson.parse(
        "{\"do_sample\": true, \"num_return_sequences\": 3}").beamSearch().numReturnSequences());
  }

  @Test
  void generationConfigRefusesWhatTheLoopCannotRun() {
    String[][] cases = {
      {"{\"do_sample\": true, \"num_beams\": 4}", "do_sample"},
      {"{\"num_beams\": 4, \"repetition_penalty\": 1.2}", "no stage"},
      {"{\"num_beams\": 2, \"early_stopping\": \"sometimes\"}", "sometimes"},
      {"{\"num_beams\": 2, \"early_stopping\": [1]}", "early_stopping"},
      {"{\"num_return_sequences\": 2}", "num_return_sequences"},
      {"{\"num_beams\": 2.5}", "num_beams"},
    };
    for (String[] c : cases) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> GenerationConfigJson.parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
    }
  }
}
