package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.AllocationMeter;
import dev.tokensampler.ChildJvm;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.Sampler;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Windows and histories hold memory for the tokens actually seen, never for the window length
 * asked for, and DRY's per-token work is bounded by {@link Dry#MAX_WINDOW}.
 */
class BoundedMemoryTest {
  private static long allocation(Supplier<?> action) {
    return AllocationMeter.assumeAvailable().bytesAllocatedBy(action);
  }

  @Test
  void hugeWindowsAllocateNothingUpFront() {
    for (int lastN : new int[] {100_000_000, Integer.MAX_VALUE}) {
      assertTrue(allocation(() -> new RepetitionPenalty(1.1f, lastN)) < 100_000, "rep " + lastN);
      assertTrue(allocation(() -> new FrequencyPresencePenalty(0.5f, 0.5f, lastN)) < 100_000,
          "freq " + lastN);
      assertTrue(allocation(() -> new Dry(0.8f, 1.75f, 2, lastN, List.of())) < 100_000,
          "dry " + lastN);
      Stage copy = new RepetitionPenalty(1.1f, lastN).copy();
      assertTrue(allocation(copy::copy) < 100_000, "copy " + lastN);
    }
  }

  @Test
  void hugeWindowKeepsEveryTokenSeenAndGrowsWithThem() {
    RepetitionPenalty huge = new RepetitionPenalty(2f, Integer.MAX_VALUE);
    RepetitionPenalty whole = new RepetitionPenalty(2f, RepetitionPenalty.WHOLE_HISTORY);
    float[] logits = new float[50];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (i % 7) - 3f;
    }
    SplittableRandom random = new SplittableRandom(3);
    for (int t = 0; t < 5_000; t++) {
      int token = random.nextInt(40);
      huge.accept(token);
      whole.accept(token);
    }
    for (CandidatePath path : CandidatePath.values()) {
      assertArrayEquals(StageRun.logitsAfter(path, logits, whole),
          StageRun.logitsAfter(path, logits, huge), path.toString());
    }
  }

  @Test
  void boundedHistoryGrowsThenDropsTheOldest() {
    for (int capacity : new int[] {1, 3, 64, 65, 1000}) {
      TokenHistory history = new TokenHistory(capacity);
      for (int t = 0; t < 5 * capacity + 7; t++) {
        int dropped = history.push(t);
        assertEquals(t >= capacity ? t - capacity : -1, dropped, "capacity " + capacity);
      }
      assertEquals(capacity, history.size());
      int newest = 5 * capacity + 6;
      for (int i = 0; i < capacity; i++) {
        assertEquals(newest - i, history.fromEnd(i));
        assertEquals(newest - capacity + 1 + i, history.get(i));
      }
    }
  }

  private static byte[] state(Stage stage) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    stage.saveState(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  /** The whole-history DRY scans the last MAX_WINDOW tokens, whatever the history's length. */
  @Test
  void dryWholeHistoryIsCappedAtMaxWindow() throws IOException {
    Dry whole = new Dry(1f, 1.75f, 2, -1, List.of(new int[] {7}));
    Dry recent = new Dry(1f, 1.75f, 2, -1, List.of(new int[] {7}));
    int total = 300_000;
    int[] tokens = new int[total];
    SplittableRandom random = new SplittableRandom(11);
    for (int t = 0; t < total; t++) {
      tokens[t] = t % 1000 < 500 ? t % 17 : random.nextInt(20);
    }
    for (int t = 0; t < total; t++) {
      whole.accept(tokens[t]);
    }
    for (int t = total - Dry.MAX_WINDOW; t < total; t++) {
      recent.accept(tokens[t]);
    }
    assertEquals(4 + 4 * Dry.MAX_WINDOW, state(whole).length);
    assertArrayEquals(state(recent), state(whole));
    float[] logits = new float[20];
    for (CandidatePath path : CandidatePath.values()) {
      assertArrayEquals(StageRun.logitsAfter(path, logits, recent),
          StageRun.logitsAfter(path, logits, whole), path.toString());
    }
    Dry explicit = new Dry(1f, 1.75f, 2, 100_000_000, List.of());
    for (int t = 0; t < total; t++) {
      explicit.accept(tokens[t]);
    }
    assertEquals(4 + 4 * Dry.MAX_WINDOW, state(explicit).length);
  }

  /** Five million tokens of history with DRY on the whole history, under a 32 MB heap. */
  @Test
  void dryLongHistoryRunsUnderASmallHeap() throws Exception {
    ChildJvm.Result result = ChildJvm.run(List.of("-Xmx32m"), LongDryHistory.class);
    assertEquals(0, result.exitCode, result.output);
    assertTrue(result.output.contains("sampled 20"), result.output);
  }

  /** The child of {@link #dryLongHistoryRunsUnderASmallHeap}. */
  static final class LongDryHistory {
    public static void main(String[] args) {
      Sampler sampler = SamplerConfig.builder()
          .stage(new Dry(0.8f, 1.75f, 2, -1, List.of())).build().newSampler(1L);
      for (int t = 0; t < 5_000_000; t++) {
        sampler.accept(t % 1000 < 500 ? t % 13 : (t % 1000) * 7 % 31);
      }
      float[] logits = new float[32];
      int sampled = 0;
      for (int i = 0; i < 20; i++) {
        sampler.sample(logits);
        sampled++;
      }
      System.out.println("sampled " + sampled);
    }
  }
}
