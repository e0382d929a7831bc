package dev.tokensampler.random;

import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.apache.commons.rng.core.source64.Philox4x64;

/**
 * Seeds to random streams, and 64-bit values to uniform doubles.
 *
 * <p>Stream {@code s} of seed {@code k} is the counter-based generator Philox4x64 (Salmon et al.,
 * 2011, as implemented by Apache Commons RNG) with key {@code (k, 0)} and a counter that starts
 * at {@code (0, 0, 0, s)}: output {@code n} of the stream is a fixed function of {@code (k, s, n)}.
 * Streams of one seed never overlap (each has 2^194 outputs before reaching the next), any stream is
 * reached in constant time, and the key and counter are set here, not by the Commons RNG seed
 * expansion (which has changed between its releases), so the stream of a seed is fixed by this class
 * and the Philox algorithm alone. One seed thus serves any number of independent sequences: sequence
 * {@code i} of an experiment uses stream {@code i}.
 */
public final class Seeds {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /**
   * Stream 0 of a seed: {@code generator(seed, 0)}.
   *
   * @param seed any value
   * @return a new generator; the same seed always gives the same outputs
   */
  public static RestorableUniformRandomProvider generator(long seed) {
    return generator(seed, 0);
  }

  /**
   * Stream {@code stream} of a seed, as the class comment says.
   *
   * @param seed any value
   * @param stream any value; streams of one seed are independent
   * @return a new generator
   */
  public static RestorableUniformRandomProvider generator(long seed, long stream) {
    return new Philox4x64(new long[] {seed, 0L, 0L, 0L, 0L, stream});
  }

  /**
   * A uniform double in {@code [0, 1)} from the top 53 bits of a 64-bit value.
   *
   * @param bits the value
   * @return {@code (bits >>> 11) * 2^-53}
   */
  public static double uniform(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }

  /**
   * The {@code n}-th value derived from a 64-bit value, for draws that need more than one number
   * per token: {@code mix(bits + (n + 1) * 0x9E3779B97F4A7C15)}.
   *
   * @param bits the value drawn for the token
   * @param n which derived value, from 0
   * @return a 64-bit value
   */
  public static long derive(long bits, int n) {
    return mix(bits + (n + 1L) * GOLDEN_GAMMA);
  }

  /**
   * The SplitMix64 output function (Steele, Lea and Flood, 2014).
   *
   * @param z the input
   * @return the mixed value
   */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
