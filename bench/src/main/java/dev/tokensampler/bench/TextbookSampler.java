package dev.tokensampler.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;

/**
 * The sampler a Java user writes without this library, in the style of the llama2.java and
 * llama3.java ports: the reference point of {@link TextbookBenchmark}.
 *
 * <ul>
 *   <li>greedy: a scalar argmax loop over the logits;
 *   <li>otherwise a softmax with {@link Math#exp} (divide by the temperature, maximum,
 *       exponentials, sum, divide), then
 *   <li>without top-k or top-p, a linear draw over the probabilities;
 *   <li>with top-k and/or top-p, a full sort of the vocabulary as (index, probability) objects with
 *       {@link Arrays#sort(Object[], Comparator)}, the first {@code k}, then the cumulative sum up
 *       to {@code p} times their mass, and a draw among those.
 * </ul>
 *
 * The random numbers come from a {@link SplittableRandom}. Not thread-safe.
 */
final class TextbookSampler {
  /** Largest probability first. */
  private static final Comparator<ProbIndex> BY_PROBABILITY_DESCENDING =
      (a, b) -> Float.compare(b.prob, a.prob);

  private final SamplingChain chain;
  private final SplittableRandom random;
  private final float[] probabilities;
  private final ProbIndex[] sorted;

  /** One token and its probability, as the ports keep them for sorting. */
  private static final class ProbIndex {
    final float prob;
    final int index;

    ProbIndex(float prob, int index) {
      this.prob = prob;
      this.index = index;
    }
  }

  TextbookSampler(SamplingChain chain, int vocabulary, long seed) {
    this.chain = chain;
    this.random = new SplittableRandom(seed);
    this.probabilities = new float[vocabulary];
    this.sorted = new ProbIndex[vocabulary];
  }

  int sample(float[] logits) {
    if (chain.temperature() == 0f) {
      return argmax(logits);
    }
    softmax(logits, chain.temperature(), probabilities);
    float coin = (float) random.nextDouble();
    if (chain.topK() == 0 && chain.topP() >= 1f) {
      return drawLinear(probabilities, coin);
    }
    return drawSorted(coin);
  }

  private static int argmax(float[] logits) {
    int best = 0;
    float max = logits[0];
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > max) {
        max = logits[i];
        best = i;
      }
    }
    return best;
  }

  private static void softmax(float[] logits, float temperature, float[] out) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      out[i] = logits[i] / temperature;
      max = Math.max(max, out[i]);
    }
    float sum = 0f;
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) Math.exp(out[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < out.length; i++) {
      out[i] /= sum;
    }
  }

  private static int drawLinear(float[] probabilities, float coin) {
    float cdf = 0f;
    for (int i = 0; i < probabilities.length; i++) {
      cdf += probabilities[i];
      if (coin < cdf) {
        return i;
      }
    }
    return probabilities.length - 1;
  }

  private int drawSorted(float coin) {
    int n = probabilities.length;
    for (int i = 0; i < n; i++) {
      sorted[i] = new ProbIndex(probabilities[i], i);
    }
    Arrays.sort(sorted, BY_PROBABILITY_DESCENDING);
    int kept = chain.topK() > 0 ? Math.min(chain.topK(), n) : n;
    float mass = 0f;
    for (int i = 0; i < kept; i++) {
      mass += sorted[i].prob;
    }
    float target = chain.topP() * mass;
    float cumulative = 0f;
    int last = kept - 1;
    for (int i = 0; i < kept; i++) {
      cumulative += sorted[i].prob;
      if (cumulative >= target) {
        last = i;
        break;
      }
    }
    float r = coin * cumulative;
    float cdf = 0f;
    for (int i = 0; i <= last; i++) {
      cdf += sorted[i].prob;
      if (r < cdf) {
        return sorted[i].index;
      }
    }
    return sorted[last].index;
  }
}
