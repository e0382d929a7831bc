package dev.tokensampler.stage;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The textbook forms of the truncating stages, written with sorts and double-precision
 * {@link Math#exp} over a set of candidate ids, to hold the sort-free implementations to: each
 * returns the kept ids (finite logits only) and whether some decision lay so close to its bound
 * (relative {@link #FRAGILE}) that float rounding may decide it either way.
 */
final class ReferenceTruncation {
  /** A quantity within this relative distance of its bound is float-fragile. */
  static final double FRAGILE = 1e-5;

  /**
   * The result of a rule.
   *
   * @param kept the kept ids, in increasing order
   * @param fragile whether rounding may change the result
   */
  record Kept(int[] kept, boolean fragile) {}

  private final float[] logits;
  private final int[] ids;
  private final double[] p;
  private final double max;
  private final double scale;
  private boolean fragile;

  /**
   * The softmax of {@code logits[id] * scale} over {@code ids} (the finite ones).
   *
   * @param logits the logits of the vocabulary
   * @param candidates the candidate ids
   * @param scale the temperature factor
   */
  ReferenceTruncation(float[] logits, int[] candidates, double scale) {
    this.logits = logits;
    this.ids = Arrays.stream(candidates)
        .filter(id -> logits[id] != Float.NEGATIVE_INFINITY).toArray();
    this.max = Arrays.stream(ids).mapToDouble(id -> logits[id]).max().getAsDouble();
    this.scale = scale;
    double[] w = Arrays.stream(ids).mapToDouble(id -> Math.exp((logits[id] - max) * scale))
        .toArray();
    double sum = Arrays.stream(w).sum();
    this.p = Arrays.stream(w).map(x -> x / sum).toArray();
  }

  Kept minP(double minP, int minKeep) {
    double pMax = Arrays.stream(p).max().getAsDouble();
    return keep(i -> atLeast(p[i], minP * pMax), minKeep);
  }

  Kept epsilon(double epsilon, int minKeep) {
    return keep(i -> atLeast(p[i], epsilon), minKeep);
  }

  Kept eta(double epsilon, int minKeep) {
    double eta = Math.min(epsilon, Math.sqrt(epsilon) * Math.exp(-entropy()));
    return keep(i -> atLeast(p[i], eta), minKeep);
  }

  Kept topNSigma(double n) {
    double mean = Arrays.stream(ids).mapToDouble(id -> logits[id]).average().getAsDouble();
    double variance = Arrays.stream(ids)
        .mapToDouble(id -> (logits[id] - mean) * (logits[id] - mean)).average().getAsDouble();
    double bound = max - n * Math.sqrt(variance);
    return keep(i -> {
      double x = logits[ids[i]];
      if (x != bound && Math.abs(x - bound) <= FRAGILE * (1 + Math.abs(bound))) {
        fragile = true;
      }
      return x >= bound;
    }, 1);
  }

  Kept typical(double mass, int minKeep) {
    double h = entropy();
    double[] score = IntStream.range(0, ids.length)
        .mapToDouble(i -> Math.abs(-Math.log(p[i]) - h)).toArray();
    Integer[] order = IntStream.range(0, ids.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> score[i]));
    double cumulative = 0;
    double bound = score[order[order.length - 1]];
    for (int j = 0; j < order.length; j++) {
      cumulative += p[order[j]];
      boolean groupEnd = j + 1 == order.length || score[order[j + 1]] != score[order[j]];
      if (groupEnd && Math.abs(cumulative - mass) <= FRAGILE * mass) {
        fragile = true;
      }
      if (cumulative >= mass) {
        bound = score[order[j]];
        break;
      }
    }
    double crossing = bound;
    for (double s : score) {
      if (s != crossing && Math.abs(s - crossing) <= 1e-4) {
        fragile = true;
      }
    }
    double kth = score[order[Math.min(minKeep, order.length) - 1]];
    double r = Math.max(bound, kth);
    return keep(i -> score[i] <= r, 1);
  }

  Kept xtc(double threshold, int minKeep) {
    double least = Double.POSITIVE_INFINITY;
    int top = 0;
    for (int i = 0; i < ids.length; i++) {
      if (atLeast(p[i], threshold)) {
        top++;
        least = Math.min(least, logits[ids[i]]);
      }
    }
    double leastTop = least;
    long removed = Arrays.stream(ids).filter(id -> logits[id] > leastTop).count();
    if (top < 2 || least == max || ids.length - removed < minKeep) {
      return keep(i -> true, 1);
    }
    return keep(i -> logits[ids[i]] <= leastTop, 1);
  }

  /**
   * Mirostat 2.0's cut for the surprise bound {@code mu} (bits): {@code -log2 p <= mu}, i.e.
   * {@code p >= 2^-mu}, and at least the most probable token and its ties.
   */
  Kept mirostatV2(double mu) {
    return keep(i -> atLeast(p[i], Math.pow(2, -mu)), 1);
  }

  /**
   * Mirostat's cut (Basu et al., algorithm 1): the Zipf exponent {@code s} by least squares over
   * the top {@code m} logits sorted, {@code k = (e * 2^mu / (1 - N^-e))^(1 / s)} with
   * {@code e = s - 1}, and the {@code max(1, floor(k))} largest logits with their ties when
   * {@code k} is below the number of candidates.
   */
  Kept mirostatV1(double mu, int m, int vocabularySize) {
    int[] sorted = ReferenceSelection.sortedByLogit(logits, ids);
    double sumTb = 0;
    double sumTt = 0;
    for (int i = 0; i < Math.min(m, sorted.length) - 1; i++) {
      double t = Math.log((i + 2) / (double) (i + 1));
      sumTb += t * ((double) logits[sorted[i]] - logits[sorted[i + 1]]) * scale;
      sumTt += t * t;
    }
    if (!(sumTt > 0)) {
      return keep(i -> true, 1);
    }
    double s = sumTb / sumTt;
    double e = s - 1;
    double base = e == 0 ? Math.pow(2, mu) / Math.log(vocabularySize)
        : e * Math.pow(2, mu) / (1 - Math.pow(vocabularySize, -e));
    double k = Math.pow(base, 1 / s);
    if (k >= 1 && Math.abs(k - Math.rint(k)) <= FRAGILE * k
        || Math.abs(k - sorted.length) <= FRAGILE * sorted.length) {
      fragile = true;
    }
    if (!(k < sorted.length)) {
      return keep(i -> true, 1);
    }
    float kth = logits[sorted[(int) Math.max(1, Math.floor(k)) - 1]];
    return keep(i -> logits[ids[i]] >= kth, 1);
  }

  /**
   * The probabilities by token id.
   *
   * @return {@code p[id]} for every id of the logits, 0 for ids that are not finite candidates
   */
  double[] probabilities() {
    double[] byId = new double[logits.length];
    for (int i = 0; i < ids.length; i++) {
      byId[ids[i]] = p[i];
    }
    return byId;
  }

  double entropy() {
    return -Arrays.stream(p).filter(x -> x > 0).map(x -> x * Math.log(x)).sum();
  }

  private boolean atLeast(double value, double bound) {
    if (Math.abs(value - bound) <= FRAGILE * bound) {
      fragile = true;
    }
    return value >= bound;
  }

  private interface Rule {
    boolean keeps(int position);
  }

  /** Applies the rule; if fewer than {@code minKeep} pass, the largest logits and their ties. */
  private Kept keep(Rule rule, int minKeep) {
    int[] kept = IntStream.range(0, ids.length).filter(rule::keeps).map(i -> ids[i]).toArray();
    if (kept.length < minKeep) {
      float[] sorted = new float[ids.length];
      for (int i = 0; i < ids.length; i++) {
        sorted[i] = logits[ids[i]];
      }
      Arrays.sort(sorted);
      float kth = sorted[Math.max(0, sorted.length - minKeep)];
      kept = Arrays.stream(ids).filter(id -> logits[id] >= kth).toArray();
    }
    Arrays.sort(kept);
    return new Kept(kept, fragile);
  }
}
