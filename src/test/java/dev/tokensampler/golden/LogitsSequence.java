package dev.tokensampler.golden;

import dev.tokensampler.random.Seeds;

/**
 * Logits that are the same bits on every JDK and machine: SplitMix64 values turned into Gaussians
 * with {@link StrictMath} (whose results are specified to the bit), plus a few shapes that stress
 * the kernels (peaked, ties at the top, masked runs, a vocabulary that is not a multiple of any
 * vector width).
 */
final class LogitsSequence {
  private LogitsSequence() {}

  /**
   * Step {@code step} of sequence {@code sequence}.
   *
   * @param sequence which sequence
   * @param step which step
   * @param vocabularySize V
   * @return V logits
   */
  static float[] logits(long sequence, int step, int vocabularySize) {
    float[] x = new float[vocabularySize];
    long state = Seeds.mix(sequence * 0x632BE59BD9B4E019L + step);
    float sigma = 1f + (step % 4);
    for (int i = 0; i < vocabularySize; i += 2) {
      state += 0x9E3779B97F4A7C15L;
      double u1 = ((Seeds.mix(state) >>> 11) + 1) * 0x1.0p-53;
      state += 0x9E3779B97F4A7C15L;
      double u2 = (Seeds.mix(state) >>> 11) * 0x1.0p-53;
      double r = StrictMath.sqrt(-2 * StrictMath.log(u1));
      x[i] = (float) (sigma * r * StrictMath.cos(2 * StrictMath.PI * u2));
      if (i + 1 < vocabularySize) {
        x[i + 1] = (float) (sigma * r * StrictMath.sin(2 * StrictMath.PI * u2));
      }
    }
    switch (step % 5) {
      case 1: // one token far above the rest
        x[(int) Long.remainderUnsigned(state, vocabularySize)] = 40f;
        break;
      case 2: // ties at the top
        for (int i = 0; i < vocabularySize; i += 997) {
          x[i] = 12.5f;
        }
        break;
      case 3: // a masked run, and the tail masked
        for (int i = vocabularySize / 3; i < vocabularySize / 2; i++) {
          x[i] = Float.NEGATIVE_INFINITY;
        }
        x[vocabularySize - 1] = Float.NEGATIVE_INFINITY;
        break;
      default:
        break;
    }
    return x;
  }
}
