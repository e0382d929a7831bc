package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The 16-bit widenings, over all 65,536 bit patterns each, against independent references: the
 * binary16 and bfloat16 definitions evaluated in double arithmetic, {@code Float.float16ToFloat}
 * where the JDK has it (20 and later), and the PyTorch engine's own float16 to float32 conversion.
 */
class HalfFloatsTest {
  private static final int PATTERNS = 1 << 16;

  /**
   * The value of a binary floating-point bit pattern by its definition:
   * {@code (-1)^s * 2^(e - bias) * (1 + m / 2^mBits)} for normal exponents,
   * {@code (-1)^s * 2^(1 - bias) * m / 2^mBits} for exponent 0, infinity or NaN for the all-ones
   * exponent. Exact in double for 16-bit formats.
   */
  private static double definition(int bits, int exponentBits, int significandBits) {
    int bias = (1 << (exponentBits - 1)) - 1;
    int significand = bits & ((1 << significandBits) - 1);
    int exponent = (bits >>> significandBits) & ((1 << exponentBits) - 1);
    boolean negative = ((bits >>> (exponentBits + significandBits)) & 1) == 1;
    double magnitude;
    if (exponent == (1 << exponentBits) - 1) {
      magnitude = significand == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else if (exponent == 0) {
      magnitude = Math.scalb((double) significand, 1 - bias - significandBits);
    } else {
      magnitude = Math.scalb(1.0 + Math.scalb((double) significand, -significandBits),
          exponent - bias);
    }
    return negative ? -magnitude : magnitude;
  }

  @Test
  void float16MatchesTheBinary16DefinitionForEveryPattern() {
    for (int bits = 0; bits < PATTERNS; bits++) {
      float actual = HalfFloats.float16ToFloat((short) bits);
      assertDefinition(bits, actual, definition(bits, 5, 10), 10);
    }
  }

  @Test
  void bfloat16MatchesItsDefinitionForEveryPattern() {
    for (int bits = 0; bits < PATTERNS; bits++) {
      float actual = HalfFloats.bfloat16ToFloat((short) bits);
      assertDefinition(bits, actual, definition(bits, 8, 7), 7);
    }
  }

  /**
   * Non-NaN values equal the definition bit for bit (so zeros keep their sign); a NaN stays a NaN
   * with the same sign and the same significand bits, moved to the top of float's significand.
   */
  private static void assertDefinition(
      int bits, float actual, double expected, int significandBits) {
    String name = "pattern 0x" + Integer.toHexString(bits);
    int actualBits = Float.floatToRawIntBits(actual);
    if (Double.isNaN(expected)) {
      assertTrue(Float.isNaN(actual), name);
      assertEquals(bits >>> 15, actualBits >>> 31, name + " sign");
      int payload = bits & ((1 << significandBits) - 1);
      assertEquals(payload, (actualBits & 0x7f_ffff) >>> (23 - significandBits), name + " payload");
    } else {
      assertEquals(Float.floatToRawIntBits((float) expected), actualBits, name);
      assertEquals(expected, actual, 0.0, name + " exact in float");
    }
  }

  /**
   * On JDK 20 and later, the JDK's own conversion: bit for bit for non-NaN inputs, NaN with the
   * same sign for NaN inputs (the JDK's x86 intrinsic quiets signalling NaNs, its Java code does
   * not, so their exact bits depend on compilation).
   */
  @Test
  void float16MatchesTheJdkForEveryPattern() throws Throwable {
    MethodHandle jdk;
    try {
      jdk = MethodHandles.publicLookup().findStatic(
          Float.class, "float16ToFloat", MethodType.methodType(float.class, short.class));
    } catch (NoSuchMethodException e) {
      assumeTrue(false, "Float.float16ToFloat needs JDK 20 or later");
      return;
    }
    for (int bits = 0; bits < PATTERNS; bits++) {
      float expected = (float) jdk.invokeExact((short) bits);
      int actual = Float.floatToRawIntBits(HalfFloats.float16ToFloat((short) bits));
      String name = "pattern 0x" + Integer.toHexString(bits);
      if (Float.isNaN(expected)) {
        assertTrue(Float.isNaN(Float.intBitsToFloat(actual)), name);
        assertEquals(Float.floatToRawIntBits(expected) >>> 31, actual >>> 31, name + " sign");
      } else {
        assertEquals(Float.floatToRawIntBits(expected), actual, name);
      }
    }
  }

  /** PyTorch's float16 to float32 conversion of a tensor holding every pattern. */
  @Test
  void float16MatchesThePyTorchEngineForEveryPattern() {
    try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
      ByteBuffer patterns =
          ByteBuffer.allocateDirect(PATTERNS * 2).order(ByteOrder.nativeOrder());
      for (int bits = 0; bits < PATTERNS; bits++) {
        patterns.putShort((short) bits);
      }
      patterns.flip();
      NDArray halves = manager.create(patterns, new Shape(PATTERNS), DataType.FLOAT16);
      float[] widened = halves.toType(DataType.FLOAT32, false).toFloatArray();
      for (int bits = 0; bits < PATTERNS; bits++) {
        float ours = HalfFloats.float16ToFloat((short) bits);
        String name = "pattern 0x" + Integer.toHexString(bits);
        if (Float.isNaN(widened[bits])) {
          assertTrue(Float.isNaN(ours), name);
        } else {
          assertEquals(Float.floatToRawIntBits(widened[bits]), Float.floatToRawIntBits(ours), name);
        }
      }
    }
  }
}
