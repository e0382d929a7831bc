package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import dev.tokensampler.stage.NoRepeatNGram;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A damaged state whose checksum was made to match is still rejected cheaply: a length or count
 * field larger than the bytes that follow never makes the reader allocate that much (a 30-byte
 * state once asked for 2 GB, a history count for 1 GB).
 */
class CorruptStateTest {
  private static final int V = 20;

  @Test
  void hugeGeneratorStateLengthIsRejectedWithoutAllocatingIt() throws IOException {
    Sampler sampler = SamplerConfig.builder().temperature(0.7f).build().newSampler(1L);
    sampler.sample(TestLogits.gaussian(V, 1, 1));
    byte[] before = sampler.saveState();
    byte[] state = withGeneratorLength(sampler, Integer.MAX_VALUE);
    AllocationMeter meter = AllocationMeter.assumeAvailable();
    long allocated = meter.allocatedBytes();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sampler.restoreState(state));
    long used = meter.allocatedBytes() - allocated;
    assertTrue(e.getMessage().contains("generator state") && e.getMessage().contains("2147483647"),
        e.getMessage());
    assertTrue(used < 1 << 20, "rejecting the state allocated " + used + " bytes");
    assertArrayEquals(before, sampler.saveState(), "the sampler changed");
  }

  @Test
  void negativeStageStateLengthIsRejected() throws IOException {
    Sampler sampler = SamplerConfig.builder().temperature(0.7f).build().newSampler(1L);
    byte[] valid = sampler.saveState();
    // The stage length is the int after the generator state; make it -1.
    byte[] state = valid.clone();
    int stageLengthAt = valid.length - 4 - 4; // Temperature saves nothing: its length, then CRC
    ByteBuffer.wrap(state, stageLengthAt, 4).putInt(-1);
    repair(state);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sampler.restoreState(state));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }

  @Test
  void hugeTokenHistoryCountIsRejectedWithoutAllocatingIt() {
    Sampler sampler = SamplerConfig.builder().stage(new NoRepeatNGram(2)).build().newSampler(1L);
    sampler.accept(7);
    byte[] before = sampler.saveState();
    // The last stage's state is the history: its count, then the one token; then the checksum.
    byte[] state = before.clone();
    ByteBuffer.wrap(state, state.length - 4 - 8, 4).putInt((1 << 28) - 1);
    repair(state);
    AllocationMeter meter = AllocationMeter.assumeAvailable();
    long allocated = meter.allocatedBytes();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sampler.restoreState(state));
    long used = meter.allocatedBytes() - allocated;
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertTrue(used < 1 << 20, "rejecting the state allocated " + used + " bytes");
    assertArrayEquals(before, sampler.saveState(), "the sampler changed");
  }

  /** A copy of the sampler's state with the generator-state length replaced, checksum repaired. */
  private static byte[] withGeneratorLength(Sampler sampler, int length) throws IOException {
    byte[] valid = sampler.saveState();
    ByteArrayOutputStream prefix = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(prefix);
    out.writeInt(SamplerState.MAGIC);
    out.writeShort(SamplerState.VERSION);
    out.writeUTF(SamplerState.fingerprint(stagesOf(sampler)));
    out.writeInt(sampler.vocabularySize());
    out.writeLong(sampler.tokensSampled());
    out.writeUTF(generatorName(sampler));
    int at = prefix.size();
    byte[] state = valid.clone();
    ByteBuffer.wrap(state, at, 4).putInt(length);
    repair(state);
    return state;
  }

  private static dev.tokensampler.stage.Chain stagesOf(Sampler sampler) {
    return new dev.tokensampler.stage.Chain(sampler.config().stages());
  }

  private static String generatorName(Sampler sampler) {
    return dev.tokensampler.random.Seeds.generator(0L).getClass().getName();
  }

  private static void repair(byte[] state) {
    CRC32 crc = new CRC32();
    crc.update(state, 0, state.length - 4);
    ByteBuffer.wrap(state, state.length - 4, 4).putInt((int) crc.getValue());
  }
}
