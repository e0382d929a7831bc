package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.random.Seeds;
import java.util.Arrays;

/**
 * The forms in which a truncating stage can meet its candidates, for logits that may hold
 * {@code -Infinity} (masked tokens, which {@link CandidatePath#EXPLICIT} does not accept).
 *
 * <ul>
 *   <li>{@link #WHOLE_VOCABULARY}: the caller's logits read in place, at a non-zero offset of a
 *       larger array (as a batch row is);
 *   <li>{@link #EXPLICIT}: explicit candidates holding every finite logit, made by a {@link TopK}
 *       that keeps all of them from a vocabulary padded with one {@code -Infinity} logit.
 * </ul>
 * Either way the candidates read a generator of a fixed seed for {@link Candidates#randomBits()}.
 */
enum TruncationPath {
  /** Candidate {@code i} is token {@code i}, read in place at offset 3. */
  WHOLE_VOCABULARY {
    @Override
    Candidates start(float[] logits, long seed) {
      float[] row = new float[logits.length + 5];
      Arrays.fill(row, Float.NaN);
      System.arraycopy(logits, 0, row, 3, logits.length);
      Candidates c = new Candidates(logits.length);
      c.reset(row, 3);
      c.takeRandomFrom(Seeds.generator(seed));
      assertTrue(c.isWholeVocabulary());
      return c;
    }
  },
  /** The finite logits as explicit candidates, sorted by logit. */
  EXPLICIT {
    @Override
    Candidates start(float[] logits, long seed) {
      int v = logits.length;
      float[] padded = Arrays.copyOf(logits, v + 1);
      padded[v] = Float.NEGATIVE_INFINITY;
      int finite = 0;
      for (float x : logits) {
        finite += x == Float.NEGATIVE_INFINITY ? 0 : 1;
      }
      Candidates c = new Candidates(v + 1);
      c.reset(padded, 0);
      c.takeRandomFrom(Seeds.generator(seed));
      new TopK(finite).apply(c);
      assertFalse(c.isWholeVocabulary());
      assertEquals(finite, c.size(), "explicit candidates hold every finite logit");
      return c;
    }
  };

  /**
   * Candidates for {@code logits} in this form.
   *
   * @param logits finite or {@code -Infinity}, at least one finite (never written)
   * @param seed the seed of the generator behind {@link Candidates#randomBits()}
   * @return the candidates
   */
  abstract Candidates start(float[] logits, long seed);

  /**
   * The ids of the candidates of positive probability, in increasing order.
   *
   * @param c the candidates
   * @return the ids
   */
  static int[] live(Candidates c) {
    int[] ids = new int[c.size()];
    int n = 0;
    for (int i = 0; i < c.size(); i++) {
      if (c.probability(i) > 0f) {
        ids[n++] = c.id(i);
      }
    }
    int[] result = Arrays.copyOf(ids, n);
    Arrays.sort(result);
    return result;
  }
}
