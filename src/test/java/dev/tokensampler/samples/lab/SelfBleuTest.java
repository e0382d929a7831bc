package dev.tokensampler.samples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SelfBleuTest {
  @Test
  void bleuFourWithOneUnmatchedOrderIsSmoothed() {
    // hyp 1 2 3 4, ref 1 2 3 5: p1 = 3/4, p2 = 2/3, p3 = 1/2, p4 = 0/1 -> 0.1/1 (method1).
    // Same length: BP = 1. BLEU = (3/4 * 2/3 * 1/2 * 1/10)^(1/4) = 0.025^(1/4).
    double bleu = SelfBleu.sentenceBleu(new int[] {1, 2, 3, 4}, List.of(new int[] {1, 2, 3, 5}), 4);
    assertEquals(Math.pow(0.025, 0.25), bleu, 1e-12);
    assertEquals(0.397635, bleu, 1e-6);
  }

  @Test
  void shortHypothesisPaysTheBrevityPenalty() {
    // hyp 1 2 against 1 2 3 4: p1 = p2 = 1, c = 2 < r = 4: BP = exp(1 - 4/2) = 1/e.
    assertEquals(Math.exp(-1),
        SelfBleu.sentenceBleu(new int[] {1, 2}, List.of(new int[] {1, 2, 3, 4}), 2), 1e-15);
  }

  @Test
  void countsAreClippedByTheReference() {
    // hyp 7 7 7 7, ref 7 8: 7 counts at most once: p1 = 1/4; c = 4 > r = 2: BP = 1.
    assertEquals(0.25,
        SelfBleu.sentenceBleu(new int[] {7, 7, 7, 7}, List.of(new int[] {7, 8}), 1), 1e-15);
  }

  @Test
  void closestReferenceLengthTiesGoToTheShorter() {
    // c = 3; references of length 2 and 4 are both 1 away: r = 2, so c > r and BP = 1
    // (r = 4 would give exp(1 - 4/3)).
    assertEquals(1.0, SelfBleu.sentenceBleu(new int[] {1, 2, 3},
        List.of(new int[] {1, 2, 3, 9}, new int[] {1, 2}), 1), 1e-15);
  }

  @Test
  void clipsAgainstTheReferenceWhereTheNgramIsMostFrequent() {
    // hyp 5 5 6: refs 5 6 and 5 5: 5 may count twice (second ref), 6 once: p1 = 3/3.
    assertEquals(1.0, SelfBleu.sentenceBleu(new int[] {5, 5, 6},
        List.of(new int[] {5, 6, 0}, new int[] {5, 5, 1}), 1), 1e-15);
  }

  @Test
  void noUnigramMatchOrEmptyHypothesisIsZero() {
    assertEquals(0, SelfBleu.sentenceBleu(new int[] {1, 2}, List.of(new int[] {3, 4}), 4), 0);
    assertEquals(0, SelfBleu.sentenceBleu(new int[0], List.of(new int[] {3, 4}), 4), 0);
    assertThrows(IllegalArgumentException.class,
        () -> SelfBleu.sentenceBleu(new int[] {1}, List.of(), 4));
  }

  @Test
  void selfBleuAveragesEachContinuationAgainstTheOthers() {
    // [1 2] against {[1 2], [3 4]}: 1; the second [1 2] likewise: 1; [3 4] against two [1 2]: 0.
    List<int[]> set = List.of(new int[] {1, 2}, new int[] {1, 2}, new int[] {3, 4});
    assertEquals(2.0 / 3, SelfBleu.of(set, 1), 1e-15);
    List<int[]> same = List.of(new int[] {4, 5, 6, 7, 8}, new int[] {4, 5, 6, 7, 8});
    assertEquals(1.0, SelfBleu.of(same, 4), 1e-15);
    assertTrue(Double.isNaN(SelfBleu.of(List.of(new int[] {1}), 4)));
  }
}
