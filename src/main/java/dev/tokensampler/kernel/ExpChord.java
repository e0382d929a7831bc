package dev.tokensampler.kernel;

/**
 * A cheap upper approximation of {@code e^y}, used only to decide quickly that a sum of
 * exponentials is below a bound: {@code 2^(y log2 e)} with the fraction of the power interpolated
 * linearly between integers, read straight from the float bits (Schraudolph's construction,
 * without his offset). One fused multiply-add and one shift per element instead of the
 * polynomial of {@link ExpPoly}, with no float-to-int conversion (which C2 on JDK 17 does not
 * compile for vectors); the vector code repeats the operations, so that scalar and SIMD results
 * agree to the bit.
 *
 * <p>How: {@code r = y * 2^23 log2(e) + 127 * 2^23 + 2^31}, rounded once. For
 * {@code y >= MIN_INPUT}, {@code r} lies in {@code [2^31, 2^32)}, so its bits are those of
 * {@code 2^31} plus {@code (r - 2^31) / 256}; shifting them left by 8 drops the exponent of
 * {@code 2^31} and leaves the bits of a float whose exponent field is the integer part of
 * {@code y log2 e} (biased) and whose mantissa is its fraction.
 *
 * <p>Contract, for {@code MIN_INPUT <= y <= 0}: the result lies within
 * {@code [e^y (1 - 2e-5), e^y * 1.0617]}. The chord of a convex function lies above it (at most
 * {@code 6.15%} here), and rounding the power to a multiple of 256 mantissa units loses less than
 * {@code 2e-5}. So {@code ExpPoly.exp(y) <= exp(y) * (1 + 3e-5)} there. Over every float of
 * {@code [-80, 0]} the ratio to {@code e^y} lies in {@code [0.9999894, 1.0614880]}. Inputs below
 * {@code MIN_INPUT} give meaningless bits.
 */
public final class ExpChord {
  /** The smallest supported input. */
  public static final float MIN_INPUT = -80f;
  /** A relative slack covering this approximation's error below {@code e^y} and float sums. */
  public static final double SLACK = 1e-4;
  /** {@code 2^23 log2 e}: one unit of the exponent field per doubling. */
  static final float SCALE = 12102203.0f;
  /** {@code 127 * 2^23 + 2^31}: the bits of {@code 1.0f}, plus {@code 2^31} to fix the exponent. */
  static final float OFFSET = 3212836864.0f;

  private ExpChord() {}

  /**
   * Returns the approximation of {@code e^y} specified in the class comment.
   *
   * @param y the exponent, in {@code [MIN_INPUT, 0]}
   * @return the approximation
   */
  public static float exp(float y) {
    return Float.intBitsToFloat(Float.floatToRawIntBits(Math.fma(y, SCALE, OFFSET)) << 8);
  }
}
