package dev.tokensampler;

import dev.tokensampler.internal.Excerpt;
import dev.tokensampler.stage.Chain;
import dev.tokensampler.stage.Stage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.zip.CRC32;

/**
 * The byte format of a saved {@link Sampler}: everything needed for a continuation identical to an
 * uninterrupted run.
 *
 * <pre>
 * int    magic 0x54534D50 ("TSMP")
 * short  format version (1, or 2 when a failed call kept a random value)
 * UTF    chain fingerprint: each stage's class name and, where it defines one, toString(); a
 *        fingerprint of more than 16,384 characters is stored as "sha-256:" and its digest
 * int    vocabulary size (0 before the first token), at most 2^30
 * long   tokens sampled so far, not negative
 * UTF    generator class name
 * int    n, then n bytes: the generator state (Commons RNG saveState)
 * long   version 2 only: the random value a failed call took, kept for the next call
 * per stage: int n, then n bytes written by Stage.saveState
 * int    CRC-32 of every byte before it
 * </pre>
 *
 * Restoring checks, before changing anything, the length, magic, version, checksum, fingerprint,
 * vocabulary size, token count, generator type and every stage's state (each restored into a copy
 * of the stage, see {@link Chain#restoreState}), and fails with an {@link IllegalArgumentException}
 * that says which check failed (whatever a stage's {@code restoreState} throws is wrapped in one);
 * a state from another chain, another library version's format or a damaged copy is never
 * half-applied. Text read from a state is quoted in messages as an {@link Excerpt}.
 *
 * <p><b>Stage identity.</b> A stage is identified by its class name, plus its {@code toString()}
 * where its class defines one. A lambda or other hidden class has no stable name (the JVM numbers
 * it), so it is identified by the class that defines it, as {@code Outer$$Lambda}: a state saved
 * with a lambda stage restores in another JVM running the same code. Two lambda stages of one
 * class are then told apart only by their position; give a stage a {@code toString()} (or a class
 * of its own) to make its parameters part of the check.
 */
final class SamplerState {
  static final int MAGIC = 0x54534D50;
  static final short VERSION = 1;
  /** The version of a state that holds a kept random value. */
  static final short VERSION_WITH_KEPT_VALUE = 2;
  /** The largest vocabulary size a state may hold. */
  static final int MAX_VOCABULARY = 1 << 30;
  /** Longer fingerprints are stored as their SHA-256 digest. */
  static final int MAX_FINGERPRINT_CHARS = 1 << 14;

  private SamplerState() {}

  static String fingerprint(Chain chain) {
    StringBuilder text = new StringBuilder();
    for (Stage stage : chain.stages()) {
      if (text.length() > 0) {
        text.append(" -> ");
      }
      text.append(identity(stage.getClass()));
      if (definesToString(stage)) {
        text.append('(').append(stage).append(')');
      }
    }
    return text.length() <= MAX_FINGERPRINT_CHARS ? text.toString() : digest(text);
  }

  /** The class name, or for a lambda or hidden class the name of the class that defines it. */
  static String identity(Class<?> type) {
    String name = type.getName();
    if (type.isHidden() || type.isSynthetic()) {
      int lambda = name.indexOf("$$Lambda");
      if (lambda >= 0) {
        return name.substring(0, lambda) + "$$Lambda";
      }
      int slash = name.indexOf('/');
      return slash >= 0 ? name.substring(0, slash) : name;
    }
    return name;
  }

  private static String digest(CharSequence text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder("sha-256:");
      for (byte b : hash) {
        hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return hex.append(" of ").append(text.length()).append(" characters").toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static boolean definesToString(Object o) {
    try {
      return o.getClass().getMethod("toString").getDeclaringClass() != Object.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  static byte[] write(Chain chain, int vocabularySize, long tokens, String generator,
      byte[] generatorState, Long keptRandomValue) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeShort(keptRandomValue == null ? VERSION : VERSION_WITH_KEPT_VALUE);
      out.writeUTF(fingerprint(chain));
      out.writeInt(vocabularySize);
      out.writeLong(tokens);
      out.writeUTF(generator);
      out.writeInt(generatorState.length);
      out.write(generatorState);
      if (keptRandomValue != null) {
        out.writeLong(keptRandomValue);
      }
      chain.saveState(out);
      CRC32 crc = new CRC32();
      crc.update(bytes.toByteArray());
      out.writeInt((int) crc.getValue());
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      // Only the stages write to a stream that can fail; ByteArrayOutputStream does not.
      throw new UncheckedIOException(Excerpt.of(e.getMessage()), e);
    }
  }

  /** A parsed, checked state, not yet applied. */
  static final class Parsed {
    int vocabularySize;
    long tokens;
    byte[] generatorState;
    /** The random value a failed call kept, or null. */
    Long keptRandomValue;
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
      if (version != VERSION && version != VERSION_WITH_KEPT_VALUE) {
        throw new IllegalArgumentException("state has format version " + version
            + ", this library reads versions " + VERSION + " and " + VERSION_WITH_KEPT_VALUE);
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
        throw new IllegalArgumentException("state was saved by another chain: saved ["
            + Excerpt.of(fingerprint) + "], this sampler [" + Excerpt.of(expected)
            + "], first difference at character " + firstDifference(fingerprint, expected));
      }
      Parsed parsed = new Parsed();
      parsed.vocabularySize = in.readInt();
      if (parsed.vocabularySize < 0 || parsed.vocabularySize > MAX_VOCABULARY) {
        throw new IllegalArgumentException("state has vocabulary size " + parsed.vocabularySize
            + ", expected 0 to " + MAX_VOCABULARY);
      }
      parsed.tokens = in.readLong();
      if (parsed.tokens < 0) {
        throw new IllegalArgumentException(
            "state has a negative token count " + parsed.tokens);
      }
      String savedGenerator = in.readUTF();
      if (!savedGenerator.equals(generator)) {
        throw new IllegalArgumentException("state holds a " + Excerpt.of(savedGenerator)
            + " generator, this sampler uses " + generator);
      }
      parsed.generatorState = new byte[readLength(in, "generator state")];
      in.readFully(parsed.generatorState);
      if (version == VERSION_WITH_KEPT_VALUE) {
        parsed.keptRandomValue = in.readLong();
      }
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
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException(
          "state is truncated or malformed: " + Excerpt.of(e.toString()), e);
    }
  }

  private static int firstDifference(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return i;
      }
    }
    return n;
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
