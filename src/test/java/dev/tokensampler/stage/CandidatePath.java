package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/**
 * The two forms in which a stage can meet its candidates, so that a test can hold both code paths
 * of a stage to the same expected values.
 *
 * <ul>
 *   <li>{@link #WHOLE_VOCABULARY}: the first stage of a step, reading the caller's logits in place;
 *   <li>{@link #EXPLICIT}: explicit candidates (ids and logits, sorted by logit) holding every
 *       token of the same logits. They are made by a {@link TopK} that keeps all tokens of a
 *       vocabulary padded with one extra {@code -Infinity} logit (id {@code V}), which top-k never
 *       keeps; the padding has probability 0 and does not change any other probability.
 * </ul>
 */
enum CandidatePath {
  /** Candidate {@code i} is token {@code i}, read in place. */
  WHOLE_VOCABULARY {
    @Override
    Candidates start(float[] logits) {
      Candidates c = new Candidates(logits.length);
      c.reset(logits, 0);
      assertTrue(c.isWholeVocabulary());
      return c;
    }
  },
  /** The same tokens as explicit candidates, sorted by logit. */
  EXPLICIT {
    @Override
    Candidates start(float[] logits) {
      int v = logits.length;
      float[] padded = Arrays.copyOf(logits, v + 1);
      padded[v] = Float.NEGATIVE_INFINITY;
      Candidates c = new Candidates(v + 1);
      c.reset(padded, 0);
      new TopK(v).apply(c);
      assertFalse(c.isWholeVocabulary());
      assertEquals(v, c.size(), "explicit candidates hold every finite logit");
      return c;
    }
  };

  /**
   * Candidates holding every token of {@code logits}, in this form.
   *
   * @param logits one logit per token, finite (the caller's array is never written)
   * @return candidates whose ids are {@code 0..logits.length-1}
   */
  abstract Candidates start(float[] logits);

  /**
   * The ids of the current candidates, in increasing order.
   *
   * @param c the candidates
   * @return their ids, sorted
   */
  static int[] survivors(Candidates c) {
    int[] ids = new int[c.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = c.id(i);
    }
    Arrays.sort(ids);
    return ids;
  }

  /**
   * The ids of the current candidates in candidate order.
   *
   * @param c the candidates
   * @return their ids
   */
  static int[] order(Candidates c) {
    int[] ids = new int[c.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = c.id(i);
    }
    return ids;
  }

  /**
   * The probability of token {@code id} among the current candidates.
   *
   * @param c the candidates
   * @param id a token id
   * @return its probability, or 0 if it is not a candidate
   */
  static float probabilityOf(Candidates c, int id) {
    for (int i = 0; i < c.size(); i++) {
      if (c.id(i) == id) {
        return c.probability(i);
      }
    }
    return 0f;
  }

  /**
   * Logits whose softmax is {@code probabilities}: {@code (float) Math.log(p)}, as the
   * transformers and llama.cpp tests build them.
   *
   * @param probabilities positive values
   * @return their natural logarithms
   */
  static float[] logOf(double... probabilities) {
    float[] logits = new float[probabilities.length];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) Math.log(probabilities[i]);
    }
    return logits;
  }
}
