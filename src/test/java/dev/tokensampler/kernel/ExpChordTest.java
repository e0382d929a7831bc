package dev.tokensampler.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link ExpChord} meets its contract on every 13th float bit pattern of {@code [-80, 0]} (about
 * 85 million inputs; an exhaustive run over every float of that range gives the extremes stated
 * in its class comment): the ratio to {@code e^y}, and the bound on {@link ExpPoly}.
 */
class ExpChordTest {
  private static final int STRIDE = 13;
  private static final int LOWEST = Float.floatToRawIntBits(ExpChord.MIN_INPUT);

  @Test
  void staysWithinItsRatioToTheExponentialAndBoundsExpPoly() {
    double lowest = Double.POSITIVE_INFINITY;
    double highest = 0;
    for (int bits = 0x80000000; bits <= LOWEST; bits += STRIDE) {
      float y = Float.intBitsToFloat(bits);
      float chord = ExpChord.exp(y);
      double ratio = chord / Math.exp(y);
      lowest = Math.min(lowest, ratio);
      highest = Math.max(highest, ratio);
      float poly = ExpPoly.exp(y);
      assertTrue(poly <= chord * (1 + 3e-5),
          () -> "ExpPoly " + poly + " above the chord bound " + chord + " at " + y);
    }
    System.out.println("ExpChord: e^y ratio in [" + lowest + ", " + highest + "]");
    assertTrue(lowest >= 1 - 2e-5, "lowest ratio " + lowest);
    assertTrue(highest <= 1.0617, "highest ratio " + highest);
    assertTrue(highest > 1.06, "the chord's largest excess (about 6.15%) was not reached: " + highest);
  }

  @Test
  void powersOfTwoAreExact() {
    assertEquals(1f, ExpChord.exp(0f));
    assertEquals(1f, ExpChord.exp(-0f));
    for (int k = 1; k <= 115; k++) {
      float y = (float) (-k * Math.log(2));
      float expected = (float) Math.pow(2, -k);
      assertEquals(expected, ExpChord.exp(y), expected * 2e-5, "2^-" + k);
    }
  }
}
