package dev.tokensampler.djl;

/**
 * Widening of 16-bit floating-point values to {@code float}, exact for every input (each 16-bit
 * value is a float value).
 *
 * <ul>
 *   <li>IEEE 754 binary16 ("float16", "half"): 1 sign bit, 5 exponent bits (bias 15), 10
 *       significand bits. The same result as {@code Float.float16ToFloat} of JDK 20 and later,
 *       bit for bit for every non-NaN input; written out here because the library runs on JDK
 *       17. A NaN keeps its sign and significand bits (as the JDK's Java code does; its x86
 *       intrinsic also sets the quiet bit of a signalling NaN).
 *   <li>bfloat16: the upper 16 bits of a float32 (1 sign bit, 8 exponent bits, 7 significand
 *       bits), so widening appends 16 zero bits.
 * </ul>
 */
final class HalfFloats {
  private HalfFloats() {}

  /**
   * The float value of an IEEE 754 binary16 bit pattern: zeros and subnormals
   * ({@code significand * 2^-24}), normals ({@code 2^(exponent - 15) * (1 + significand / 1024)}),
   * infinities, and NaNs keeping their sign and payload (shifted left by 13 bits).
   *
   * @param bits the binary16 bits (the upper 16 bits of the short are its sign)
   * @return the float of the same value
   */
  static float float16ToFloat(short bits) {
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int significand = bits & 0x3ff;
    if (exponent == 0) {
      // Zero or subnormal: significand * 2^-24 is exact in float.
      float magnitude = significand * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f80_0000 | (significand << 13));
    }
    // Rebias the exponent from 15 to 127.
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (significand << 13));
  }

  /**
   * The float value of a bfloat16 bit pattern: the float whose upper 16 bits these are and whose
   * lower 16 bits are zero.
   *
   * @param bits the bfloat16 bits
   * @return the float of the same value
   */
  static float bfloat16ToFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }
}
