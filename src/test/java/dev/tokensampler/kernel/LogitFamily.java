package dev.tokensampler.kernel;

import dev.tokensampler.RandomLogits;
import java.util.Arrays;
import java.util.Random;

/** The kinds of logit vector that the kernel tests feed to every kernel. */
enum LogitFamily {
  GAUSSIAN_SIGMA_0_1 {
    @Override
    float[] values(Random random, int n) {
      return RandomLogits.gaussian(random, n, 0.1);
    }
  },
  GAUSSIAN_SIGMA_3 {
    @Override
    float[] values(Random random, int n) {
      return RandomLogits.gaussian(random, n, 3);
    }
  },
  GAUSSIAN_SIGMA_30 {
    @Override
    float[] values(Random random, int n) {
      return RandomLogits.gaussian(random, n, 30);
    }
  },
  /** One logit 40 above all others. */
  PEAKED {
    @Override
    float[] values(Random random, int n) {
      return RandomLogits.peaked(random, n, 40f);
    }
  },
  ALL_EQUAL {
    @Override
    float[] values(Random random, int n) {
      float[] values = new float[n];
      Arrays.fill(values, n % 2 == 0 ? 1.25f : -3.5f);
      return values;
    }
  },
  /** Gaussian logits with about 40% {@code -Infinity}. */
  MASKED {
    @Override
    float[] values(Random random, int n) {
      return RandomLogits.mask(random, RandomLogits.gaussian(random, n, 3), 0.4);
    }
  },
  /** Every logit {@code -Infinity} but one; all of them when {@code n} is a multiple of 5. */
  ONE_FINITE {
    @Override
    float[] values(Random random, int n) {
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
    float[] values(Random random, int n) {
      float[] choices = {0f, -0f, -0f, -0.5f, -3f};
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        values[i] = choices[random.nextInt(choices.length)];
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
    float[] values(Random random, int n) {
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
    float[] values(Random random, int n) {
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
   * Draws one vector of this family.
   *
   * @param random the source
   * @param n the length, at least 1
   * @return the values
   */
  abstract float[] values(Random random, int n);
}
