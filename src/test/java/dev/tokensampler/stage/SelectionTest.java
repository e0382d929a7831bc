package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensampler.TestLogits;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link TopK} and {@link TopP} keep exactly the tokens that {@link ReferenceSelection} keeps,
 * on the whole vocabulary and on the explicit candidates left by top-k, for random, tied, peaked,
 * flat and masked logits, and for a spike so high that every other token's float weight is 0
 * (only {@code min_keep} keeps those). Candidates with a {@code -Infinity} logit have probability 0 and are
 * not compared (top-k with {@code k >= V} and top-p with {@code p = 1} keep them, as no-ops).
 */
class SelectionTest {
  private static final float[] PS = {1e-9f, 0.1f, 0.5f, 0.9f, 0.95f, 0.999f, 1.0f};
  private static final int[] MIN_KEEPS = {1, 2, 5};
  private static final int[] VOCABULARIES = {1, 2, 17, 1000, 32000};
  private static final int DRAWS = 16;

  /** The kinds of logit vector. */
  enum Shape {
    RANDOM, TIED, PEAKED, FLAT, MASKED;

    float[] logits(Random random, int vocabulary) {
      switch (this) {
        case RANDOM:
          return TestLogits.gaussian(random, vocabulary, 2);
        case TIED:
          return TestLogits.tied(random, vocabulary, 1.5, 0.5);
        case PEAKED:
          return TestLogits.peaked(random, vocabulary, 15f);
        case FLAT:
          float[] flat = new float[vocabulary];
          Arrays.fill(flat, 0.25f);
          return flat;
        default:
          return TestLogits.mask(random, TestLogits.gaussian(random, vocabulary, 2), 0.5);
      }
    }
  }

  @Test
  void topKKeepsEveryTokenAtLeastTheKthLargestLogit() {
    for (int vocabulary : VOCABULARIES) {
      Candidates c = new Candidates(vocabulary);
      for (Shape shape : Shape.values()) {
        float[] logits = shape.logits(new Random(vocabulary * 31L + shape.ordinal()), vocabulary);
        int[] sorted = ReferenceSelection.sortedByLogit(logits, allIds(vocabulary));
        for (int k : ks(vocabulary)) {
          for (int minKeep : MIN_KEEPS) {
            String where = shape + " V=" + vocabulary + " top-k " + k + " min_keep " + minKeep;
            c.reset(logits, 0);
            new TopK(k, minKeep).apply(c);
            int effectiveK = k == 0 ? 0 : Math.max(k, minKeep);
            int expected = ReferenceSelection.topK(logits, sorted, effectiveK);
            assertSurvivors(where, c, logits, sorted, expected);
            assertNonIncreasing(where, c);
          }
        }
      }
    }
  }

  @Test
  void topPOnTheWholeVocabularyKeepsTheReferenceNucleus() {
    Skips skips = new Skips();
    for (int vocabulary : VOCABULARIES) {
      Candidates c = new Candidates(vocabulary);
      for (Shape shape : Shape.values()) {
        Random random = new Random(vocabulary * 37L + shape.ordinal());
        float[] logits = shape.logits(random, vocabulary);
        int[] sorted = ReferenceSelection.sortedByLogit(logits, allIds(vocabulary));
        for (float p : PS) {
          for (int minKeep : MIN_KEEPS) {
            String where = shape + " V=" + vocabulary + " top-p " + p + " min_keep " + minKeep;
            c.reset(logits, 0);
            new TopP(p, minKeep).apply(c);
            int[] drawn = new int[DRAWS];
            for (int d = 0; d < DRAWS; d++) {
              drawn[d] = c.draw(random.nextLong());
            }
            BitSet survivors =
                assertNucleus(where, c, logits, sorted, sorted.length, p, minKeep, skips);
            for (int token : drawn) {
              assertTrue(survivors.get(token), where + ": drew " + token + " outside the nucleus");
            }
          }
        }
      }
    }
    skips.assertFew();
  }

  @Test
  void topPAfterTopKKeepsTheReferenceNucleusOfTheTopKSet() {
    Skips skips = new Skips();
    for (int vocabulary : VOCABULARIES) {
      Candidates c = new Candidates(vocabulary);
      for (Shape shape : Shape.values()) {
        Random random = new Random(vocabulary * 41L + shape.ordinal());
        float[] logits = shape.logits(random, vocabulary);
        int[] sorted = ReferenceSelection.sortedByLogit(logits, allIds(vocabulary));
        for (int k : new int[] {40, vocabulary - 1}) {
          int afterK = ReferenceSelection.topK(logits, sorted, k);
          for (float p : PS) {
            for (int minKeep : MIN_KEEPS) {
              String where = shape + " V=" + vocabulary + " top-k " + k + " top-p " + p
                  + " min_keep " + minKeep;
              c.reset(logits, 0);
              new TopK(k).apply(c);
              new TopP(p, minKeep).apply(c);
              int token = c.draw(random.nextLong());
              BitSet survivors =
                  assertNucleus(where, c, logits, sorted, afterK, p, minKeep, skips);
              assertTrue(survivors.get(token), where + ": drew " + token + " outside the nucleus");
            }
          }
        }
      }
    }
    skips.assertFew();
  }

