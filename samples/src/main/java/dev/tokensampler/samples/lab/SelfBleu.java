package dev.tokensampler.samples.lab;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Self-BLEU (Zhu et al., 2018, Texygen): how much the continuations of one prompt resemble each
 * other. Each continuation in turn is the hypothesis and the others are its references; self-BLEU
 * is the mean of these sentence BLEU scores. Higher means less diverse.
 *
 * <p>Sentence BLEU is computed as NLTK's {@code sentence_bleu} with uniform weights up to
 * {@code maxOrder} and {@code SmoothingFunction().method1} (what Texygen uses):
 *
 * <ul>
 *   <li>modified precision {@code p_n}: the hypothesis's n-grams, each counted at most as often
 *       as it occurs in the reference where it occurs most, over the number of the hypothesis's
 *       n-grams (at least 1);
 *   <li>smoothing: a {@code p_n} with no match becomes {@code 0.1 / denominator};
 *   <li>no unigram match at all (or an empty hypothesis): BLEU is 0;
 *   <li>brevity penalty: {@code r} the reference length closest to the hypothesis length
 *       {@code c} (ties to the shorter), {@code BP = 1} if {@code c > r}, else
 *       {@code exp(1 - r / c)};
 *   <li>{@code BLEU = BP * exp(mean over n of ln p_n)}.
 * </ul>
 */
public final class SelfBleu {
  /** The usual largest n-gram order, BLEU-4. */
  public static final int DEFAULT_MAX_ORDER = 4;
  private static final double EPSILON = 0.1;

  private SelfBleu() {}

  /**
   * The self-BLEU of a set of continuations.
   *
   * @param continuations at least 2 for a value
   * @param maxOrder the largest n-gram order, at least 1
   * @return the mean sentence BLEU of each against the others, in [0, 1], or NaN for fewer than
   *     2 continuations
   */
  public static double of(List<int[]> continuations, int maxOrder) {
    if (continuations.size() < 2) {
      return Double.NaN;
    }
    double sum = 0;
    for (int i = 0; i < continuations.size(); i++) {
      List<int[]> references = new ArrayList<>(continuations);
      references.remove(i);
      sum += sentenceBleu(continuations.get(i), references, maxOrder);
    }
    return sum / continuations.size();
  }

  /**
   * Sentence BLEU of a hypothesis against references, as the class comment defines it.
   *
   * @param hypothesis the tokens
   * @param references at least one
   * @param maxOrder the largest n-gram order, at least 1
   * @return BLEU in [0, 1]
   * @throws IllegalArgumentException if there is no reference or {@code maxOrder < 1}
   */
  public static double sentenceBleu(int[] hypothesis, List<int[]> references, int maxOrder) {
    if (references.isEmpty()) {
      throw new IllegalArgumentException("references must not be empty");
    }
    if (maxOrder < 1) {
      throw new IllegalArgumentException("maxOrder must be >= 1, got " + maxOrder);
    }
    if (hypothesis.length == 0) {
      return 0;
    }
    double logSum = 0;
    for (int n = 1; n <= maxOrder; n++) {
      Map<List<Integer>, Integer> counts = counts(hypothesis, n);
      Map<List<Integer>, Integer> maxReference = new HashMap<>();
      for (int[] reference : references) {
        counts(reference, n).forEach((gram, count) -> maxReference.merge(gram, count, Math::max));
      }
      long matched = 0;
      long total = 0;
      for (Map.Entry<List<Integer>, Integer> entry : counts.entrySet()) {
        matched += Math.min(entry.getValue(), maxReference.getOrDefault(entry.getKey(), 0));
        total += entry.getValue();
      }
      if (n == 1 && matched == 0) {
        return 0;
      }
      long denominator = Math.max(1, total);
      double precision = matched == 0 ? EPSILON / denominator : (double) matched / denominator;
      logSum += Math.log(precision);
    }
    return brevityPenalty(hypothesis.length, references) * Math.exp(logSum / maxOrder);
  }

  private static double brevityPenalty(int c, List<int[]> references) {
    int r = references.get(0).length;
    for (int[] reference : references) {
      int length = reference.length;
      int distance = Math.abs(length - c);
      int best = Math.abs(r - c);
      if (distance < best || (distance == best && length < r)) {
        r = length;
      }
    }
    return c > r ? 1 : Math.exp(1 - (double) r / c);
  }

  private static Map<List<Integer>, Integer> counts(int[] tokens, int n) {
    Map<List<Integer>, Integer> counts = new HashMap<>();
    for (int i = 0; i + n <= tokens.length; i++) {
      counts.merge(TextMetrics.ngram(tokens, i, n), 1, Integer::sum);
    }
    return counts;
  }
}
