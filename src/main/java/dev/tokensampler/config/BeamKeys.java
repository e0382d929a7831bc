package dev.tokensampler.config;

import dev.tokensampler.SamplerConfig;
import dev.tokensampler.search.BeamSearchSettings;
import dev.tokensampler.search.EarlyStopping;
import dev.tokensampler.stage.Greedy;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.Temperature;
import java.util.Map;

/**
 * The global keys of multi-sequence decoding ({@code num_beams}, {@code num_beam_groups},
 * {@code diversity_penalty}, {@code length_penalty}, {@code early_stopping},
 * {@code num_return_sequences}), their types, and the {@link BeamSearchSettings} they make.
 */
final class BeamKeys {
  static final String NUM_BEAMS = "num_beams";
  static final String NUM_BEAM_GROUPS = "num_beam_groups";
  static final String DIVERSITY_PENALTY = "diversity_penalty";
  static final String LENGTH_PENALTY = "length_penalty";
  static final String EARLY_STOPPING = "early_stopping";
  static final String NUM_RETURN_SEQUENCES = "num_return_sequences";

  private BeamKeys() {}

  /** Adds the keys to the global keys, in canonical order. */
  static void register(Map<String, ValueType> globals) {
    globals.put(NUM_BEAMS, ValueType.INT);
    globals.put(NUM_BEAM_GROUPS, ValueType.INT);
    globals.put(DIVERSITY_PENALTY, ValueType.FLOAT);
    globals.put(LENGTH_PENALTY, ValueType.FLOAT);
    globals.put(EARLY_STOPPING, ValueType.EARLY_STOPPING);
    globals.put(NUM_RETURN_SEQUENCES, ValueType.INT);
  }

  /**
   * The settings of the written keys (transformers' defaults for the others), checked against the
   * chain: beam search applies no stage, so with {@code num_beams > 1} the chain may only be
   * greedy or empty; without beams, {@code num_return_sequences > 1} needs a chain that samples.
   */
  static BeamSearchSettings settings(Map<String, Object> written, SamplerConfig chain) {
    int beams = (Integer) written.getOrDefault(NUM_BEAMS, 1);
    int returned = (Integer) written.getOrDefault(NUM_RETURN_SEQUENCES, 1);
    BeamSearchSettings settings = BeamSearchSettings.builder()
        .numBeams(beams)
        .groups((Integer) written.getOrDefault(NUM_BEAM_GROUPS, 1),
            (Float) written.getOrDefault(DIVERSITY_PENALTY, 0f))
        .lengthPenalty((Float) written.getOrDefault(LENGTH_PENALTY, 1f))
        .earlyStopping((EarlyStopping) written.getOrDefault(EARLY_STOPPING, EarlyStopping.FALSE))
        .numReturnSequences(returned)
        .build();
    boolean greedy = isGreedy(chain);
    if (beams > 1 && !greedy && !chain.stages().isEmpty()) {
      throw new IllegalArgumentException("num_beams " + beams + " runs beam search, which applies"
          + " no stage; the chain " + chain.stages() + " would be ignored");
    }
    if (beams == 1 && returned > 1 && greedy) {
      throw new IllegalArgumentException("num_return_sequences " + returned
          + " with greedy decoding would repeat one sequence: sample, or set num_beams");
    }
    return settings;
  }

  private static boolean isGreedy(SamplerConfig chain) {
    for (Stage stage : chain.stages()) {
      if (stage instanceof Greedy
          || (stage instanceof Temperature && ((Temperature) stage).isGreedy())) {
        return chain.stages().size() == 1;
      }
    }
    return false;
  }
}