  @Test
  void topPKeepsMinKeepTokensWhenEveryOtherWeightUnderflows() {
    Skips skips = new Skips();
    for (int vocabulary : VOCABULARIES) {
      Candidates c = new Candidates(vocabulary);
      Random random = new Random(vocabulary * 43L);
      float[] logits = TestLogits.peaked(random, vocabulary, 200f);
      int[] sorted = ReferenceSelection.sortedByLogit(logits, allIds(vocabulary));
      for (int k : new int[] {0, 40}) {
        int afterK = ReferenceSelection.topK(logits, sorted, k);
        for (float p : PS) {
          for (int minKeep : MIN_KEEPS) {
            String where = "spike V=" + vocabulary + " top-k " + k + " top-p " + p + " min_keep "
                + minKeep;
            c.reset(logits, 0);
            new TopK(k).apply(c);
            new TopP(p, minKeep).apply(c);
            int token = c.draw(random.nextLong());
            assertEquals(sorted[0], token, where + ": the spike has all the mass");
            assertNucleus(where, c, logits, sorted, afterK, p, minKeep, skips);
          }
        }
      }
    }
    skips.assertFew();
  }

  /**
   * A tie is two equal logits: logits one float apart whose weights round to the same float are
   * not tied, so the whole vocabulary and the explicit candidates after top-k keep the same
   * nucleus, that of exact arithmetic (unless the mass before a tie group is within rounding of
   * the target), and every draw comes from it. Here 2.5 and 2.4999998
   * (adjacent floats) are mixed into random logits, with the largest logit 2.5 (both weights
   * round to 1) or above it.
   */
  @Test
  void topPTellsApartLogitsWhoseWeightsRoundEqual() {
    Skips skips = new Skips();
    int vocabulary = 1000;
    float nextBelow = Math.nextDown(2.5f);
    Candidates whole = new Candidates(vocabulary);
    Candidates explicit = new Candidates(vocabulary);
    for (int seed = 0; seed < 12; seed++) {
      Random random = new Random(seed);
      float[] logits = TestLogits.gaussian(random, vocabulary, 1 + seed % 3);
      for (int i = 0; i < vocabulary; i++) {
        if (seed % 2 == 0) {
          logits[i] = Math.min(logits[i], 2.4f);
        }
        if (random.nextInt(5) < 2) {
          logits[i] = random.nextBoolean() ? 2.5f : nextBelow;
        }
      }
      int[] sorted = ReferenceSelection.sortedByLogit(logits, allIds(vocabulary));
      for (float p : new float[] {1e-9f, 0.3f, 0.5f, 0.7f, 0.9f, 0.99f}) {
        for (int minKeep : new int[] {1, 5}) {
          String where = "seed " + seed + " top-p " + p + " min_keep " + minKeep;
          whole.reset(logits, 0);
          new TopP(p, minKeep).apply(whole);
          for (int d = 0; d < DRAWS; d++) {
            int token = whole.draw(random.nextLong());
            int expected = ReferenceSelection.topP(logits, sorted, vocabulary, p, minKeep).count();
            assertTrue(Arrays.stream(sorted, 0, expected).anyMatch(id -> id == token),
                where + ": drew " + token + " (logit " + logits[token] + ") outside the nucleus"
                    + " of " + expected);
          }
          BitSet wholeKept = assertNucleus(
              where + " (whole)", whole, logits, sorted, vocabulary, p, minKeep, skips);
          explicit.reset(logits, 0);
          new TopK(vocabulary - 1).apply(explicit);
          new TopP(p, minKeep).apply(explicit);
          BitSet explicitKept = assertNucleus(
              where + " (after top-k)", explicit, logits, sorted, vocabulary, p, minKeep, skips);
          if (!ReferenceSelection.topP(logits, sorted, vocabulary, p, minKeep).fragile()) {
            assertTrue(wholeKept.equals(explicitKept), where + ": the two paths keep "
                + wholeKept.cardinality() + " and " + explicitKept.cardinality() + " tokens");
          }
        }
      }
    }
    skips.assertFew();
  }

