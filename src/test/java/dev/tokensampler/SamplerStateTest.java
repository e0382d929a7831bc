package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.core.source64.XoRoShiRo128PlusPlus;
import org.junit.jupiter.api.Test;

/** Save and resume: a restored sampler continues exactly as the original; bad bytes never apply. */
class SamplerStateTest {
  private static final int V = 3_001;

  private static final SamplerConfig CONFIG =
      SamplerConfig.builder().stage(new NoRepeatStage()).temperature(1.3f).topK(50).topP(0.95f).build();

  private static float[] logits(int step) {
    SplittableRandom random = new SplittableRandom(step);
    float[] x = new float[V];
    for (int i = 0; i < V; i++) {
      x[i] = (float) random.nextGaussian();
    }
    x[7] = 6f; // a favourite that NoRepeatStage keeps from repeating
    return x;
  }

  private static int[] run(Sampler sampler, int from, int to) {
    int[] tokens = new int[to - from];
    for (int t = from; t < to; t++) {
      tokens[t - from] = sampler.sample(logits(t));
    }
    return tokens;
  }

  @Test
  void restoredSamplerContinuesLikeTheOriginal() {
    Sampler original = CONFIG.newSampler(5L);
    run(original, 0, 20);
    byte[] state = original.saveState();
    int[] expected = run(original, 20, 60);

    Sampler resumed = CONFIG.newSampler(123456L);
    resumed.restoreState(state);
    assertEquals(20, resumed.tokensSampled());
    assertArrayEquals(expected, run(resumed, 20, 60));
  }

  @Test
  void stateBeforeTheFirstTokenRestoresToo() {
    Sampler fresh = CONFIG.newSampler(8L, 3L);
    byte[] state = fresh.saveState();
    Sampler other = CONFIG.newSampler(0L);
    other.restoreState(state);
    assertArrayEquals(run(CONFIG.newSampler(8L, 3L), 0, 10), run(other, 0, 10));
  }

  @Test
  void aDamagedStateIsRejectedAndChangesNothing() {
    Sampler sampler = CONFIG.newSampler(1L);
    run(sampler, 0, 5);
    byte[] state = sampler.saveState();
    Sampler target = CONFIG.newSampler(2L);
    run(target, 0, 5);
    byte[] before = target.saveState();
    for (int i = 0; i < state.length; i++) {
      byte[] damaged = state.clone();
      damaged[i] ^= 0x10;
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> target.restoreState(damaged));
      assertTrue(e.getMessage().startsWith("state"), e.getMessage());
      assertArrayEquals(before, target.saveState(), "byte " + i + ": nothing applied");
    }
    for (int n : new int[] {0, 3, 9, state.length / 2, state.length - 1}) {
      byte[] truncated = java.util.Arrays.copyOf(state, n);
      assertThrows(IllegalArgumentException.class, () -> target.restoreState(truncated));
    }
  }

  @Test
  void foreignStatesNameWhatDiffers() {
    byte[] state = CONFIG.newSampler(1L).saveState();
    Sampler otherChain = SamplerConfig.builder().topK(50).build().newSampler(1L);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> otherChain.restoreState(state));
    assertTrue(e.getMessage().contains("another chain"), e.getMessage());

    Sampler otherGenerator = CONFIG.newSampler(new XoRoShiRo128PlusPlus(1L, 2L));
    e = assertThrows(IllegalArgumentException.class, () -> otherGenerator.restoreState(state));
    assertTrue(e.getMessage().contains("generator"), e.getMessage());

    byte[] newerVersion = state.clone();
    newerVersion[5] = 3;
    rewriteChecksum(newerVersion);
    e = assertThrows(IllegalArgumentException.class,
        () -> CONFIG.newSampler(1L).restoreState(newerVersion));
    assertTrue(e.getMessage().contains("format version 3"), e.getMessage());

    byte[] notAState = "hello, this is not a sampler state".getBytes();
    e = assertThrows(IllegalArgumentException.class,
        () -> CONFIG.newSampler(1L).restoreState(notAState));
    assertTrue(e.getMessage().contains("magic"), e.getMessage());

    Sampler used = CONFIG.newSampler(1L);
    used.sample(new float[V + 1]);
    Sampler saved = CONFIG.newSampler(1L);
    saved.sample(logits(0));
    byte[] otherVocabulary = saved.saveState();
    e = assertThrows(IllegalArgumentException.class, () -> used.restoreState(otherVocabulary));
    assertTrue(e.getMessage().contains("vocabulary size " + V), e.getMessage());
  }

  @Test
  void aStageThatRejectsItsStateLeavesTheSamplerAsItWas() {
    Sampler sampler = CONFIG.newSampler(1L);
    run(sampler, 0, 3);
    byte[] state = sampler.saveState();
    // From the end: checksum (4), three empty stage states (3 x 4), then NoRepeatStage's int.
    ByteBuffer buffer = ByteBuffer.wrap(state);
    int stageStateAt = state.length - 4 - 3 * 4 - 4;
    buffer.putInt(stageStateAt, -5);
    rewriteChecksum(state);
    Sampler target = CONFIG.newSampler(2L);
    byte[] before = target.saveState();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> target.restoreState(state));
    assertTrue(e.getMessage().contains("token out of range"), e.getMessage());
    assertArrayEquals(before, target.saveState());
  }

  @Test
  void aGeneratorWithoutStateCannotBeSaved() {
    UniformRandomProvider plain = () -> 42L;
    Sampler sampler = CONFIG.newSampler(plain);
    IllegalStateException e = assertThrows(IllegalStateException.class, sampler::saveState);
    assertTrue(e.getMessage().contains("cannot save"), e.getMessage());
  }

  private static void rewriteChecksum(byte[] state) {
    CRC32 crc = new CRC32();
    crc.update(state, 0, state.length - 4);
    ByteBuffer.wrap(state).putInt(state.length - 4, (int) crc.getValue());
  }
}
