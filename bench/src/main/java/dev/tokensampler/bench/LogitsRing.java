package dev.tokensampler.bench;

import java.util.Locale;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The input of every benchmark here: a ring of {@value #SIZE} different logits vectors, made once
 * per trial from a fixed seed, handed out in turn so that no branch predictor or cache learns one
 * vector. Every benchmark class uses this same state, so all of them see the same vectors for the
 * same parameters.
 *
 * <p>Distributions:
 *
 * <ul>
 *   <li>{@code gaussian}: every logit drawn from {@code N(0, 3^2)}, a flat-ish distribution where
 *       top-p keeps a large part of the vocabulary;
 *   <li>{@code peaked}: logits from {@code N(0, 1)}, then one token at a random position raised to
 *       30 above the largest of the others, the confident step of a trained model, where top-p
 *       keeps one token.
 * </ul>
 */
@State(Scope.Thread)
public class LogitsRing {
  /** Vectors in the ring. */
  public static final int SIZE = 8;
  /** Seed of the ring: the same vectors on every run and every JDK. */
  static final long SEED = 0x5EED_2024L;
  static final double GAUSSIAN_SIGMA = 3;
  static final double PEAKED_SIGMA = 1;
  static final float PEAK_MARGIN = 30f;

  /** The vocabulary size: a Llama 2, Llama 3 and Gemma-sized vocabulary. */
  @Param({"32000", "128256", "256000"})
  public int vocabulary;

  /** The shape of the logits: {@code gaussian} or {@code peaked}. */
  @Param({"gaussian", "peaked"})
  public String distribution;

  private float[][] ring;
  private float max;
  private int cursor;

  /** Makes the vectors. */
  @Setup(Level.Trial)
  public void generate() {
    SplittableRandom random = new SplittableRandom(SEED);
    ring = new float[SIZE][];
    max = Float.NEGATIVE_INFINITY;
    for (int r = 0; r < SIZE; r++) {
      ring[r] = vector(random);
      for (float x : ring[r]) {
        max = Math.max(max, x);
      }
    }
    cursor = 0;
  }

  private float[] vector(SplittableRandom random) {
    float[] logits = new float[vocabulary];
    switch (distribution.toLowerCase(Locale.ROOT)) {
      case "gaussian":
        fillGaussian(logits, GAUSSIAN_SIGMA, random);
        break;
      case "peaked":
        fillGaussian(logits, PEAKED_SIGMA, random);
        int peak = random.nextInt(vocabulary);
        float rest = Float.NEGATIVE_INFINITY;
        for (float x : logits) {
          rest = Math.max(rest, x);
        }
        logits[peak] = rest + PEAK_MARGIN;
        break;
      default:
        throw new IllegalArgumentException(
            "distribution must be gaussian or peaked, got " + distribution);
    }
    return logits;
  }

  private static void fillGaussian(float[] logits, double sigma, SplittableRandom random) {
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (sigma * random.nextGaussian());
    }
  }

  /**
   * The next vector of the ring. Callers must not write to it.
   *
   * @return a logits vector of {@link #vocabulary} entries
   */
  public float[] next() {
    float[] logits = ring[cursor];
    cursor = (cursor + 1) & (SIZE - 1);
    return logits;
  }

  /**
   * The largest logit of the whole ring: subtracting it makes every exponent at most 0.
   *
   * @return the maximum over all vectors
   */
  public float max() {
    return max;
  }
}
