package dev.tokensampler.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whether a test that compares the provided kernels with the scalar ones can run: it is skipped
 * when this JVM has only the scalar kernels, unless a vector width was asked for with
 * {@value KernelProvider#VECTOR_BITS_PROPERTY} (the 256- and 128-bit test runs): then the
 * missing vector kernels (for instance a width the machine lacks) fail the test.
 */
public final class VectorKernelsUnderTest {
  private VectorKernelsUnderTest() {}

  /**
   * The width asked for, or null.
   *
   * @return the value of {@value KernelProvider#VECTOR_BITS_PROPERTY}, trimmed, or null
   */
  public static String requestedBits() {
    String bits = System.getProperty(KernelProvider.VECTOR_BITS_PROPERTY);
    return bits == null ? null : bits.trim();
  }

  /** Skips the test without vector kernels, or fails it if a width was asked for. */
  public static void assumeVectorized() {
    if (requestedBits() != null) {
      assertTrue(KernelProvider.isVectorized(), () -> requestedBits() + "-bit vector kernels"
          + " were asked for but are not in use: " + KernelProvider.description());
    }
    assumeTrue(KernelProvider.isVectorized(),
        () -> "no vector kernels, nothing to compare: " + KernelProvider.description());
  }
}
