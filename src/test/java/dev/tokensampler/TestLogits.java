package dev.tokensampler;

import dev.tokensampler.random.Seeds;
import java.util.Arrays;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * The logit vectors of the tests, every one reproducible from a seed.
 *
 * <ul>
 *   <li>Building blocks from a caller's {@link Random} or a seed: {@link #gaussian},
 *       {@link #peaked}, {@link #tied}, {@link #mask}, {@link #gaussianOnGrid}.
 *   <li>{@link Shape}: the kinds of vector the kernel tests feed to every kernel (all of them) and
 *       the property tests draw ({@link Shape#PROPERTY_SHAPES}), with {@link #make}.
 *   <li>jqwik generators for properties: {@link #vocabularySizes} and {@link #logits}.
 *   <li>{@link #reproducible}: the same bits on every JDK and machine, for the golden token
 *       streams.
 * </ul>
 */
public final class TestLogits {
  /** The largest vocabulary a property sees by default (about Qwen's, 151,936, doubled). */
  public static final int MAX_VOCABULARY = 300_000;

  private TestLogits() {}

  /** The kinds of logit vector. */
  public enum Shape {
    /** All equal: 1.25 for an even length, -3.5 for an odd one. */
    ALL_EQUAL {
      @Override
      public float[] values(Random random, int n) {
        float[] values = new float[n];
        Arrays.fill(values, n % 2 == 0 ? 1.25f : -3.5f);
        return values;
      }
    },
    /** Gaussian, sigma 0.1: nearly flat. */
    GAUSSIAN_SIGMA_0_1 {
      @Override
      public float[] values(Random random, int n) {
        return gaussian(random, n, 0.1);
      }
    },
    /** Gaussian, sigma 1. */
    GAUSSIAN_SIGMA_1 {
      @Override
      public float[] values(Random random, int n) {
        return gaussian(random, n, 1);
      }
    },
    /** Gaussian, sigma 3: about a language model's spread. */
    GAUSSIAN_SIGMA_3 {
      @Override
      public float[] values(Random random, int n) {
        return gaussian(random, n, 3);
      }
    },
    /** Gaussian, sigma 10. */
    GAUSSIAN_SIGMA_10 {
      @Override
      public float[] values(Random random, int n) {
        return gaussian(random, n, 10);
      }
    },
    /** Gaussian, sigma 30: most weights underflow. */
    GAUSSIAN_SIGMA_30 {
      @Override
      public float[] values(Random random, int n) {
        return gaussian(random, n, 30);
      }
    },
    /** One token 12 above Gaussian noise (sigma 1). */
    PEAKED {
      @Override
      public float[] values(Random random, int n) {
        return peaked(random, n, 12f);
      }
    },
    /** One token 40 above Gaussian noise (sigma 1). */
    SPIKED {
      @Override
      public float[] values(Random random, int n) {
        return peaked(random, n, 40f);
      }
    },
    /** Few distinct values: Gaussian (sigma 2) on a grid of 0.5, many ties. */
    TIED {
      @Override
      public float[] values(Random random, int n) {
        return tied(random, n, 2, 0.5);
      }
    },
    /** Gaussian (sigma 3) with about half the tokens {@code -Infinity}, at least one left. */
    MASKED {
      @Override
      public float[] values(Random random, int n) {
        return mask(random, gaussian(random, n, 3), 0.5);
      }
    },
    /** Every logit {@code -Infinity} but one; all of them when {@code n} is a multiple of 5. */
    ONE_FINITE {
      @Override
      public float[] values(Random random, int n) {
        float[] values = new float[n];
        Arrays.fill(values, Float.NEGATIVE_INFINITY);
        if (n % 5 != 0) {
          values[random.nextInt(n)] = (float) random.nextGaussian();
        }
        return values;
      }
    },
    /** {@code +0.0}, {@code -0.0} and a few negative values, so that the maximum is a zero. */
    SIGNED_ZEROS {
      @Override
      public float[] values(Random random, int n) {
        float[] choices = {0f, -0f, -0f, -0.5f, -3f};
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = choices[random.nextInt(choices.length)];
        }
        return values;
      }
    },
    /** Values spread over many orders of magnitude, up to about 1e30 either way. */
    WIDE {
      @Override
      public float[] values(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(31)));
        }
        return values;
      }
    },
    /**
     * Values near {@code +-Float.MAX_VALUE}, whose differences overflow to infinity; one
     * {@code +Infinity} when {@code n} is a multiple of 3.
     */
    HUGE {
      @Override
      public float[] values(Random random, int n) {
        float[] choices = {3e38f, -3e38f, 1e38f, -1e38f, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = random.nextInt(4) == 0
              ? (float) (1e36 * random.nextGaussian())
              : choices[random.nextInt(choices.length)];
        }
        if (n % 3 == 0) {
          values[random.nextInt(n)] = Float.POSITIVE_INFINITY;
        }
        return values;
      }
    },
    /** Subnormal values of both signs, zeros and a few {@code +-Float.MIN_NORMAL}. */
    SUBNORMAL {
      @Override
      public float[] values(Random random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          int kind = random.nextInt(10);
          if (kind == 0) {
            values[i] = random.nextBoolean() ? 0f : -0f;
          } else if (kind == 1) {
            values[i] = random.nextBoolean() ? Float.MIN_NORMAL : -Float.MIN_NORMAL;
          } else {
            int mantissa = 1 + random.nextInt((1 << 23) - 1);
            values[i] = (random.nextBoolean() ? 1 : -1) * mantissa * Float.MIN_VALUE;
          }
        }
        return values;
      }
    };

    /**
     * The shapes the property tests draw: valid sampler input (finite or {@code -Infinity}, at
     * least one finite) of every kind that changes a sampler's decisions.
     */
    public static final Shape[] PROPERTY_SHAPES = {
      ALL_EQUAL, GAUSSIAN_SIGMA_1, GAUSSIAN_SIGMA_10, PEAKED, TIED, MASKED, SIGNED_ZEROS, WIDE
    };

    /**
     * Draws one vector of this shape.
     *
     * @param random the source
     * @param n the length, at least 1
     * @return the values
     */
    public abstract float[] values(Random random, int n);
  }

  /**
   * A vector of logits made by {@link #make}.
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
   * The logits of one shape from a seed.
   *
   * @param v the vocabulary size
   * @param shape the shape
   * @param seed the seed of {@link Random}
   * @return {@code v} logits
   */
  public static float[] make(int v, Shape shape, long seed) {
    return shape.values(new Random(seed), v);
  }

  /**
   * Independent Gaussian logits.
   *
   * @param random the source
   * @param n the vocabulary size
   * @param sigma the standard deviation
   * @return {@code n} logits with mean 0
   */
  public static float[] gaussian(Random random, int n, double sigma) {
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) (sigma * random.nextGaussian());
    }
    return logits;
  }

  /**
   * Independent Gaussian logits from a seed: {@code gaussian(new Random(seed), n, sigma)}.
   *
   * @param n the vocabulary size
   * @param sigma the standard deviation
   * @param seed the seed of {@link Random}
   * @return {@code n} logits with mean 0
   */
  public static float[] gaussian(int n, double sigma, long seed) {
    return gaussian(new Random(seed), n, sigma);
  }

  /**
   * Gaussian logits rounded to multiples of {@code 2^-10} and kept within (-32, 32), so the
   * difference of any two is a float computed without rounding: a softmax of them can be compared
   * with a double-precision reference to a few ulps.
   *
   * @param n the vocabulary size
   * @param sigma the standard deviation, well below 32
   * @param seed the seed of {@link Random}
   * @return {@code n} logits
   */
  public static float[] gaussianOnGrid(int n, double sigma, long seed) {
    float[] logits = gaussian(n, sigma, seed);
    for (int i = 0; i < n; i++) {
      double clamped = Math.max(-31, Math.min(31, logits[i]));
      logits[i] = (float) (Math.rint(clamped * 1024) / 1024);
    }
    return logits;
  }

  /**
   * Gaussian logits (sigma 1) with one token far above the rest.
   *
   * @param random the source
   * @param n the vocabulary size
   * @param lead how far the peak stands above the largest other logit
   * @return the logits
   */
  public static float[] peaked(Random random, int n, float lead) {
    float[] logits = gaussian(random, n, 1);
    int peak = random.nextInt(n);
    float max = Float.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    logits[peak] = max + lead;
    return logits;
  }

  /**
   * Logits with many ties: Gaussian values rounded to a grid of {@code step}.
   *
   * @param random the source
   * @param n the vocabulary size
   * @param sigma the standard deviation before rounding
   * @param step the grid spacing
   * @return the logits
   */
  public static float[] tied(Random random, int n, double sigma, double step) {
    float[] logits = new float[n];
    for (int i = 0; i < n; i++) {
      logits[i] = (float) (step * Math.rint(sigma * random.nextGaussian() / step));
    }
    return logits;
  }

  /**
   * Replaces a random fraction of the logits with {@code -Infinity}, always leaving at least one
   * finite logit.
   *
   * @param random the source
   * @param logits changed in place
   * @param fraction the probability that a logit is masked
   * @return {@code logits}
   */
  public static float[] mask(Random random, float[] logits, double fraction) {
    int keep = random.nextInt(logits.length);
    for (int i = 0; i < logits.length; i++) {
      if (i != keep && random.nextDouble() < fraction) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
    return logits;
  }

  /**
   * Vocabulary sizes in {@code [1, max]}: mostly small, often next to a multiple of 16 or 1024
   * (the edges of the SIMD lanes and of the kernels' blocks).
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
   * Logit vectors of the {@link Shape#PROPERTY_SHAPES}, with sizes from
   * {@link #vocabularySizes(int)}. A case is made from a size, a shape and a seed, so it prints
   * short and shrinks toward small vocabularies and simple shapes.
   *
   * @param max the largest size
   * @return the arbitrary
   */
  public static Arbitrary<Case> logits(int max) {
    return Combinators.combine(
            vocabularySizes(max), Arbitraries.of(Shape.PROPERTY_SHAPES), Arbitraries.longs())
        .as((v, shape, seed) -> new Case(make(v, shape, seed), shape, seed));
  }

  /**
   * Logits that are the same bits on every JDK and machine: SplitMix64 values turned into
   * Gaussians with {@link StrictMath} (whose results are specified to the bit), plus a few shapes
   * that stress the kernels (peaked, ties at the top, masked runs) by step.
   *
   * @param sequence which sequence
   * @param step which step
   * @param vocabularySize V
   * @return V logits
   */
  public static float[] reproducible(long sequence, int step, int vocabularySize) {
    float[] x = new float[vocabularySize];
    long state = Seeds.mix(sequence * 0x632BE59BD9B4E019L + step);
    float sigma = 1f + (step % 4);
    for (int i = 0; i < vocabularySize; i += 2) {
      state += 0x9E3779B97F4A7C15L;
      double u1 = ((Seeds.mix(state) >>> 11) + 1) * 0x1.0p-53;
      state += 0x9E3779B97F4A7C15L;
      double u2 = (Seeds.mix(state) >>> 11) * 0x1.0p-53;
      double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
      x[i] = (float) (sigma * r * StrictMath.cos(2 * StrictMath.PI * u2));
      if (i + 1 < vocabularySize) {
        x[i + 1] = (float) (sigma * r * StrictMath.sin(2 * StrictMath.PI * u2));
      }
    }
    switch (step % 5) {
      case 1: // one token far above the rest
        x[(int) Long.remainderUnsigned(state, vocabularySize)] = 40f;
        break;
      case 2: // ties at the top
        for (int i = 0; i < vocabularySize; i += 997) {
          x[i] = 12.5f;
        }
        break;
      case 3: // a masked run, and the tail masked
        for (int i = vocabularySize / 3; i < vocabularySize / 2; i++) {
          x[i] = Float.NEGATIVE_INFINITY;
        }
        x[vocabularySize - 1] = Float.NEGATIVE_INFINITY;
        break;
      default:
        break;
    }
    return x;
  }
}
