package dev.tokensampler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Pearson's chi-square goodness-of-fit test: binning of token counts, the statistic, and the
 * critical value from the regularized upper incomplete gamma function (series and Lentz
 * continued fraction, Numerical Recipes section 6.2).
 */
public final class ChiSquare {
  /** Bins whose expected count is below this are pooled. */
  static final double MIN_EXPECTED = 5;

  private ChiSquare() {}

  /**
   * Observed and expected counts per bin.
   *
   * @param observed the observed counts
   * @param expected the expected counts, all positive
   */
  public record Bins(long[] observed, double[] expected) {
    /**
     * The chi-square statistic, {@code sum (O - E)^2 / E}.
     *
     * @return the statistic
     */
    public double statistic() {
      double sum = 0;
      for (int b = 0; b < expected.length; b++) {
        double d = observed[b] - expected[b];
        sum += d * d / expected[b];
      }
      return sum;
    }

    /**
     * The degrees of freedom, bins minus one.
     *
     * @return the degrees of freedom
     */
    public int degreesOfFreedom() {
      return expected.length - 1;
    }
  }

  /**
   * One bin per token whose expected count is at least {@link #MIN_EXPECTED}; the other tokens
   * of positive probability share one bin, merged into the smallest bin if still below it.
   *
   * @param counts the observed count of each token
   * @param probabilities the probability of each token
   * @param draws the number of draws
   * @return the bins
   */
  public static Bins perToken(int[] counts, double[] probabilities, int draws) {
    List<int[]> groups = new ArrayList<>();
    List<Integer> pooled = new ArrayList<>();
    for (int t = 0; t < counts.length; t++) {
      if (probabilities[t] * draws >= MIN_EXPECTED) {
        groups.add(new int[] {t});
      } else if (probabilities[t] > 0) {
        pooled.add(t);
      }
    }
    if (!pooled.isEmpty()) {
      int[] pool = pooled.stream().mapToInt(Integer::intValue).toArray();
      if (mass(pool, probabilities) * draws >= MIN_EXPECTED || groups.isEmpty()) {
        groups.add(pool);
      } else {
        int smallest = IntStream.range(0, groups.size()).boxed()
            .min(Comparator.comparingDouble(g -> mass(groups.get(g), probabilities))).get();
        int[] merged = IntStream.concat(
            Arrays.stream(groups.get(smallest)), Arrays.stream(pool)).toArray();
        groups.set(smallest, merged);
      }
    }
    return bins(groups, counts, probabilities, draws);
  }

  /**
   * About {@code target} bins of equal probability over the tokens of positive probability,
   * taken in decreasing order of probability (a token more probable than a bin stays alone); a
   * last bin below {@link #MIN_EXPECTED} joins the previous one.
   *
   * @param counts the observed count of each token
   * @param probabilities the probability of each token
   * @param draws the number of draws
   * @param target the number of bins wanted
   * @return the bins
   */
  static Bins byRank(int[] counts, double[] probabilities, int draws, int target) {
    int[] order = IntStream.range(0, counts.length).filter(t -> probabilities[t] > 0).boxed()
        .sorted(Comparator.comparingDouble((Integer t) -> -probabilities[t]))
        .mapToInt(Integer::intValue).toArray();
    List<int[]> groups = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    double mass = 0;
    for (int t : order) {
      current.add(t);
      mass += probabilities[t];
      if (mass >= 1.0 / target) {
        groups.add(current.stream().mapToInt(Integer::intValue).toArray());
        current.clear();
        mass = 0;
      }
    }
    if (!current.isEmpty()) {
      int[] rest = current.stream().mapToInt(Integer::intValue).toArray();
      if (mass * draws >= MIN_EXPECTED || groups.isEmpty()) {
        groups.add(rest);
      } else {
        int last = groups.size() - 1;
        groups.set(last, IntStream.concat(Arrays.stream(groups.get(last)), Arrays.stream(rest))
            .toArray());
      }
    }
    return bins(groups, counts, probabilities, draws);
  }

  private static Bins bins(List<int[]> groups, int[] counts, double[] probabilities, int draws) {
    long[] observed = new long[groups.size()];
    double[] expected = new double[groups.size()];
    for (int b = 0; b < groups.size(); b++) {
      for (int t : groups.get(b)) {
        observed[b] += counts[t];
      }
      expected[b] = mass(groups.get(b), probabilities) * draws;
    }
    return new Bins(observed, expected);
  }

  private static double mass(int[] tokens, double[] probabilities) {
    double mass = 0;
    for (int t : tokens) {
      mass += probabilities[t];
    }
    return mass;
  }

  /**
   * The value that a chi-square variable with {@code df} degrees of freedom exceeds with
   * probability {@code alpha}, by bisection on {@link #upperTail}.
   *
   * @param df the degrees of freedom, at least 1
   * @param alpha the tail probability
   * @return the critical value
   */
  public static double criticalValue(int df, double alpha) {
    double low = 0;
    double high = df + 10;
    while (upperTail(high, df) > alpha) {
      high *= 2;
    }
    for (int i = 0; i < 200 && high - low > 1e-12 * high; i++) {
      double mid = (low + high) / 2;
      if (upperTail(mid, df) > alpha) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return (low + high) / 2;
  }

  /**
   * {@code P(X > x)} for a chi-square variable {@code X} with {@code df} degrees of freedom:
   * {@code Q(df / 2, x / 2)}.
   *
   * @param x the value
   * @param df the degrees of freedom
   * @return the tail probability
   */
  static double upperTail(double x, int df) {
    double a = df / 2.0;
    double z = x / 2;
    if (z <= 0) {
      return 1;
    }
    if (z < a + 1) {
      // Series for the lower function P(a, z).
      double term = 1 / a;
      double sum = term;
      for (int n = 1; n < 10_000 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
        term *= z / (a + n);
        sum += term;
      }
      return 1 - sum * Math.exp(-z + a * Math.log(z) - logGamma(a));
    }
    // Continued fraction for Q(a, z), modified Lentz.
    double tiny = 1e-300;
    double b = z + 1 - a;
    double c = 1 / tiny;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 10_000; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      d = Math.abs(d) < tiny ? tiny : d;
      c = b + an / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      double delta = d * c;
      h *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-z + a * Math.log(z) - logGamma(a)) * h;
  }

  /** Lanczos approximation (g = 7, n = 9), accurate to about 1e-15 for {@code a >= 0.5}. */
  static double logGamma(double a) {
    double[] c = {
      0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
      -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
      1.5056327351493116e-7
    };
    double x = a - 1;
    double sum = c[0];
    for (int i = 1; i < c.length; i++) {
      sum += c[i] / (x + i);
    }
    double t = x + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(sum);
  }
}
