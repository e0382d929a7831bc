package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import dev.tokensampler.stage.Dry;
import dev.tokensampler.stage.MinNewTokens;
import dev.tokensampler.stage.NoRepeatNGram;
import dev.tokensampler.stage.RepetitionPenalty;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Fuzz targets for {@link Sampler#restoreState}: arbitrary bytes, and valid states with bytes
 * changed, inserted or cut (with the checksum repaired or not, so that the parser behind the
 * checksum is reached), restored into a sampler that has sampled and into one that never has (its
 * vocabulary size is still open). Only {@link IllegalArgumentException} may come out; a sampler
 * that rejected a state is unchanged, and one that accepted it samples valid tokens.
 *
 * <p>Without {@code JAZZER_FUZZ=1} these run their inputs under
 * {@code src/test/resources/dev/tokensampler/SamplerStateFuzzTestInputs/} as regression tests;
 * {@code .ci/fuzz} fuzzes them for a bounded time.
 */
@Tag("fuzz")
class SamplerStateFuzzTest {
  private static final int V = 50;
  private static final SamplerConfig CONFIG = SamplerConfig.builder()
      .stage(new RepetitionPenalty(1.3f, 8))
      .stage(new Dry(0.8f, 1.75f, 2, -1, List.of(new int[] {3})))
      .stage(new NoRepeatNGram(3))
      .stage(new MinNewTokens(2, 7))
      .temperature(0.9f).topK(20).topP(0.9f)
      .build();

  @FuzzTest(maxDuration = "30s")
  void restoreArbitraryBytes(byte[] state) {
    checkRestore(state);
  }

  @FuzzTest(maxDuration = "30s")
  void restoreMutatedValidState(FuzzedDataProvider data) {
    byte[] state = validState(data.consumeInt(0, 20));
    int edits = data.consumeInt(1, 4);
    for (int e = 0; e < edits && data.remainingBytes() > 0; e++) {
      int kind = data.consumeInt(0, 2);
      int at = data.consumeInt(0, state.length);
      if (kind == 0 && at < state.length) {
        state[at] = data.consumeByte();
      } else if (kind == 1) {
        state = java.util.Arrays.copyOf(state, at);
      } else {
        byte[] inserted = data.consumeBytes(data.consumeInt(1, 8));
        byte[] longer = new byte[state.length + inserted.length];
        System.arraycopy(state, 0, longer, 0, at);
        System.arraycopy(inserted, 0, longer, at, inserted.length);
        System.arraycopy(state, at, longer, at + inserted.length, state.length - at);
        state = longer;
      }
    }
    if (data.consumeBoolean()) {
      repairChecksum(state);
    }
    checkRestore(state);
  }

  private static void checkRestore(byte[] state) {
    checkRestore(state, true);
    checkRestore(state, false);
  }

  private static void checkRestore(byte[] state, boolean sampledFirst) {
    Sampler sampler = CONFIG.newSampler(5L);
    for (int t = 0; sampledFirst && t < 4; t++) {
      sampler.sample(logits(t));
    }
    byte[] before = sampler.saveState();
    try {
      sampler.restoreState(state);
    } catch (IllegalArgumentException expected) {
      assertArrayEquals(before, sampler.saveState(), "a rejected state changed the sampler");
      return;
    }
    if (sampler.vocabularySize() != 0 && sampler.vocabularySize() != V) {
      // A never-sampled sampler took the state's vocabulary size: other logits are an error.
      assertThrows(IllegalArgumentException.class, () -> sampler.sample(logits(10)));
      return;
    }
    boolean noVocabulary = sampler.vocabularySize() == 0;
    for (int t = 0; t < 3; t++) {
      int token;
      try {
        token = sampler.sample(logits(10 + t));
      } catch (IllegalArgumentException early) {
        // A state saved before the first sample holds no vocabulary size: the ids it accepted are
        // checked against the first logits, and one outside them is this error.
        assertTrue(t == 0 && noVocabulary
            && early.getMessage().contains("outside the vocabulary"), early.getMessage());
        return;
      }
      assertTrue(token >= 0 && token < V, "token " + token);
    }
  }

  /** The state of a sampler after {@code steps} tokens. */
  private static byte[] validState(int steps) {
    Sampler sampler = CONFIG.newSampler(9L);
    for (int t = 0; t < steps; t++) {
      sampler.sample(logits(t));
    }
    return sampler.saveState();
  }

  private static void repairChecksum(byte[] state) {
    if (state.length >= 4) {
      CRC32 crc = new CRC32();
      crc.update(state, 0, state.length - 4);
      ByteBuffer.wrap(state, state.length - 4, 4).putInt((int) crc.getValue());
    }
  }

  private static float[] logits(int step) {
    return TestLogits.gaussian(V, 2, 900 + step);
  }
}
