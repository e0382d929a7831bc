package dev.tokensampler.bench;

import dev.tokensampler.kernel.ExpPoly;
import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.Kernels;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floors of a sampler call on the vectors of {@link LogitsRing}: what any sampler must at
 * least spend on one vocabulary-sized vector.
 *
 * <ul>
 *   <li>{@link #readPass}: one SIMD pass that only reads the vector (a sum, four accumulators):
 *       the cost of touching the logits at all, the floor of greedy;
 *   <li>{@link #expPassKernel}: the library's fused kernel {@link Kernels#expSum} with no
 *       destination, i.e. {@code sum of exp(x - c)} in the library's summation order, at the
 *       kernels picked for this JVM: the floor of every chain that needs probabilities;
 *   <li>{@link #expPassLoop}: the same polynomial ({@link ExpPoly}, Cephes {@code expf}) as a
 *       plain SIMD loop with a single accumulator and no blocks: the exp pass without the
 *       library's bookkeeping, at the machine's width whatever kernels are picked.
 * </ul>
 *
 * {@code c} is the largest logit of the whole ring, so that every exponent is at most 0. The SIMD
 * loops here use the machine's preferred width capped at 512 bits, or the width set with
 * {@code -Ddev.tokensampler.vectorBits}, like the library's kernels.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class FloorBenchmark {
  static final VectorSpecies<Float> SPECIES = species();
  static final int VECTOR_LENGTH = SPECIES.length();

  // Constant operands only: each loop-carried accumulator starts from FloatVector.zero(SPECIES)
  // inside its method (C2 boxes a loop-carried vector that starts as a static final constant).
  private static final FloatVector ZERO = FloatVector.zero(SPECIES);
  private static final FloatVector ONE = FloatVector.broadcast(SPECIES, 1f);
  private static final FloatVector LOG2E = FloatVector.broadcast(SPECIES, ExpPoly.LOG2E);
  private static final FloatVector MAGIC = FloatVector.broadcast(SPECIES, ExpPoly.MAGIC);
  private static final FloatVector LN2_HI = FloatVector.broadcast(SPECIES, ExpPoly.LN2_HI);
  private static final FloatVector LN2_LO = FloatVector.broadcast(SPECIES, ExpPoly.LN2_LO);
  private static final FloatVector P0 = FloatVector.broadcast(SPECIES, ExpPoly.P0);
  private static final FloatVector P1 = FloatVector.broadcast(SPECIES, ExpPoly.P1);
  private static final FloatVector P2 = FloatVector.broadcast(SPECIES, ExpPoly.P2);
  private static final FloatVector P3 = FloatVector.broadcast(SPECIES, ExpPoly.P3);
  private static final FloatVector P4 = FloatVector.broadcast(SPECIES, ExpPoly.P4);
  private static final FloatVector P5 = FloatVector.broadcast(SPECIES, ExpPoly.P5);
  private static final FloatVector MIN_INPUT = FloatVector.broadcast(SPECIES, ExpPoly.MIN_INPUT);
  private static final FloatVector TWO_POW_MINUS_64 =
      FloatVector.broadcast(SPECIES, ExpPoly.TWO_POW_MINUS_64);
  private static final IntVector EXPONENT_BIAS = IntVector.broadcast(
      VectorSpecies.of(int.class, SPECIES.vectorShape()), ExpPoly.EXPONENT_BIAS);

  private Kernels kernels;
  private float[] blockSums;
  private float c;

  private static VectorSpecies<Float> species() {
    String requested = System.getProperty(KernelProvider.VECTOR_BITS_PROPERTY);
    int bits = requested != null
        ? Integer.parseInt(requested.trim())
        : Math.min(FloatVector.SPECIES_PREFERRED.vectorBitSize(), 512);
    return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
  }

  /**
   * Picks the kernels and the constant {@code c}.
   *
   * @param ring the input vectors
   */
  @Setup(Level.Trial)
  public void setup(LogitsRing ring) {
    kernels = KernelProvider.newKernels();
    blockSums = new float[(ring.vocabulary + Kernels.BLOCK - 1) / Kernels.BLOCK];
    c = ring.max();
  }

  /**
   * The read pass: the sum of the vector.
   *
   * @param ring the input vectors
   * @return the sum
   */
  @Benchmark
  public float readPass(LogitsRing ring) {
    float[] a = ring.next();
    int bound = a.length & -(4 * VECTOR_LENGTH);
    FloatVector acc0 = FloatVector.zero(SPECIES);
    FloatVector acc1 = FloatVector.zero(SPECIES);
    FloatVector acc2 = FloatVector.zero(SPECIES);
    FloatVector acc3 = FloatVector.zero(SPECIES);
    int i = 0;
    for (; i < bound; i += 4 * VECTOR_LENGTH) {
      acc0 = acc0.add(FloatVector.fromArray(SPECIES, a, i));
      acc1 = acc1.add(FloatVector.fromArray(SPECIES, a, i + VECTOR_LENGTH));
      acc2 = acc2.add(FloatVector.fromArray(SPECIES, a, i + 2 * VECTOR_LENGTH));
      acc3 = acc3.add(FloatVector.fromArray(SPECIES, a, i + 3 * VECTOR_LENGTH));
    }
    float sum = acc0.add(acc1).add(acc2.add(acc3)).reduceLanes(VectorOperators.ADD);
    for (; i < a.length; i++) {
      sum += a[i];
    }
    return sum;
  }

  /**
   * The exp pass of the library: {@link Kernels#expSum} with a null destination.
   *
   * @param ring the input vectors
   * @return the sum of {@code exp(x - c)}
   */
  @Benchmark
  public double expPassKernel(LogitsRing ring) {
    float[] a = ring.next();
    return kernels.expSum(a, 0, a.length, c, 1f, null, blockSums);
  }

  /**
   * The exp pass as a plain loop: {@code sum of exp(x - c)} with one accumulator.
   *
   * @param ring the input vectors
   * @return the sum of {@code exp(x - c)}
   */
  @Benchmark
  public float expPassLoop(LogitsRing ring) {
    float[] a = ring.next();
    FloatVector vc = FloatVector.broadcast(SPECIES, c);
    int bound = SPECIES.loopBound(a.length);
    FloatVector acc = FloatVector.zero(SPECIES);
    int i = 0;
    for (; i < bound; i += VECTOR_LENGTH) {
      acc = acc.add(exp(FloatVector.fromArray(SPECIES, a, i).sub(vc)));
    }
    float sum = acc.reduceLanes(VectorOperators.ADD);
    for (; i < a.length; i++) {
      sum += ExpPoly.exp(a[i] - c);
    }
    return sum;
  }

  /** {@link ExpPoly#exp}, lane by lane. */
  private static FloatVector exp(FloatVector y) {
    FloatVector tm = y.mul(LOG2E).add(MAGIC);
    FloatVector n = tm.sub(MAGIC);
    FloatVector f = y.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
    FloatVector p = f.mul(P0).add(P1);
    p = p.mul(f).add(P2);
    p = p.mul(f).add(P3);
    p = p.mul(f).add(P4);
    p = p.mul(f).add(P5);
    FloatVector r = p.mul(f.mul(f)).add(f).add(ONE);
    FloatVector pow = tm.reinterpretAsInts().add(EXPONENT_BIAS)
        .lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
    return r.mul(pow).mul(TWO_POW_MINUS_64)
        .blend(ZERO, y.compare(VectorOperators.LT, MIN_INPUT));
  }
}
