package dev.tokensampler.random;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.core.source64.XoRoShiRo128PlusPlus;

/**
 * Seeds to generators, and 64-bit values to uniform doubles.
 *
 * <p>A seed {@code s} gives the generator XoRoShiRo128++ whose 128-bit state is the first two
 * outputs of SplitMix64 started at {@code s}. The state is built here, not by the Commons RNG seed
 * expansion (which has changed between its releases), so the stream of a seed is fixed by this
 * class alone.
 */
public final class Seeds {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private Seeds() {}

  /**
   * The generator for a seed: XoRoShiRo128++ seeded by SplitMix64, as the class comment says.
   *
   * @param seed any value
   * @return a new generator; the same seed always gives the same stream
   */
  public static UniformRandomProvider generator(long seed) {
    long s0 = mix(seed + GOLDEN_GAMMA);
    long s1 = mix(seed + 2 * GOLDEN_GAMMA);
    return new XoRoShiRo128PlusPlus(s0, s1);
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
