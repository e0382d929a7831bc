package dev.tokensampler.kernel;

/**
 * The one exponential used by every kernel, in a form that vector code repeats operation for
 * operation, so that scalar and SIMD results agree to the bit.
 *
 * <p>Range reduction {@code y = n ln2 + f} (Cody-Waite, two constants), a degree-5 polynomial
 * for {@code e^f} on {@code |f| <= ln2/2} (Cephes {@code expf}), and scaling by {@code 2^n} built
 * from the exponent bits. Only additions, multiplications and bit operations are used: no fused
 * multiply-add (Java never contracts {@code a * b + c}) and no {@link Math#exp}, whose result may
 * differ between the interpreter, C2 and SIMD intrinsics.
 *
 * <p>Contract, for {@code y <= 0}: the result is within 2 ulp of {@code e^y}; results below
 * {@code Float.MIN_NORMAL} are correctly scaled subnormals (never clamped up); every
 * {@code y < -104} (including {@code -Infinity}) gives exactly {@code 0}, since {@code e^-104} is
 * below half the smallest subnormal float. {@code NaN} gives {@code NaN}. Positive {@code y} is
 * not supported (callers always subtract the maximum first).
 */
public final class ExpPoly {
  // The constants are public so that code writing the exponential out on vectors (the kernels,
  // the benchmarks' floors) uses these very values.

  /** Inputs below this give exactly 0. */
  public static final float MIN_INPUT = -104f;
  /** {@code log2(e)}: {@code y * LOG2E} is the exponent in base 2. */
  public static final float LOG2E = 1.44269504088896341f;
  /** 1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer. */
  public static final float MAGIC = 12582912f;
  /** The high part of {@code ln 2} (exact in few bits, so {@code n * LN2_HI} is exact). */
  public static final float LN2_HI = 0.693359375f;
  /** {@code ln 2 - LN2_HI}. */
  public static final float LN2_LO = -2.12194440e-4f;
  /**
   * The first of the polynomial's coefficients, highest degree first:
   * {@code p = ((((P0 f + P1) f + P2) f + P3) f + P4) f + P5}, and {@code e^f ~ p f^2 + f + 1}.
   */
  public static final float P0 = 1.9875691500E-4f;
  /** See {@link #P0}. */
  public static final float P1 = 1.3981999507E-3f;
  /** See {@link #P0}. */
  public static final float P2 = 8.3334519073E-3f;
  /** See {@link #P0}. */
  public static final float P3 = 4.1665795894E-2f;
  /** See {@link #P0}. */
  public static final float P4 = 1.6666665459E-1f;
  /** See {@link #P0}. */
  public static final float P5 = 5.0000001201E-1f;
  /**
   * Added to the raw bits of {@code t + MAGIC} to give the biased exponent of {@code 2^(n+64)}:
   * {@code n + 64 + 127 - bits(MAGIC)}. Scaling by {@code 2^(n+64)} then {@code 2^-64} keeps the
   * intermediate normal for every {@code n >= -150}, so subnormal results round once, correctly.
   */
  public static final int EXPONENT_BIAS = 191 - 0x4B400000;
  /** {@code 2^-64}, the second scaling step (see {@link #EXPONENT_BIAS}). */
  public static final float TWO_POW_MINUS_64 = 0x1.0p-64f;

  private ExpPoly() {}

  /**
   * Returns {@code e^y} for {@code y <= 0} as specified in the class comment.
   *
   * @param y the exponent, at most 0
   * @return the approximation of {@code e^y}
   */
  public static float exp(float y) {
    float t = y * LOG2E;
    float tm = t + MAGIC;
    float n = tm - MAGIC;
    float f = (y - n * LN2_HI) - n * LN2_LO;
    float p = f * P0 + P1;
    p = p * f + P2;
    p = p * f + P3;
    p = p * f + P4;
    p = p * f + P5;
    float r = (p * (f * f) + f) + 1f;
    float pow = Float.intBitsToFloat((Float.floatToRawIntBits(tm) + EXPONENT_BIAS) << 23);
    float result = (r * pow) * TWO_POW_MINUS_64;
    return y < MIN_INPUT ? 0f : result;
  }
}
