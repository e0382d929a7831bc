package dev.tokensampler;

import dev.tokensampler.stage.Chain;
import dev.tokensampler.stage.Stage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;

/**
 * The byte format of a saved {@link Sampler}: everything needed for a continuation identical to an
 * uninterrupted run.
 *
 * <pre>
 * int    magic 0x54534D50 ("TSMP")
 * short  format version (1)
 * UTF    chain fingerprint: each stage's class name and, where it defines one, toString()
 * int    vocabulary size (0 before the first token)
 * long   tokens sampled so far
 * UTF    generator class name
 * int    n, then n bytes: the generator state (Commons RNG saveState)
 * per stage: int n, then n bytes written by Stage.saveState
 * int    CRC-32 of every byte before it
 * </pre>
 *
 * Restoring checks, before changing anything, the length, magic, version, checksum, fingerprint,
 * vocabulary and generator type, and fails with an {@link IllegalArgumentException} that says which
 * check failed; a state from another chain, another library version's format or a damaged copy is
 * never half-applied.
 */
final class SamplerState {
  static final int MAGIC = 0x54534D50;
  static final short VERSION = 1;

  private SamplerState() {}

  static String fingerprint(Chain chain) {
    StringBuilder text = new StringBuilder();
    for (Stage stage : chain.stages()) {
      if (text.length() > 0) {
        text.append(" -> ");
      }
      text.append(stage.getClass().getName());
      if (definesToString(stage)) {
        text.append('(').append(stage).append(')');
      }
    }
    return text.toString();
  }

  private static boolean definesToString(Object o) {
    try {
      return o.getClass().getMethod("toString").getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  static byte[] write(
      Chain chain, int vocabularySize, long tokens, String generator, byte[] generatorState) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeShort(VERSION);
      out.writeUTF(fingerprint(chain));
      out.writeInt(vocabularySize);
      out.writeLong(tokens);
      out.writeUTF(generator);
      out.writeInt(generatorState.length);
      out.write(generatorState);
      chain.saveState(out);
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("a stage failed to save its state", e);
    }
  }

  /** A parsed, checked state, not yet applied. */
  static final class Parsed {
    int vocabularySize;
    long tokens;
    byte[] generatorState;
    /** The stages' section: per stage, int n then n bytes (see {@link Chain#saveState}). */
    byte[] stageStates;
  }

  static Parsed read(byte[] state, Chain chain, String generator) {
    if (state.length < 4 + 2 + 4) {
      throw new IllegalArgumentException(
          "state is not a sampler state: " + state.length + " bytes is too short");
    }
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
    try {
      int magic = in.readInt();
      if (magic != MAGIC) {
        throw new IllegalArgumentException(
            "state is not a sampler state: magic 0x" + Integer.toHexString(magic)
                + ", expected 0x" + Integer.toHexString(MAGIC));
      }
      short version = in.readShort();
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "state has format version " + version + ", this library reads version " + VERSION);
      }
      CRC32 crc = new CRC32();
      crc.update(state, 0, state.length - 4);
      int stored = ((state[state.length - 4] & 0xFF) << 24) | ((state[state.length - 3] & 0xFF) << 16)
          | ((state[state.length - 2] & 0xFF) << 8) | (state[state.length - 1] & 0xFF);
      if (stored != (int) crc.getValue()) {
        throw new IllegalArgumentException("state is corrupt: checksum mismatch");
      }
      String fingerprint = in.readUTF();
      String expected = fingerprint(chain);
      if (!fingerprint.equals(expected)) {
        throw new IllegalArgumentException(
            "state was saved by another chain: saved [" + fingerprint + "], this sampler ["
                + expected + "]");
      }
      Parsed parsed = new Parsed();
      parsed.vocabularySize = in.readInt();
      parsed.tokens = in.readLong();
      String savedGenerator = in.readUTF();
      if (!savedGenerator.equals(generator)) {
        throw new IllegalArgumentException(
            "state holds a " + savedGenerator + " generator, this sampler uses " + generator);
      }
      parsed.generatorState = new byte[readLength(in, "generator state")];
      in.readFully(parsed.generatorState);
      int start = state.length - in.available();
      for (int i = 0, n = chain.stages().size(); i < n; i++) {
        in.skipBytes(readLength(in, "state of stage " + i));
      }
      parsed.stageStates = java.util.Arrays.copyOfRange(state, start, state.length - in.available());
      if (in.available() != 4) {
        throw new IllegalArgumentException(
            "state has " + (in.available() - 4) + " unexpected trailing bytes");
      }
      return parsed;
    } catch (IOException | NegativeArraySizeException e) {
      throw new IllegalArgumentException("state is truncated or malformed: " + e, e);
    }
  }

  /**
   * Reads a length field and checks it against the bytes left before the checksum, so that a
   * damaged length never makes the reader allocate more than the state holds.
   */
  private static int readLength(DataInputStream in, String what) throws IOException {
    int length = in.readInt();
    int left = in.available() - 4;
    if (length < 0 || length > left) {
      throw new IllegalArgumentException("state is truncated or malformed: " + what + " has length "
          + length + ", " + Math.max(0, left) + " bytes remain");
    }
    return length;
  }
}
