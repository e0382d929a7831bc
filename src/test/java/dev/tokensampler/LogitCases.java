package dev.tokensampler;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of logit vectors for property tests: vocabulary sizes from 1 to a maximum,
 * biased toward small sizes and toward sizes within one of a multiple of 16 or 1024 (the edges of
 * the SIMD lanes and of the kernels' blocks), and logits of several shapes.
 *
 * <p>A case is generated from a size, a shape and a seed, so it prints short and shrinks toward
 * small vocabularies and simple shapes.
 */
public final class LogitCases {
  /** The largest vocabulary a property sees by default (about Qwen's, 151,936, doubled). */
  public static final int MAX_VOCABULARY = 300_000;

  private LogitCases() {}

  /** The shapes of generated logits. */
  public enum Shape {
    /** All equal (0). */
    FLAT,
    /** Gaussian, sigma 1. */
    GAUSSIAN_1,
    /** Gaussian, sigma 10. */
    GAUSSIAN_10,
    /** One token far ahead of Gaussian noise. */
    PEAKED,
    /** Few distinct values: many ties. */
    TIED,
    /** Gaussian with half the tokens masked ({@code -Infinity}), at least one left. */
    MASKED,
    /** Integers in [-3, 3], with {@code +0.0} and {@code -0.0} mixed. */
    SIGNED_ZEROS,
    /** Values spread over many orders of magnitude, up to about 1e30 either way. */
    WIDE
  }

  /**
   * A vector of logits.
   *
   * @param values the logits
   * @param shape how they were made
   * @param seed the seed they were made from
   */
  public record Case(float[] values, Shape shape, long seed) {
    /**
     * The vocabulary size.
     *
     * @return {@code values.length}
     */
    public int size() {
      return values.length;
    }

    @Override
    public String toString() {
      return "Case[V=" + values.length + ", " + shape + ", seed " + seed + "]";
    }
  }

  /**
   * Vocabulary sizes in {@code [1, max]}: mostly small, often next to a multiple of 16 or 1024.
   *
   * @param max the largest size
   * @return the arbitrary
   */
  public static Arbitrary<Integer> vocabularySizes(int max) {
    Arbitrary<Integer> nearby = Arbitraries.integers().between(-1, 1);
    Arbitrary<Integer> near16 = Combinators.combine(
        Arbitraries.integers().between(1, Math.max(1, Math.min(max, 4096) / 16)), nearby)
        .as((m, d) -> m * 16 + d);
    Arbitrary<Integer> near1024 = Combinators.combine(
        Arbitraries.integers().between(1, Math.max(1, max / 1024)), nearby)
        .as((m, d) -> m * 1024 + d);
    return Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between(1, Math.min(max, 40))),
            Tuple.of(4, near16),
            Tuple.of(2, near1024),
            Tuple.of(1, Arbitraries.integers().between(1, max)))
        .map(v -> Math.max(1, Math.min(max, v)));
  }

  /**
   * Logit vectors of every shape, with sizes from {@link #vocabularySizes(int)}.
   *
   * @param max the largest size
   * @return the arbitrary
   */
  public static Arbitrary<Case> logits(int max) {
    return Combinators.combine(
            vocabularySizes(max), Arbitraries.of(Shape.class), Arbitraries.longs())
        .as((v, shape, seed) -> new Case(make(v, shape, seed), shape, seed));
  }

  /**
   * The logits of one case.
   *
   * @param v the vocabulary size
   * @param shape the shape
   * @param seed the seed
   * @return {@code v} logits, at least one of them finite
   */
  public static float[] make(int v, Shape shape, long seed) {
    Random random = new Random(seed);
    switch (shape) {
      case FLAT:
        return new float[v];
      case GAUSSIAN_1:
        return RandomLogits.gaussian(random, v, 1);
      case GAUSSIAN_10:
        return RandomLogits.gaussian(random, v, 10);
      case PEAKED:
        return RandomLogits.peaked(random, v, 12f);
      case TIED:
        return RandomLogits.tied(random, v, 2, 0.5);
      case MASKED:
        return RandomLogits.mask(random, RandomLogits.gaussian(random, v, 3), 0.5);
      case SIGNED_ZEROS: {
        float[] x = new float[v];
        for (int i = 0; i < v; i++) {
          int n = random.nextInt(7) - 3;
          x[i] = n == 0 && random.nextBoolean() ? -0.0f : n;
        }
        return x;
      }
      default: {
        float[] x = new float[v];
        for (int i = 0; i < v; i++) {
          x[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(31)));
        }
        return x;
      }
    }
  }
}
