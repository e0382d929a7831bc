package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Dry;
import dev.tokensampler.stage.NoRepeatNGram;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.Stage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Saved states as an attacker would forge them, and states of chains with user stages. */
class HostileStateTest {
  private static final int V = 40;
  private static final SamplerConfig CONFIG = SamplerConfig.builder()
      .stage(new RepetitionPenalty(1.2f, 16))
      .stage(new Dry(0.8f, 1.75f, 2, -1, List.of(new int[] {3})))
      .temperature(0.8f).topK(10).build();

  private static float[] logits(int step) {
    return TestLogits.gaussian(V, 2, 300 + step);
  }

  /** A saved state's header fields, rewritten with a valid checksum. */
  private static byte[] rewrite(byte[] state, Integer vocabulary, Long tokens, String generator)
      throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeInt(in.readInt());
    out.writeShort(in.readShort());
    out.writeUTF(in.readUTF());
    int v = in.readInt();
    out.writeInt(vocabulary != null ? vocabulary : v);
    long t = in.readLong();
    out.writeLong(tokens != null ? tokens : t);
    String g = in.readUTF();
    out.writeUTF(generator != null ? generator : g);
    byte[] rest = in.readAllBytes();
    out.write(rest, 0, rest.length - 4);
    CRC32 crc = new CRC32();
    crc.update(bytes.toByteArray());
    out.writeInt((int) crc.getValue());
    return bytes.toByteArray();
  }

  private static void assertRejectedAndUnchanged(Sampler sampler, byte[] state, String fragment) {
    byte[] before = sampler.saveState();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sampler.restoreState(state));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertArrayEquals(before, sampler.saveState(), "a rejected state changed the sampler");
  }

  @Test
  void impossibleVocabularySizesAndCountsAreRejectedBeforeAnythingChanges() throws IOException {
    Sampler source = CONFIG.newSampler(3L);
    for (int t = 0; t < 5; t++) {
      source.sample(logits(t));
    }
    byte[] state = source.saveState();
    for (Sampler target : new Sampler[] {CONFIG.newSampler(8L), sampled(CONFIG.newSampler(8L))}) {
      assertRejectedAndUnchanged(target, rewrite(state, 0x7fffffff, null, null), "vocabulary size");
      assertRejectedAndUnchanged(target, rewrite(state, -5, null, null), "vocabulary size");
      assertRejectedAndUnchanged(target, rewrite(state, null, -1L, null), "token count");
    }
  }

  private static Sampler sampled(Sampler sampler) {
    sampler.sample(logits(0));
    return sampler;
  }

  @Test
  void textReadFromAStateIsQuotedOnOneLine() throws IOException {
    byte[] state = CONFIG.newSampler(1L).saveState();
    String forged = "x\nINFO restored by admin\n" + "y".repeat(20_000);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> CONFIG.newSampler(2L).restoreState(rewrite(state, null, null, forged)));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(e.getMessage().length() < 500, e.getMessage());
    assertTrue(e.getMessage().contains("x\\nINFO"), e.getMessage());
  }

  /** A stage whose restoreState throws what a careless implementation throws. */
  private static final class CarelessStage implements Stage {
    @Override
    public void apply(Candidates candidates) {}

    @Override
    public void restoreState(DataInput in) throws IOException {
      int n = in.readInt();
      if (n > 0) {
        throw new IllegalStateException("count " + n);
      }
      int[] unused = new int[n];
      assertEquals(0, unused.length);
    }

    @Override
    public void saveState(java.io.DataOutput out) throws IOException {
      out.writeInt(0);
    }
  }

  @Test
  void onlyIllegalArgumentExceptionEscapesFromAStageRestore() throws IOException {
    SamplerConfig config = SamplerConfig.builder().stage(new CarelessStage()).build();
    byte[] state = config.newSampler(1L).saveState();
    for (int n : new int[] {5, -5}) {
      byte[] forged = state.clone();
      // The stage's 4 bytes come just before the checksum.
      java.nio.ByteBuffer.wrap(forged, forged.length - 8, 4).putInt(n);
      CRC32 crc = new CRC32();
      crc.update(forged, 0, forged.length - 4);
      java.nio.ByteBuffer.wrap(forged, forged.length - 4, 4).putInt((int) crc.getValue());
      assertRejectedAndUnchanged(config.newSampler(2L), forged, "state of stage 0");
    }
  }

  /** A stage whose text (part of the fingerprint) is longer than DataOutput.writeUTF allows. */
  private static final class VerboseStage implements Stage {
    private final String text;

    VerboseStage(int length) {
      text = "v".repeat(length);
    }

    @Override
    public void apply(Candidates candidates) {}

    @Override
    public String toString() {
      return text;
    }
  }

  @Test
  void fingerprintsOfAnyLengthSaveAndRestore() {
    SamplerConfig config = SamplerConfig.builder().stage(new VerboseStage(70_000))
        .temperature(0.9f).build();
    Sampler sampler = config.newSampler(4L);
    sampler.sample(logits(0));
    byte[] state = sampler.saveState();
    Sampler copy = config.newSampler(9L);
    copy.restoreState(state);
    assertEquals(sampler.sample(logits(1)), copy.sample(logits(1)));
    SamplerConfig other = SamplerConfig.builder().stage(new VerboseStage(70_001))
        .temperature(0.9f).build();
    assertRejectedAndUnchanged(other.newSampler(1L), state, "another chain");
  }

  /** The README's lambda stage: ban every even token. */
  static SamplerConfig lambdaChain() {
    Stage banEven = c -> {
      for (int i = 0; i < c.size(); i++) {
        if (c.id(i) % 2 == 0) {
          c.setLogit(i, Float.NEGATIVE_INFINITY);
        }
      }
    };
    return SamplerConfig.builder().stage(new RepetitionPenalty(1.3f, 8)).stage(banEven)
        .temperature(0.9f).build();
  }

  /** Saves a state of the lambda chain in another JVM, then restores and continues it here. */
  @Test
  void aLambdaStageStateRestoresInAnotherJvm() throws Exception {
    ChildJvm.Result child = ChildJvm.run(List.of("-Xmx64m"), LambdaStateWriter.class);
    assertEquals(0, child.exitCode, child.output);
    String[] lines = child.output.trim().split("\n");
    String[] last = lines[lines.length - 1].split(" ");
    byte[] state = Base64.getDecoder().decode(last[0]);
    Sampler resumed = lambdaChain().newSampler(77L);
    resumed.restoreState(state);
    int[] tokens = new int[5];
    for (int t = 0; t < 5; t++) {
      tokens[t] = resumed.sample(logits(20 + t));
    }
    assertEquals(last[1], Arrays.toString(tokens).replace(" ", ""));
  }

  /** The child of {@link #aLambdaStageStateRestoresInAnotherJvm}: prints a state and the tokens. */
  static final class LambdaStateWriter {
    public static void main(String[] args) {
      Runnable warmUp = () -> { };
      warmUp.run();
      Sampler sampler = lambdaChain().newSampler(5L);
      for (int t = 0; t < 7; t++) {
        sampler.sample(logits(t));
      }
      String state = Base64.getEncoder().encodeToString(sampler.saveState());
      int[] tokens = new int[5];
      for (int t = 0; t < 5; t++) {
        tokens[t] = sampler.sample(logits(20 + t));
      }
      System.out.println(state + " " + Arrays.toString(tokens).replace(" ", ""));
    }
  }

  /** A state whose last history token (just before the checksum) is {@code token}. */
  private static byte[] withLastHistoryToken(byte[] state, int token) {
    byte[] forged = state.clone();
    java.nio.ByteBuffer.wrap(forged, forged.length - 8, 4).putInt(token);
    CRC32 crc = new CRC32();
    crc.update(forged, 0, forged.length - 4);
    java.nio.ByteBuffer.wrap(forged, forged.length - 4, 4).putInt((int) crc.getValue());
    return forged;
  }

  @Test
  void historyIdsOutsideTheVocabularyAreRejected() {
    SamplerConfig config = SamplerConfig.builder().stage(new NoRepeatNGram(2)).build();
    // V known from the state: rejected at restore, whatever the target.
    Sampler source = sampled(config.newSampler(3L));
    source.accept(1);
    source.accept(2);
    byte[] known = withLastHistoryToken(source.saveState(), 70);
    for (Sampler target : new Sampler[] {config.newSampler(8L), sampled(config.newSampler(8L))}) {
      assertRejectedAndUnchanged(target, known, "token 70");
    }
    // A never-sampled state: rejected at restore by a sampler that knows V, else by the first
    // sample.
    Sampler fresh = config.newSampler(4L);
    fresh.accept(1);
    fresh.accept(2);
    byte[] unknown = withLastHistoryToken(fresh.saveState(), 70);
    assertRejectedAndUnchanged(sampled(config.newSampler(8L)), unknown, "token 70");
    Sampler target = config.newSampler(8L);
    target.restoreState(unknown);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> target.sample(logits(0)));
    assertTrue(e.getMessage().contains("token 70"), e.getMessage());
    assertTrue(e.getMessage().contains("vocabulary of size " + V), e.getMessage());
  }
}
