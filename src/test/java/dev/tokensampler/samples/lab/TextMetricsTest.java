package dev.tokensampler.samples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextMetricsTest {
  // Two continuations: [1 2 1 2] and [1 3].
  private static final List<int[]> TWO = List.of(new int[] {1, 2, 1, 2}, new int[] {1, 3});

  @Test
  void distinctOneCountsTokensPooledOverContinuations() {
    // tokens 1 2 1 2 1 3: 6 in all, {1, 2, 3} distinct.
    assertEquals(3.0 / 6, TextMetrics.distinct(TWO, 1), 0);
  }

  @Test
  void distinctTwoNeverPairsAcrossContinuations() {
    // (1,2) (2,1) (1,2) | (1,3): 4 pairs, 3 distinct. Across the boundary (2,1) would be a fifth.
    assertEquals(3.0 / 4, TextMetrics.distinct(TWO, 2), 0);
  }

  @Test
  void distinctThreeSkipsShortContinuations() {
    // (1,2,1) (2,1,2); [1 3] has no trigram.
    assertEquals(1.0, TextMetrics.distinct(TWO, 3), 0);
    assertEquals(0.5, TextMetrics.distinct(List.of(new int[] {5, 5, 5, 5}), 3), 0);
  }

  @Test
  void distinctWithoutNgramsIsNaN() {
    assertTrue(Double.isNaN(TextMetrics.distinct(List.of(new int[] {1, 2}), 3)));
    assertThrows(IllegalArgumentException.class, () -> TextMetrics.distinct(TWO, 0));
  }

  @Test
  void repetitionRateIsPooledNotAveraged() {
    // [1 2 1 2]: the second 1 and 2 repeat (2 of 4); [1 3]: none. Pooled 2/6, not (1/2 + 0)/2.
    assertEquals(2.0 / 6, TextMetrics.repetitionRate(TWO), 1e-15);
    // Repeats are counted within a continuation: 1 in the second one is new there.
    assertEquals(0, TextMetrics.repetitionRate(List.of(new int[] {1, 2}, new int[] {1, 2})), 0);
    assertTrue(Double.isNaN(TextMetrics.repetitionRate(List.of(new int[0]))));
  }
}
