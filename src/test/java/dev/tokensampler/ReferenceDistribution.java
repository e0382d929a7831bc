package dev.tokensampler;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The exact distribution of a sampler chain, in double precision with the reference rules:
 * temperature divides the logits; top-k keeps the tokens whose logit is at least the k-th
 * largest; top-p keeps a token iff the mass of the tokens strictly more probable is below
 * {@code p (1 + slack)}; the result is the softmax over the tokens kept.
 */
final class ReferenceDistribution {
  private final double[] logits;
  private final boolean[] kept;
  private final double slack;
  private double smallestMargin = Double.POSITIVE_INFINITY;

  /**
   * The whole vocabulary.
   *
   * @param logits the logits
   * @param slack relative widening of every top-p mass (0 for the exact rule)
   */
  ReferenceDistribution(float[] logits, double slack) {
    this.logits = new double[logits.length];
    this.kept = new boolean[logits.length];
    for (int i = 0; i < logits.length; i++) {
      this.logits[i] = logits[i];
      kept[i] = logits[i] != Float.NEGATIVE_INFINITY;
    }
    this.slack = slack;
  }

  /** Divides every logit by {@code t}. */
  ReferenceDistribution temperature(double t) {
    for (int i = 0; i < logits.length; i++) {
      logits[i] /= t;
    }
    return this;
  }

  /** Keeps the tokens whose logit is at least the k-th largest of those kept. */
  ReferenceDistribution topK(int k) {
    double[] values = keptLogits();
    if (k < values.length) {
      Arrays.sort(values);
      double kth = values[values.length - k];
      for (int i = 0; i < logits.length; i++) {
        kept[i] &= logits[i] >= kth;
      }
    }
    return this;
  }

  /**
   * Keeps, among the tokens kept, a token iff the mass of those strictly more probable is below
   * {@code p (1 + slack)}; tied tokens stay or go together.
   */
  ReferenceDistribution topP(double p) {
    double[] q = probabilities();
    int[] order = IntStream.range(0, logits.length).filter(i -> kept[i]).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]))
        .mapToInt(Integer::intValue).toArray();
    double massAbove = 0;
    int group = 0;
    while (group < order.length) {
      int end = group;
      double groupMass = 0;
      while (end < order.length && logits[order[end]] == logits[order[group]]) {
        groupMass += q[order[end]];
        end++;
      }
      smallestMargin = Math.min(smallestMargin, Math.abs(massAbove - p) / p);
      if (!(massAbove < p * (1 + slack))) {
        break;
      }
      massAbove += groupMass;
      group = end;
    }
    for (int j = group; j < order.length; j++) {
      kept[order[j]] = false;
    }
    return this;
  }

  /**
   * The softmax over the tokens kept, 0 for the others.
   *
   * @return the probabilities
   */
  double[] probabilities() {
    double max = Arrays.stream(keptLogits()).max().orElseThrow();
    double[] q = new double[logits.length];
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      q[i] = kept[i] ? Math.exp(logits[i] - max) : 0;
      sum += q[i];
    }
    for (int i = 0; i < logits.length; i++) {
      q[i] /= sum;
    }
    return q;
  }

  /**
   * The smallest relative distance to {@code p} of a mass compared by a top-p step.
   *
   * @return {@code |mass - p| / p}, minimised; infinite without top-p
   */
  double smallestMargin() {
    return smallestMargin;
  }

  private double[] keptLogits() {
    int n = 0;
    double[] values = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      if (kept[i]) {
        values[n++] = logits[i];
      }
    }
    return Arrays.copyOf(values, n);
  }
}
