package dev.tokensampler.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ExpPoly#exp} against {@link Math#exp} in double over {@code [-104, 0]}: every float of
 * {@code [-104, -1]}, a strided sweep of the float bit patterns of {@code [-1, 0]}, random
 * inputs, and the special values.
 */
class ExpPolyTest {
  /** {@code e^y} is normal for {@code y} above about -87.34; this bound stays clear of it. */
  private static final float NORMAL_RESULTS_FROM = -87.33f;
  private static final float SUBNORMAL_LOW = -103.9f;
  private static final float SUBNORMAL_HIGH = -87.4f;
  private static final int MINUS_ONE = Float.floatToRawIntBits(-1f);
  private static final int MINUS_104 = Float.floatToRawIntBits(-104f);
  /** Every 61st float bit pattern of {@code [-1, 0]}: about 17 million inputs. */
  private static final int STRIDE_NEAR_ZERO = 61;

  @Test
  void normalResultsAreWithinTwoUlpsOnEveryFloatFromMinus87ToMinusOne() {
    int from = Float.floatToRawIntBits(NORMAL_RESULTS_FROM);
    double worst = 0;
    for (int bits = MINUS_ONE; bits <= from; bits++) {
      worst = Math.max(worst, checkUlps(Float.intBitsToFloat(bits)));
    }
    System.out.println("ExpPoly: worst error on [-87.33, -1] = " + worst + " ulp");
  }

  @Test
  void normalResultsAreWithinTwoUlpsNearZero() {
    double worst = 0;
    for (int bits = 0x80000000; bits <= MINUS_ONE; bits += STRIDE_NEAR_ZERO) {
      worst = Math.max(worst, checkUlps(Float.intBitsToFloat(bits)));
    }
    System.out.println("ExpPoly: worst error on [-1, 0] (strided) = " + worst + " ulp");
  }

  @Test
  void normalResultsAreWithinTwoUlpsOnRandomInputs() {
    Random random = new Random(20240501);
    for (int i = 0; i < 500_000; i++) {
      float y = i % 2 == 0
          ? NORMAL_RESULTS_FROM * random.nextFloat()
          : -(float) Math.pow(2, -40 * random.nextDouble());
      checkUlps(y);
    }
  }

  @Test
  void subnormalResultsAreWithinOneUlpOfTheRoundedDoubleResult() {
    int from = Float.floatToRawIntBits(SUBNORMAL_HIGH);
    int to = Float.floatToRawIntBits(SUBNORMAL_LOW);
    int subnormal = 0;
    for (int bits = from; bits <= to; bits++) {
      float y = Float.intBitsToFloat(bits);
      float rounded = (float) Math.exp(y);
      float actual = ExpPoly.exp(y);
      assertTrue(actual < Float.MIN_NORMAL, () -> "exp(" + y + ") = " + actual + " is normal");
      if (Math.abs(actual - rounded) > Float.MIN_VALUE) {
        fail("exp(" + y + ") = " + Float.toHexString(actual) + ", expected "
            + Float.toHexString(rounded) + " within one subnormal ulp");
      }
      if (rounded > 0f) {
        subnormal++;
      }
    }
    assertTrue(subnormal > 1_000_000, "subnormal results checked: " + subnormal);
  }

  @Test
  void resultsBelowMinus104AreZero() {
    float[] inputs = {
      Math.nextDown(-104f), -104.5f, -110f, -150f, -1e4f, -1e30f, -Float.MAX_VALUE,
      Float.NEGATIVE_INFINITY
    };
    for (float y : inputs) {
      assertEquals(0, Float.floatToRawIntBits(ExpPoly.exp(y)), "exp(" + y + ")");
    }
    for (int bits = MINUS_104 + 1; bits <= MINUS_104 + 100_000; bits++) {
      float y = Float.intBitsToFloat(bits);
      assertEquals(0, Float.floatToRawIntBits(ExpPoly.exp(y)), "exp(" + y + ")");
    }
    assertEquals(-104f, ExpPoly.MIN_INPUT);
  }

  @Test
  void resultsBetweenMinus104AndMinus103Point9RoundToZeroOrTheSmallestSubnormal() {
    for (int bits = Float.floatToRawIntBits(SUBNORMAL_LOW); bits <= MINUS_104; bits++) {
      float y = Float.intBitsToFloat(bits);
      float actual = ExpPoly.exp(y);
      assertTrue(actual == 0f || actual == Float.MIN_VALUE, () -> "exp(" + y + ") = " + actual);
    }
  }

  @Test
  void zeroOfEitherSignGivesExactlyOne() {
    assertEquals(Float.floatToRawIntBits(1f), Float.floatToRawIntBits(ExpPoly.exp(0f)));
    assertEquals(Float.floatToRawIntBits(1f), Float.floatToRawIntBits(ExpPoly.exp(-0f)));
  }

  @Test
  void nanGivesNaN() {
    assertTrue(Float.isNaN(ExpPoly.exp(Float.NaN)));
    assertTrue(Float.isNaN(ExpPoly.exp(Float.intBitsToFloat(0xffc00001))));
  }

  @Test
  void resultsDoNotIncreaseAsTheInputDecreasesOnEveryFloatFromMinusOneToMinus104() {
    float previous = ExpPoly.exp(-1f);
    for (int bits = MINUS_ONE + 1; bits <= MINUS_104 + 1000; bits++) {
      float y = Float.intBitsToFloat(bits);
      float e = ExpPoly.exp(y);
      if (e > previous) {
        fail("exp(" + y + ") = " + e + " exceeds exp(" + Math.nextUp(y) + ") = " + previous);
      }
      previous = e;
    }
  }

  @Test
  void resultsDoNotIncreaseAsTheInputDecreasesNearZero() {
    // A strided walk from -0.0 to -1 (consecutive strided inputs are compared), then every float
    // within half a million ulps of the range-reduction boundary at -ln2/2.
    float previous = ExpPoly.exp(-0f);
    for (int bits = 0x80000000; bits <= MINUS_ONE; bits += STRIDE_NEAR_ZERO) {
      float y = Float.intBitsToFloat(bits);
      float e = ExpPoly.exp(y);
      assertTrue(e <= previous, () -> "exp(" + y + ") increased");
      previous = e;
    }
    int boundary = Float.floatToRawIntBits((float) (-Math.log(2) / 2));
    previous = ExpPoly.exp(Float.intBitsToFloat(boundary - 500_000));
    for (int bits = boundary - 500_000 + 1; bits <= boundary + 500_000; bits++) {
      float y = Float.intBitsToFloat(bits);
      float e = ExpPoly.exp(y);
      if (e > previous) {
        fail("exp(" + y + ") = " + e + " exceeds exp(" + Math.nextUp(y) + ") = " + previous);
      }
      previous = e;
    }
  }

  /** Asserts the error of one normal result is at most 2 ulp and returns it in ulps. */
  private static double checkUlps(float y) {
    double exact = Math.exp(y);
    float actual = ExpPoly.exp(y);
    double ulp = Math.scalb(1.0, Math.getExponent(exact) - 23);
    double error = Math.abs(actual - exact) / ulp;
    if (!(error <= 2)) {
      fail("exp(" + y + ") = " + Float.toHexString(actual) + ", exact " + exact + ": " + error
          + " ulp");
    }
    return error;
  }
}