  /**
   * The survivors are the reference nucleus of the first {@code n} sorted candidates. When the
   * reference decision is float-fragile, the exact comparison is skipped (and counted); the
   * survivors must still be a whole number of tie groups, between the nuclei for
   * {@code p (1 - 1e-5)} and {@code p (1 + 1e-5)}.
   */
  private static BitSet assertNucleus(String where, Candidates c, float[] logits, int[] sorted,
      int n, float p, int minKeep, Skips skips) {
    ReferenceSelection.Nucleus expected = ReferenceSelection.topP(logits, sorted, n, p, minKeep);
    skips.count(expected.fragile());
    if (!expected.fragile()) {
      return assertSurvivors(where, c, logits, sorted, expected.count());
    }
    int kept = 0;
    for (int i = 0; i < c.size(); i++) {
      kept += logits[c.id(i)] == Float.NEGATIVE_INFINITY ? 0 : 1;
    }
    int low = ReferenceSelection.topP(
        logits, sorted, n, p * (1 - ReferenceSelection.FRAGILE), minKeep).count();
    int high = ReferenceSelection.topP(
        logits, sorted, n, p * (1 + ReferenceSelection.FRAGILE), minKeep).count();
    assertTrue(low <= kept && kept <= high,
        where + ": kept " + kept + ", outside the fragile range [" + low + ", " + high + "]");
    assertTrue(kept == n || logits[sorted[kept]] != logits[sorted[kept - 1]],
        where + ": a tie group is split at " + kept);
    return assertSurvivors(where, c, logits, sorted, kept);
  }

  /**
   * The candidates are distinct ids with their own logits, and those with a logit other than
   * {@code -Infinity} are exactly the first {@code expected} of {@code sorted}.
   */
  private static BitSet assertSurvivors(
      String where, Candidates c, float[] logits, int[] sorted, int expected) {
    BitSet actual = new BitSet();
    int size = c.size();
    for (int i = 0; i < size; i++) {
      int id = c.id(i);
      assertTrue(id >= 0 && id < logits.length, where + ": id " + id);
      assertEquals(logits[id], c.logit(i), 0f, where + ": logit of candidate " + i);
      if (logits[id] != Float.NEGATIVE_INFINITY) {
        assertTrue(!actual.get(id), where + ": id " + id + " twice");
        actual.set(id);
      }
    }
    BitSet reference = new BitSet();
    for (int i = 0; i < expected; i++) {
      reference.set(sorted[i]);
    }
    if (!actual.equals(reference)) {
      BitSet missing = (BitSet) reference.clone();
      missing.andNot(actual);
      BitSet extra = (BitSet) actual.clone();
      extra.andNot(reference);
      fail(where + ": kept " + actual.cardinality() + ", reference " + expected + "; missing "
          + sample(missing, logits) + ", extra " + sample(extra, logits));
    }
    return actual;
  }

  /** Truncated candidates come sorted by logit, largest first. */
  private static void assertNonIncreasing(String where, Candidates c) {
    if (c.isWholeVocabulary()) {
      return;
    }
    for (int i = 1; i < c.size(); i++) {
      assertTrue(c.logit(i) <= c.logit(i - 1), where + ": candidate " + i + " out of order");
    }
  }

  /** Counts the top-p cases whose exact comparison is skipped as float-fragile. */
  private static final class Skips {
    private int cases;
    private int skipped;

    void count(boolean fragile) {
      cases++;
      skipped += fragile ? 1 : 0;
    }

    /** At most one case in ten: dense tails near p at V = 32000 make a few unavoidable. */
    void assertFew() {
      System.out.println("SelectionTest: " + skipped + " of " + cases + " top-p cases compared"
          + " within bounds only (boundary mass within " + ReferenceSelection.FRAGILE + " of p)");
      assertTrue(skipped * 10 <= cases, skipped + " of " + cases + " cases skipped");
    }
  }

  private static String sample(BitSet ids, float[] logits) {
    StringBuilder text = new StringBuilder("[");
    ids.stream().limit(5).forEach(id -> text.append(id).append('=').append(logits[id]).append(' '));
    return text.append(ids.cardinality() > 5 ? "...]" : "]").toString();
  }

  private static int[] ks(int vocabulary) {
    return IntStream.of(1, 2, 40, 1000, vocabulary - 1, vocabulary, vocabulary + 5)
        .filter(k -> k >= 0).distinct().toArray();
  }

  private static int[] allIds(int vocabulary) {
    return IntStream.range(0, vocabulary).toArray();
  }
}
