package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensampler.TestLogits;
import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.ScalarKernels;
import dev.tokensampler.kernel.VectorKernelsUnderTest;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A chain run on {@link Candidates} with {@link ScalarKernels} and with the kernels picked by
 * {@link KernelProvider} chooses the same token for the same logits and random bits, and writes
 * the same probabilities and log-probabilities, bit for bit. Skipped when the provider picks the
 * scalar kernels.
 */
@Tag("kernels")
class SamplerAgreementTest {
  /** Bits at the ends of the unit interval, then random ones. */
  private static final long[] EDGE_BITS = {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 11};
  private static final int BITS_PER_LOGITS = 10;

  static Stream<Arguments> chains() {
    Stage readsSize = c -> assertTrue(c.size() >= 1, "size");
    return Stream.of(
        Arguments.of("softmax", new Stage[] {}),
        Arguments.of("temperature 0.7", new Stage[] {new Temperature(0.7f)}),
        Arguments.of("top-k 40, temperature 0.7",
            new Stage[] {new TopK(40), new Temperature(0.7f)}),
        Arguments.of("temperature 0.7, top-p 0.95",
            new Stage[] {new Temperature(0.7f), new TopP(0.95f)}),
        Arguments.of("top-k 40, top-p 0.95, temperature 0.7",
            new Stage[] {new TopK(40), new TopP(0.95f), new Temperature(0.7f)}),
        Arguments.of("top-p 0.95, a stage reading size()",
            new Stage[] {new TopP(0.95f), readsSize}),
        Arguments.of("greedy", new Stage[] {Greedy.INSTANCE}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chains")
  void scalarAndProvidedKernelsChooseTheSameTokens(String name, Stage[] chain) {
    VectorKernelsUnderTest.assumeVectorized();
    int pairs = 0;
    for (int vocabulary : new int[] {1, 17, 1000, 32000}) {
      Candidates scalar = new Candidates(vocabulary, new ScalarKernels());
      Candidates provided = new Candidates(vocabulary, KernelProvider.newKernels());
      Random random = new Random(vocabulary * 7919L + name.hashCode());
      int vectors = vocabulary == 32000 ? 24 : vocabulary == 1 ? 20 : 200;
      for (int v = 0; v < vectors; v++) {
        float[] logits = logits(random, vocabulary, v);
        for (int b = 0; b < BITS_PER_LOGITS; b++) {
          long bits = b < EDGE_BITS.length && v % 4 == 0 ? EDGE_BITS[b] : random.nextLong();
          String where = name + ", V=" + vocabulary + ", vector " + v + ", bits " + bits;
          int expected = run(scalar, chain, logits, bits);
          int actual = run(provided, chain, logits, bits);
          assertEquals(expected, actual, where);
          assertTrue(expected >= 0 && expected < vocabulary, where + ": token " + expected);
          if (b == 0) {
            assertSameOutputs(where, scalar, provided, vocabulary);
          }
          pairs++;
        }
      }
    }
    assertTrue(pairs > 1000, "pairs: " + pairs);
  }

  /** Runs the chain and draws, as a sampler does. */
  private static int run(Candidates c, Stage[] chain, float[] logits, long bits) {
    c.reset(logits, 0);
    for (Stage stage : chain) {
      stage.apply(c);
      if (c.isSelected()) {
        break;
      }
    }
    c.validate();
    return c.draw(bits);
  }

  /** The candidates, probabilities and log-probabilities after the chain are the same. */
  private static void assertSameOutputs(
      String where, Candidates expected, Candidates actual, int vocabulary) {
    int size = expected.size();
    assertEquals(size, actual.size(), where + ": size()");
    for (int i = 0; i < size; i++) {
      assertEquals(expected.id(i), actual.id(i), where + ": id(" + i + ")");
    }
    float[] expectedOut = new float[vocabulary];
    float[] actualOut = new float[vocabulary];
    expected.writeProbabilities(expectedOut);
    actual.writeProbabilities(actualOut);
    assertSameBits(where + ": writeProbabilities", expectedOut, actualOut, size);
    expected.writeLogProbabilities(expectedOut);
    actual.writeLogProbabilities(actualOut);
    assertSameBits(where + ": writeLogProbabilities", expectedOut, actualOut, size);
    for (int i = 0; i < size; i += Math.max(1, size / 16)) {
      assertEquals(Float.floatToRawIntBits(expected.probability(i)),
          Float.floatToRawIntBits(actual.probability(i)), where + ": probability(" + i + ")");
    }
  }

  /**
   * Logits of several kinds, by turn: Gaussian with sigma 1, 3 and 10, one peak, many ties,
   * {@code -Infinity} masks, all equal.
   */
  private static float[] logits(Random random, int vocabulary, int turn) {
    switch (turn % 7) {
      case 0:
        return TestLogits.gaussian(random, vocabulary, 1);
      case 1:
        return TestLogits.gaussian(random, vocabulary, 3);
      case 2:
        return TestLogits.gaussian(random, vocabulary, 10);
      case 3:
        return TestLogits.peaked(random, vocabulary, 12f);
      case 4:
        return TestLogits.tied(random, vocabulary, 2, 0.5);
      case 5:
        return TestLogits.mask(random, TestLogits.gaussian(random, vocabulary, 3), 0.5);
      default:
        return new float[vocabulary];
    }
  }

  private static void assertSameBits(String what, float[] expected, float[] actual, int n) {
    for (int i = 0; i < n; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        fail(what + " at " + i + ": expected " + Float.toHexString(expected[i]) + " but was "
            + Float.toHexString(actual[i]));
      }
    }
  }
}
