package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.TestLogits;
import dev.tokensampler.random.Seeds;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A draw after explicit candidates were sorted by logit inverts the distribution in the sorted
 * order, whether or not a stage read the sums (the normaliser, a probability) before the sort.
 * The weights and their block sums depend on the candidates' order: sums taken in the order
 * before a sort must not serve a draw after it. Checked with more candidates than one block of
 * the block sums, against an independent double-precision inversion.
 */
class SortedCandidatesDrawTest {
  private static final int V = 8192;

  @Test
  void aDrawAfterASortFollowsTheSortedOrder() {
    SplittableRandom bits = new SplittableRandom(0x50E7L);
    int checked = 0;
    for (long seed = 1; seed <= 6; seed++) {
      float[] x = TestLogits.gaussian(V, 3, seed);
      for (int d = 0; d < 40; d++) {
        long randomBits = bits.nextLong();
        Candidates read = sortedAfterRead(x, true);
        assertTrue(read.size() > 2 * 1024, "candidates: " + read.size());
        int drawn = read.stepWeights().drawPosition(randomBits);
        Candidates fresh = sortedAfterRead(x, false);
        assertEquals(fresh.id(fresh.stepWeights().drawPosition(randomBits)), read.id(drawn),
            "seed " + seed + ", draw " + d + ": the token drawn depends on a read of the sums");
        assertInverts(read, x, Seeds.uniform(randomBits), drawn, "seed " + seed + ", draw " + d);
        checked++;
      }
    }
    assertEquals(240, checked);
  }

  /**
   * Keeps the logits at or above -1.5 (about 70% of them, explicit in id order), reads the
   * normaliser if asked, then sorts the candidates by logit as the largest-logits primitive does.
   */
  private static Candidates sortedAfterRead(float[] x, boolean readSums) {
    Candidates c = new Candidates(V);
    c.reset(x, 0);
    c.keepAtLeast(-1.5f, 1);
    if (readSums) {
      assertTrue(c.logNormalizer() > 0f);
    }
    c.truncation().largestLogits(40, c.scratch().keys(), c.scratch().order());
    return c;
  }

  /**
   * The drawn position is where the cumulative weight, in candidate order, crosses {@code u}
   * times the total, computed in double with {@link Math#exp}, within a relative 1e-5.
   */
  private static void assertInverts(Candidates c, float[] x, double u, int drawn, String what) {
    int n = c.size();
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      max = Math.max(max, x[c.id(i)]);
    }
    double[] cumulative = new double[n + 1];
    for (int i = 0; i < n; i++) {
      cumulative[i + 1] = cumulative[i] + Math.exp((double) x[c.id(i)] - max);
    }
    double target = u * cumulative[n];
    double slack = 1e-5 * cumulative[n];
    assertTrue(cumulative[drawn] <= target + slack && target - slack <= cumulative[drawn + 1],
        () -> what + ": drawn position " + drawn + " covers [" + cumulative[drawn] + ", "
            + cumulative[drawn + 1] + "), target " + target);
  }
}
