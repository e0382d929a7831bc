package dev.tokensampler.kernel;

import dev.tokensampler.TestLogits;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The inputs of the kernel tests: every shape at every length from 1 to 70, around the shortest
 * range the vector kernels loop over ({@code VectorKernels.SHORT_RANGE}, 256) and around block
 * boundaries, a few shapes at vocabulary sizes, and vectors holding {@code NaN}.
 */
final class KernelInputs {
  private static final int[] NEAR_BLOCKS = {255, 256, 257, 271, 1023, 1024, 1025, 4099};
  private static final int PADDING = 3;

  private KernelInputs() {}

  /**
   * The inputs of one shape, each with a fixed seed.
   *
   * @param shape the shape
   * @return lengths 1 to 70 at offsets 0 and 3, 255 to 4099 at offsets 0 and 1, and for some
   *     shapes 32000 (and 128256 for Gaussian logits with sigma 3)
   */
  static List<KernelInput> of(TestLogits.Shape shape) {
    List<KernelInput> inputs = new ArrayList<>();
    for (int n = 1; n <= 70; n++) {
      inputs.add(make(shape, n, 0));
      inputs.add(make(shape, n, 3));
    }
    for (int n : NEAR_BLOCKS) {
      inputs.add(make(shape, n, 0));
      inputs.add(make(shape, n, 1));
    }
    switch (shape) {
      case GAUSSIAN_SIGMA_3:
        inputs.add(make(shape, 32000, 0));
        inputs.add(make(shape, 128256, 5));
        break;
      case MASKED:
      case PEAKED:
      case SPIKED:
      case HUGE:
      case SIGNED_ZEROS:
        inputs.add(make(shape, 32000, 2));
        break;
      default:
        break;
    }
    return inputs;
  }

  /**
   * Vectors holding one or two {@code NaN}s (of several bit patterns) at the start, inside a
   * full SIMD chunk, at the last position of the vectorised part and in the scalar tail.
   *
   * @return the cases, each with the position of its first {@code NaN}
   */
  static List<NaNCase> withNaN() {
    float[] nans = {
      Float.NaN, Float.intBitsToFloat(0xffc00001), Float.intBitsToFloat(0x7f800001)
    };
    int[] sizes = {1, 2, 7, 16, 17, 31, 32, 63, 64, 65, 70, 127, 128, 129, 1023, 1025, 4099};
    List<NaNCase> cases = new ArrayList<>();
    int variant = 0;
    for (int n : sizes) {
      int[] positions = {0, n / 3, (n & -64) - 1, (n & -16) - 1, (n & -8) - 1, n - 1};
      for (int p : Arrays.stream(positions).filter(p -> p >= 0).distinct().toArray()) {
        for (boolean second : new boolean[] {false, true}) {
          TestLogits.Shape shape =
              variant % 2 == 0 ? TestLogits.Shape.GAUSSIAN_SIGMA_3 : TestLogits.Shape.HUGE;
          KernelInput base = make(shape, n, variant % 3);
          float nan = nans[variant % nans.length];
          base.array()[base.off() + p] = nan;
          String name = base.name() + " NaN(" + Integer.toHexString(Float.floatToRawIntBits(nan))
              + ")@" + p;
          if (second && p < n - 1) {
            base.array()[base.off() + n - 1] = Float.NaN;
            name += "+" + (n - 1);
          }
          cases.add(new NaNCase(new KernelInput(name, base.array(), base.off(), n), p));
          variant++;
        }
      }
    }
    return cases;
  }

  private static KernelInput make(TestLogits.Shape shape, int n, int off) {
    Random random = new Random(shape.ordinal() * 1_000_003L + n * 31L + off);
    float[] values = shape.values(random, n);
    float[] array = new float[off + n + PADDING];
    Arrays.fill(array, Float.NaN);
    System.arraycopy(values, 0, array, off, n);
    return new KernelInput(shape + " n=" + n + " off=" + off, array, off, n);
  }

  /**
   * An input with a {@code NaN}.
   *
   * @param input the input
   * @param firstNaN the position of its first {@code NaN} in the range
   */
  record NaNCase(KernelInput input, int firstNaN) {}
}
