package dev.tokensampler.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensampler.TestLogits;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The kernels picked by {@link KernelProvider} (the Vector API kernels when the JVM has
 * {@code jdk.incubator.vector}, at the width of {@value KernelProvider#VECTOR_BITS_PROPERTY})
 * give bit-identical results to {@link ScalarKernels} for every method of {@link Kernels}, and
 * {@link ScalarKernels} follows the documented definitions ({@link ReferenceKernels}).
 *
 * <p>Without vector kernels the agreement tests are skipped (assumptions) and only the scalar
 * checks run, unless a width was asked for: then they fail ({@link VectorKernelsUnderTest}).
 */
@Tag("kernels")
class KernelAgreementTest {
  @BeforeAll
  static void logImplementation() {
    System.out.println("KernelAgreementTest: kernels under test: " + KernelProvider.description());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestLogits.Shape.class)
  void scalarKernelsFollowTheDocumentedDefinitions(TestLogits.Shape shape) {
    KernelComparison comparison = new KernelComparison(new ReferenceKernels(), new ScalarKernels());
    for (KernelInput input : KernelInputs.of(shape)) {
      comparison.assertSameResults(input);
    }
  }

  @Test
  void scalarKernelsReportTheFirstNaN() {
    KernelComparison comparison = new KernelComparison(new ReferenceKernels(), new ScalarKernels());
    for (KernelInputs.NaNCase c : KernelInputs.withNaN()) {
      comparison.assertNaNReported(c);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(TestLogits.Shape.class)
  void providedKernelsAreBitIdenticalToScalar(TestLogits.Shape shape) {
    assumeVectorized();
    KernelComparison comparison =
        new KernelComparison(new ScalarKernels(), KernelProvider.newKernels());
    for (KernelInput input : KernelInputs.of(shape)) {
      comparison.assertSameResults(input);
    }
  }

  /**
   * When the maximum is zero and both {@code +0.0} and {@code -0.0} occur, both implementations
   * return the same zero ({@link dev.tokensampler.stage.Candidates#maxLogit()} shows it).
   */
  @Test
  void providedKernelsGiveTheSameSignOfAZeroMaximum() {
    assumeVectorized();
    KernelComparison comparison =
        new KernelComparison(new ScalarKernels(), KernelProvider.newKernels());
    for (KernelInput input : KernelInputs.of(TestLogits.Shape.SIGNED_ZEROS)) {
      comparison.assertSameMax(input);
    }
  }

  @Test
  void providedKernelsReportTheFirstNaN() {
    assumeVectorized();
    KernelComparison comparison =
        new KernelComparison(new ScalarKernels(), KernelProvider.newKernels());
    for (KernelInputs.NaNCase c : KernelInputs.withNaN()) {
      comparison.assertNaNReported(c);
    }
  }

  /** A width asked for is the width in use: a machine without it fails the run. */
  @Test
  void providedKernelsHaveTheRequestedWidth() {
    String name = KernelProvider.newKernels().name();
    assertTrue(KernelProvider.description().startsWith(name), KernelProvider.description());
    assertEquals(KernelProvider.isVectorized(), !name.equals("scalar"), name);
    String bits = VectorKernelsUnderTest.requestedBits();
    assumeTrue(bits != null, "no vector width requested");
    assertEquals("vector-" + bits, name, KernelProvider.description());
  }

  private static void assumeVectorized() {
    VectorKernelsUnderTest.assumeVectorized();
  }
}
