package dev.tokensampler.samples.lab;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Diversity measures of a set of continuations (token ids), pooled over the set.
 *
 * <ul>
 *   <li><b>distinct-n</b> (Li et al., 2016): the number of distinct n-grams over the number of
 *       n-grams, counted within each continuation (no n-gram crosses two) and pooled; a
 *       continuation shorter than n has none. NaN when the set has no n-gram.
 *   <li><b>repetition rate</b>: the share of tokens that already occurred earlier in the same
 *       continuation, pooled over the set. NaN when the set has no token.
 * </ul>
 */
public final class TextMetrics {
  private TextMetrics() {}

  /**
   * Distinct-n of a set of continuations.
   *
   * @param continuations the token ids of each continuation
   * @param n the n-gram order, at least 1
   * @return distinct n-grams over n-grams, in (0, 1], or NaN if there is no n-gram
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static double distinct(List<int[]> continuations, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    Set<List<Integer>> distinct = new HashSet<>();
    long total = 0;
    for (int[] tokens : continuations) {
      for (int i = 0; i + n <= tokens.length; i++) {
        distinct.add(ngram(tokens, i, n));
        total++;
      }
    }
    return total == 0 ? Double.NaN : (double) distinct.size() / total;
  }

  /**
   * The repetition rate of a set of continuations.
   *
   * @param continuations the token ids of each continuation
   * @return repeated tokens over tokens, in [0, 1), or NaN if there is no token
   */
  public static double repetitionRate(List<int[]> continuations) {
    long repeated = 0;
    long total = 0;
    for (int[] tokens : continuations) {
      Set<Integer> seen = new HashSet<>();
      for (int token : tokens) {
        total++;
        if (!seen.add(token)) {
          repeated++;
        }
      }
    }
    return total == 0 ? Double.NaN : (double) repeated / total;
  }

  /**
   * The n-gram at {@code tokens[start, start + n)} as a list (equal and hashed by content).
   *
   * @param tokens the tokens
   * @param start the first
   * @param n the length
   * @return the n-gram
   */
  static List<Integer> ngram(int[] tokens, int start, int n) {
    return Arrays.stream(tokens, start, start + n).boxed().toList();
  }
}
