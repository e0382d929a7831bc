package dev.tokensampler.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on the JDK Vector API, bit-identical to {@link ScalarKernels}.
 *
 * <p>The width is fixed when this class loads: the machine's preferred width capped at 512 bits,
 * or the value of {@value KernelProvider#VECTOR_BITS_PROPERTY} (128, 256 or 512). A logical
 * 16-lane chunk is one 512-bit vector, two 256-bit or four 128-bit vectors, each with its own
 * accumulator, so the lanes of every sum receive the same elements in the same order at every
 * width. Every constant vector is a static final field, rounding uses the 1.5 * 2^23 addition and
 * integer bits come from {@code reinterpretAsInts()}: the forms that C2 compiles to vector code on
 * JDK 17 as well as on later JDKs.
 *
 * <p>No kernel calls {@code reduceLanes}: lanes are reduced in scalar code after a store, and NaN
 * is detected with {@code compare(NE)}. On JDK 17, once C2 had compiled a {@code reduceLanes}
 * (in the maximum, which greedy uses), kernels it compiled later could lose their intrinsics and
 * allocate a vector per operation for the rest of the JVM's life ({@code WarmUpOrderTest}).
 * Likewise, a range too short for one vector (or one 16-lane chunk) runs only scalar code: vector
 * code that is reached on every call but never in a loop (an accumulator created and stored, a
 * broadcast) may stay uncompiled and allocate on every call. Ranges shorter than
 * {@link #SHORT_RANGE} run the scalar kernels (see there). Below JDK 25, {@link #expSum} keeps
 * its lane sums in memory rather than in vectors carried by its loops (see
 * {@link #ACCUMULATORS_IN_REGISTERS}).
 *
 * <p>Loaded only by {@link KernelProvider}, reflectively, after it has checked that the module
 * {@code jdk.incubator.vector} is in the boot layer.
 */
final class VectorKernels implements Kernels {
  /** The float vectors of the chosen width. */
  static final VectorSpecies<Float> SPECIES = species();
  /** The int vectors of the same width, for the exponent bits of the exponential. */
  static final VectorSpecies<Integer> INT_SPECIES =
      VectorSpecies.of(int.class, SPECIES.vectorShape());
  /** Floats per vector: 16, 8 or 4. */
  static final int VECTOR_LENGTH = SPECIES.length();
  /** Vectors per logical 16-lane chunk: 1, 2 or 4. */
  static final int VECTORS_PER_CHUNK = LANES / VECTOR_LENGTH;
  /**
   * Whether C2 compiles {@code VectorMask.toLong()} to a register move (JDK 19 and later). Before
   * that it boxes the mask on every call, so the hot loops read the lanes one by one instead.
   */
  static final boolean MASK_TO_LONG_INTRINSIC = Runtime.version().feature() >= 19;
  /**
   * Whether {@link #expSum} keeps its lane sums in vectors carried by its loops (JDK 25 and later)
   * or in {@link #lanes}, loaded and stored on every step, with the loops with and without the
   * store in methods of their own. On JDK 17, C2 may compile the store of a vector carried by a
   * loop as a call, depending on the profile it has when it compiles, and the vector is then boxed
   * on every iteration for the rest of the JVM's life ({@code WarmUpOrderTest}: 5 of 6 fresh JVMs
   * failed with early compilation, and about 2 in 100 at the default thresholds; with the sums in
   * memory, 0 of 96 with early compilation, at every width). With the sums in memory the kernel
   * costs the same on JDK 17, where the loop is bound by the exponential, but 25-50% more on JDK
   * 25, where the chain of additions through memory becomes the bound. On JDK 25, with the sums in
   * registers, none of the same 96 runs allocated in this kernel; the JDKs between were not
   * measured and take the form tested on JDK 17.
   */
  static final boolean ACCUMULATORS_IN_REGISTERS = Runtime.version().feature() >= 25;

  /**
   * Ranges shorter than this ({@value} elements) run {@link ScalarKernels}, which give the same
   * bits. Explicit candidates (after top-k or min-p) are such ranges: a kernel that only ever sees
   * them runs its vector loop a few times per call, so C2 compiles it on invocation counts alone,
   * after many thousands of calls, and until then the C1 code boxes every vector operation (about
   * 8 to 15 KB per token for min-p or top-k followed by a draw, for 10,000 to 25,000 tokens in a
   * fresh JVM). Scalar code allocates nothing at any tier, and at this length costs well under a
   * microsecond.
   */
  static final int SHORT_RANGE = 16 * LANES;

  /** The bits of {@code toLong()} of four masks side by side. */
  private static final long FOUR_VECTORS_BITS =
      4 * VECTOR_LENGTH == 64 ? -1L : (1L << (4 * VECTOR_LENGTH)) - 1;

  // Constant operands live in static finals (C2 on JDK 17 then keeps them in registers). A
  // loop-carried vector must never start from one of them: it would be boxed on every iteration.
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
  private static final FloatVector CHORD_SCALE = FloatVector.broadcast(SPECIES, ExpChord.SCALE);
  private static final FloatVector CHORD_OFFSET = FloatVector.broadcast(SPECIES, ExpChord.OFFSET);
  private static final IntVector EXPONENT_BIAS =
      IntVector.broadcast(INT_SPECIES, ExpPoly.EXPONENT_BIAS);
  private static final FloatVector POSITIVE_INFINITY =
      FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
  /** A vector's worth of {@code -Infinity}, loaded (not a constant) to start accumulators. */
  private static final float[] NEGATIVE_INFINITIES = negativeInfinities();
  private static final IntVector INT_ZERO = IntVector.zero(INT_SPECIES);
  /** Lane {@code j} holds {@code 1 << j}: the bit of lane {@code j} in a vector's mask bits. */
  private static final IntVector LANE_BITS = IntVector.fromArray(INT_SPECIES, laneBits(), 0);
  private static final IntVector NEGATIVE_INFINITY_BITS = IntVector.broadcast(
      INT_SPECIES, Float.floatToRawIntBits(Float.NEGATIVE_INFINITY));

  private final float[] lanes = new float[LANES];
  private final ScalarKernels scalar = new ScalarKernels();

  private static float[] negativeInfinities() {
    float[] values = new float[VECTOR_LENGTH];
    java.util.Arrays.fill(values, Float.NEGATIVE_INFINITY);
    return values;
  }

  private static int[] laneBits() {
    int[] bits = new int[VECTOR_LENGTH];
    for (int j = 0; j < bits.length; j++) {
      bits[j] = 1 << j;
    }
    return bits;
  }

  private static VectorSpecies<Float> species() {
    int preferred = Math.min(FloatVector.SPECIES_PREFERRED.vectorBitSize(), 512);
    String requested = System.getProperty(KernelProvider.VECTOR_BITS_PROPERTY);
    int bits = requested == null ? preferred : Integer.parseInt(requested.trim());
    if (bits != 128 && bits != 256 && bits != 512) {
      throw new UnsupportedOperationException(
          KernelProvider.VECTOR_BITS_PROPERTY + " must be 128, 256 or 512, got " + bits);
    }
    if (bits > preferred) {
      throw new UnsupportedOperationException(
          bits + "-bit vectors requested, this machine's widest is " + preferred);
    }
    return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
  }

  @Override
  public String name() {
    return "vector-" + SPECIES.vectorBitSize();
  }

  @Override
  public float max(float[] a, int off, int len) {
    if (len < SHORT_RANGE) {
      return scalar.max(a, off, len);
    }
    int bound4 = len & -(4 * VECTOR_LENGTH);
    float max = Float.NEGATIVE_INFINITY;
    int i = 0;
    if (bound4 > 0) {
      // Accumulators start from loads, not from constants: a loop-carried vector that starts as a
      // constant is boxed on every iteration by C2.
      FloatVector m0 = FloatVector.fromArray(SPECIES, a, off);
      FloatVector m1 = FloatVector.fromArray(SPECIES, a, off + VECTOR_LENGTH);
      FloatVector m2 = FloatVector.fromArray(SPECIES, a, off + 2 * VECTOR_LENGTH);
      FloatVector m3 = FloatVector.fromArray(SPECIES, a, off + 3 * VECTOR_LENGTH);
      FloatVector nan = m0.add(m1).add(m2.add(m3));
      for (i = 4 * VECTOR_LENGTH; i < bound4; i += 4 * VECTOR_LENGTH) {
        FloatVector v0 = FloatVector.fromArray(SPECIES, a, off + i);
        FloatVector v1 = FloatVector.fromArray(SPECIES, a, off + i + VECTOR_LENGTH);
        FloatVector v2 = FloatVector.fromArray(SPECIES, a, off + i + 2 * VECTOR_LENGTH);
        FloatVector v3 = FloatVector.fromArray(SPECIES, a, off + i + 3 * VECTOR_LENGTH);
        m0 = m0.blend(v0, v0.compare(VectorOperators.GT, m0));
        m1 = m1.blend(v1, v1.compare(VectorOperators.GT, m1));
        m2 = m2.blend(v2, v2.compare(VectorOperators.GT, m2));
        m3 = m3.blend(v3, v3.compare(VectorOperators.GT, m3));
        nan = nan.add(v0.add(v1).add(v2.add(v3)));
      }
      if (nan.compare(VectorOperators.NE, nan).anyTrue() && firstNaN(a, off, bound4) >= 0) {
        return Float.NaN;
      }
      m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
      m2 = m2.blend(m3, m3.compare(VectorOperators.GT, m2));
      m0 = m0.blend(m2, m2.compare(VectorOperators.GT, m0));
      m0.intoArray(lanes, 0);
      for (int j = 0; j < VECTOR_LENGTH; j++) {
        max = lanes[j] > max ? lanes[j] : max;
      }
    }
    return ScalarKernels.max(a, off, i, len, max);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Two passes that are cheaper than one tracking positions: {@link #max}, then a scan for the
   * first element equal to it, which stops there.
   */
  @Override
  public int argmax(float[] a, int off, int len) {
    if (len < SHORT_RANGE) {
      return scalar.argmax(a, off, len);
    }
    float max = max(a, off, len);
    if (max != max) {
      return -1 - firstNaN(a, off, len);
    }
    int bound4 = len & -(4 * VECTOR_LENGTH);
    int i = 0;
    FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
    for (; i < bound4; i += 4 * VECTOR_LENGTH) {
      VectorMask<Float> hit =
          FloatVector.fromArray(SPECIES, a, off + i).compare(VectorOperators.EQ, maxVector)
              .or(FloatVector.fromArray(SPECIES, a, off + i + VECTOR_LENGTH)
                  .compare(VectorOperators.EQ, maxVector))
              .or(FloatVector.fromArray(SPECIES, a, off + i + 2 * VECTOR_LENGTH)
                  .compare(VectorOperators.EQ, maxVector))
              .or(FloatVector.fromArray(SPECIES, a, off + i + 3 * VECTOR_LENGTH)
                  .compare(VectorOperators.EQ, maxVector));
      if (hit.anyTrue()) {
        break;
      }
    }
    return firstEqual(a, off, i, len, max);
  }

  private static int firstEqual(float[] a, int off, int from, int len, float max) {
    for (int i = from; i < len; i++) {
      if (a[off + i] == max) {
        return i;
      }
    }
    throw new IllegalStateException("maximum " + max + " not found");
  }

  private static int firstNaN(float[] a, int off, int len) {
    for (int i = 0; i < len; i++) {
      if (Float.isNaN(a[off + i])) {
        return i;
      }
    }
    return -1;
  }

  /**
   * {@inheritDoc}
   *
   * <p>{@link ExpPoly#exp} is written out in the loop, operation for operation, rather than called:
   * C2 inlines a callee that is already compiled only if its code is small, and a vector passed to
   * a call that is not inlined is boxed. A helper would be compiled on its own whenever the loop
   * ran in the interpreter first (for instance after a deoptimisation, when small vocabularies had
   * never entered the loop), and the kernel would then allocate on every call. Every copy (six
   * here, one in the benchmarks' floor) is held to the same text and to {@link ExpPoly}'s
   * constants by {@code ExpPolyCopiesTest}.
   *
   * <p>With {@link #ACCUMULATORS_IN_REGISTERS}, vector {@code k} of each 16-lane chunk goes to
   * accumulator {@code k} (one 512-bit, two 256-bit or four 128-bit vectors per chunk): the
   * accumulators rotate so that {@code acc0} always takes the next vector, and a block holds a
   * whole number of chunks, so the rotation ends where it started. Two loops, with and without
   * the store, so that neither holds a branch. The accumulators are stored in place, never passed
   * to a method. Otherwise the sums are taken in memory by {@link #expSumInMemory} and
   * {@link #expSumStoredInMemory}.
   */
  @Override
  public double expSum(
      float[] a, int off, int len, float max, float scale, float[] dst, float[] blockSums) {
    if (len < SHORT_RANGE) {
      return scalar.expSum(a, off, len, max, scale, dst, blockSums);
    }
    if (!ACCUMULATORS_IN_REGISTERS) {
      return dst == null
          ? expSumInMemory(a, off, len, max, scale, blockSums)
          : expSumStoredInMemory(a, off, len, max, scale, dst, blockSums);
    }
    double total = 0;
    int block = 0;
    for (int start = 0; start < len; start += BLOCK, block++) {
      int end = Math.min(start + BLOCK, len);
      int vectorEnd = start + ((end - start) & -LANES);
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      if (dst == null) {
        for (int i = start; i < vectorEnd; i += VECTOR_LENGTH) {
          FloatVector y = FloatVector.fromArray(SPECIES, a, off + i).sub(max).mul(scale);
          FloatVector tm = y.mul(LOG2E).add(MAGIC);
          FloatVector n = tm.sub(MAGIC);
          FloatVector f = y.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
          FloatVector p = f.mul(P0).add(P1);
          p = p.mul(f).add(P2);
          p = p.mul(f).add(P3);
          p = p.mul(f).add(P4);
          p = p.mul(f).add(P5);
          FloatVector r = p.mul(f.mul(f)).add(f).add(ONE);
          FloatVector pow =
              tm.reinterpretAsInts().add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23)
                  .reinterpretAsFloats();
          FloatVector e = r.mul(pow).mul(TWO_POW_MINUS_64)
              .blend(ZERO, y.compare(VectorOperators.LT, MIN_INPUT));
          // acc0 takes this vector; rotating makes acc0 take the next one.
          FloatVector sum = acc0.add(e);
          if (VECTORS_PER_CHUNK == 1) {
            acc0 = sum;
          } else if (VECTORS_PER_CHUNK == 2) {
            acc0 = acc1;
            acc1 = sum;
          } else {
            acc0 = acc1;
            acc1 = acc2;
            acc2 = acc3;
            acc3 = sum;
          }
        }
      } else {
        for (int i = start; i < vectorEnd; i += VECTOR_LENGTH) {
          FloatVector y = FloatVector.fromArray(SPECIES, a, off + i).sub(max).mul(scale);
          FloatVector tm = y.mul(LOG2E).add(MAGIC);
          FloatVector n = tm.sub(MAGIC);
          FloatVector f = y.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
          FloatVector p = f.mul(P0).add(P1);
          p = p.mul(f).add(P2);
          p = p.mul(f).add(P3);
          p = p.mul(f).add(P4);
          p = p.mul(f).add(P5);
          FloatVector r = p.mul(f.mul(f)).add(f).add(ONE);
          FloatVector pow =
              tm.reinterpretAsInts().add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23)
                  .reinterpretAsFloats();
          FloatVector e = r.mul(pow).mul(TWO_POW_MINUS_64)
              .blend(ZERO, y.compare(VectorOperators.LT, MIN_INPUT));
          e.intoArray(dst, i);
          // acc0 takes this vector; rotating makes acc0 take the next one.
          FloatVector sum = acc0.add(e);
          if (VECTORS_PER_CHUNK == 1) {
            acc0 = sum;
          } else if (VECTORS_PER_CHUNK == 2) {
            acc0 = acc1;
            acc1 = sum;
          } else {
            acc0 = acc1;
            acc1 = acc2;
            acc2 = acc3;
            acc3 = sum;
          }
        }
      }
      acc0.intoArray(lanes, 0);
      if (VECTORS_PER_CHUNK >= 2) {
        acc1.intoArray(lanes, VECTOR_LENGTH);
      }
      if (VECTORS_PER_CHUNK == 4) {
        acc2.intoArray(lanes, 2 * VECTOR_LENGTH);
        acc3.intoArray(lanes, 3 * VECTOR_LENGTH);
      }
      ScalarKernels.addExp(a, off, vectorEnd, end, max, scale, dst, lanes);
      float sum = Kernels.reduceLanes(lanes);
      blockSums[block] = sum;
      total += sum;
    }
    return total;
  }

  /**
   * {@link #expSum} without a destination, of at least {@link Kernels#LANES} elements, where the
   * lanes of a block are summed in {@link #lanes}: each vector is added to its lanes, loaded and
   * stored again, so that no vector is carried by the loop.
   */
  private double expSumInMemory(
      float[] a, int off, int len, float max, float scale, float[] blockSums) {
    double total = 0;
    int block = 0;
    for (int start = 0; start < len; start += BLOCK, block++) {
      int end = Math.min(start + BLOCK, len);
      int vectorEnd = start + ((end - start) & -LANES);
      java.util.Arrays.fill(lanes, 0f);
      for (int i = start; i < vectorEnd; i += VECTOR_LENGTH) {
        FloatVector y = FloatVector.fromArray(SPECIES, a, off + i).sub(max).mul(scale);
        FloatVector tm = y.mul(LOG2E).add(MAGIC);
        FloatVector n = tm.sub(MAGIC);
        FloatVector f = y.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = f.mul(P0).add(P1);
        p = p.mul(f).add(P2);
        p = p.mul(f).add(P3);
        p = p.mul(f).add(P4);
        p = p.mul(f).add(P5);
        FloatVector r = p.mul(f.mul(f)).add(f).add(ONE);
        FloatVector pow =
            tm.reinterpretAsInts().add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        FloatVector e = r.mul(pow).mul(TWO_POW_MINUS_64)
            .blend(ZERO, y.compare(VectorOperators.LT, MIN_INPUT));
        int lane = i & (LANES - 1);
        FloatVector.fromArray(SPECIES, lanes, lane).add(e).intoArray(lanes, lane);
      }
      ScalarKernels.addExp(a, off, vectorEnd, end, max, scale, null, lanes);
      float sum = Kernels.reduceLanes(lanes);
      blockSums[block] = sum;
      total += sum;
    }
    return total;
  }

  /**
   * {@link #expSumInMemory} storing every weight in {@code dst}. A method of its own: a sampler
   * may run the loop without the store over the whole vocabulary on every call and this one on a
   * single block per call (the rejection draw of top-p), and each loop must be compiled on a
   * profile of its own.
   */
  private double expSumStoredInMemory(
      float[] a, int off, int len, float max, float scale, float[] dst, float[] blockSums) {
    double total = 0;
    int block = 0;
    for (int start = 0; start < len; start += BLOCK, block++) {
      int end = Math.min(start + BLOCK, len);
      int vectorEnd = start + ((end - start) & -LANES);
      java.util.Arrays.fill(lanes, 0f);
      for (int i = start; i < vectorEnd; i += VECTOR_LENGTH) {
        FloatVector y = FloatVector.fromArray(SPECIES, a, off + i).sub(max).mul(scale);
        FloatVector tm = y.mul(LOG2E).add(MAGIC);
        FloatVector n = tm.sub(MAGIC);
        FloatVector f = y.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = f.mul(P0).add(P1);
        p = p.mul(f).add(P2);
        p = p.mul(f).add(P3);
        p = p.mul(f).add(P4);
        p = p.mul(f).add(P5);
        FloatVector r = p.mul(f.mul(f)).add(f).add(ONE);
        FloatVector pow =
            tm.reinterpretAsInts().add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        FloatVector e = r.mul(pow).mul(TWO_POW_MINUS_64)
            .blend(ZERO, y.compare(VectorOperators.LT, MIN_INPUT));
        e.intoArray(dst, i);
        int lane = i & (LANES - 1);
        FloatVector.fromArray(SPECIES, lanes, lane).add(e).intoArray(lanes, lane);
      }
      ScalarKernels.addExp(a, off, vectorEnd, end, max, scale, dst, lanes);
      float sum = Kernels.reduceLanes(lanes);
      blockSums[block] = sum;
      total += sum;
    }
    return total;
  }

  @Override
  public double sumAbove(float[] e, int from, int to, float threshold) {
    if (to - from < SHORT_RANGE) {
      return scalar.sumAbove(e, from, to, threshold);
    }
    double total = 0;
    for (int start = from; start < to; start += BLOCK) {
      int end = Math.min(start + BLOCK, to);
      int chunkEnd = start + ((end - start) & -LANES);
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      int i = start;
      for (; i < chunkEnd; i += LANES) {
        FloatVector x0 = FloatVector.fromArray(SPECIES, e, i);
        acc0 = acc0.add(ZERO.blend(x0, x0.compare(VectorOperators.GT, threshold)));
        if (VECTORS_PER_CHUNK >= 2) {
          FloatVector x1 = FloatVector.fromArray(SPECIES, e, i + VECTOR_LENGTH);
          acc1 = acc1.add(ZERO.blend(x1, x1.compare(VectorOperators.GT, threshold)));
        }
        if (VECTORS_PER_CHUNK == 4) {
          FloatVector x2 = FloatVector.fromArray(SPECIES, e, i + 2 * VECTOR_LENGTH);
          FloatVector x3 = FloatVector.fromArray(SPECIES, e, i + 3 * VECTOR_LENGTH);
          acc2 = acc2.add(ZERO.blend(x2, x2.compare(VectorOperators.GT, threshold)));
          acc3 = acc3.add(ZERO.blend(x3, x3.compare(VectorOperators.GT, threshold)));
        }
      }
      acc0.intoArray(lanes, 0);
      if (VECTORS_PER_CHUNK >= 2) {
        acc1.intoArray(lanes, VECTOR_LENGTH);
      }
      if (VECTORS_PER_CHUNK == 4) {
        acc2.intoArray(lanes, 2 * VECTOR_LENGTH);
        acc3.intoArray(lanes, 3 * VECTOR_LENGTH);
      }
      ScalarKernels.addAbove(e, from, i, end, threshold, lanes);
      total += Kernels.reduceLanes(lanes);
    }
    return total;
  }

  /**
   * {@inheritDoc}
   *
   * <p>One vector per step, with a branch that skips the exponential when no lane reaches
   * {@code skipBelow}. The lane sums live in {@code lanes}, not in registers: a vector taken
   * conditionally into a loop-carried accumulator is boxed by C2 on JDK 17, and the branch is
   * rarely taken, so the load and store it adds cost little. {@link ExpPoly#exp} is written out
   * operation for operation, so no vector crosses a call.
   */
  @Override
  public double sumWeightsAbove(
      float[] a, int off, int len, float max, float scale, float above, float skipBelow,
      float[] blockSums) {
    if (len < SHORT_RANGE) {
      return scalar.sumWeightsAbove(a, off, len, max, scale, above, skipBelow, blockSums);
    }
    double total = 0;
    int block = 0;
    for (int start = 0; start < len; start += BLOCK, block++) {
      int end = Math.min(start + BLOCK, len);
      int vectorEnd = start + ((end - start) & -LANES);
      java.util.Arrays.fill(lanes, 0f);
      for (int i = start; i < vectorEnd; i += VECTOR_LENGTH) {
        FloatVector x = FloatVector.fromArray(SPECIES, a, off + i);
        FloatVector y = x.sub(max).mul(scale);
        if (y.compare(VectorOperators.GE, skipBelow).anyTrue()) {
          FloatVector tm = y.mul(LOG2E).add(MAGIC);
          FloatVector n = tm.sub(MAGIC);
          FloatVector f = y.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
          FloatVector p = f.mul(P0).add(P1);
          p = p.mul(f).add(P2);
          p = p.mul(f).add(P3);
          p = p.mul(f).add(P4);
          p = p.mul(f).add(P5);
          FloatVector r = p.mul(f.mul(f)).add(f).add(ONE);
          FloatVector pow =
              tm.reinterpretAsInts().add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23)
                  .reinterpretAsFloats();
          FloatVector e = r.mul(pow).mul(TWO_POW_MINUS_64)
              .blend(ZERO, y.compare(VectorOperators.LT, MIN_INPUT));
          int lane = (i - start) & (LANES - 1);
          FloatVector.fromArray(SPECIES, lanes, lane)
              .add(ZERO.blend(e, x.compare(VectorOperators.GT, above)))
              .intoArray(lanes, lane);
        }
      }
      ScalarKernels.addWeightsAbove(a, off, vectorEnd, end, max, scale, above, skipBelow, lanes);
      float sum = Kernels.reduceLanes(lanes);
      blockSums[block] = sum;
      total += sum;
    }
    return total;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Laid out like {@link #expSum}: {@link ExpChord#exp} written out operation for operation,
   * one vector per step, every lane taking a value (+0 when the logit is not above), the
   * accumulators rotating so that vector {@code k} of each chunk goes to accumulator {@code k}.
   * One vector per step rather than one chunk keeps the C2 compile under its inlining cutoff at
   * 128 bits, where a chunk is four vectors (see {@link #expSum}).
   */
  @Override
  public double chordSumAbove(float[] a, int off, int len, float max, float scale, float above) {
    if (len < SHORT_RANGE) {
      return scalar.chordSumAbove(a, off, len, max, scale, above);
    }
    double total = 0;
    for (int start = 0; start < len; start += BLOCK) {
      int end = Math.min(start + BLOCK, len);
      int chunkEnd = start + ((end - start) & -LANES);
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      for (int i = start; i < chunkEnd; i += VECTOR_LENGTH) {
        FloatVector x = FloatVector.fromArray(SPECIES, a, off + i);
        FloatVector t = x.sub(max).mul(scale).fma(CHORD_SCALE, CHORD_OFFSET);
        FloatVector e = t.reinterpretAsInts().lanewise(VectorOperators.LSHL, 8)
            .reinterpretAsFloats();
        // acc0 takes this vector; rotating makes acc0 take the next one.
        FloatVector sum = acc0.add(e, x.compare(VectorOperators.GT, above));
        if (VECTORS_PER_CHUNK == 1) {
          acc0 = sum;
        } else if (VECTORS_PER_CHUNK == 2) {
          acc0 = acc1;
          acc1 = sum;
        } else {
          acc0 = acc1;
          acc1 = acc2;
          acc2 = acc3;
          acc3 = sum;
        }
      }
      acc0.intoArray(lanes, 0);
      if (VECTORS_PER_CHUNK >= 2) {
        acc1.intoArray(lanes, VECTOR_LENGTH);
      }
      if (VECTORS_PER_CHUNK == 4) {
        acc2.intoArray(lanes, 2 * VECTOR_LENGTH);
        acc3.intoArray(lanes, 3 * VECTOR_LENGTH);
      }
      ScalarKernels.addChordAbove(a, off, chunkEnd, end, max, scale, above, lanes);
      total += Kernels.reduceLanes(lanes);
    }
    return total;
  }

  @Override
  public int countAbove(float[] e, int off, int len, float threshold) {
    if (len < SHORT_RANGE) {
      return scalar.countAbove(e, off, len, threshold);
    }
    int bound = SPECIES.loopBound(len);
    FloatVector thresholdVector = FloatVector.broadcast(SPECIES, threshold);
    int count = 0;
    int i = 0;
    for (; i < bound; i += VECTOR_LENGTH) {
      count += FloatVector.fromArray(SPECIES, e, off + i)
          .compare(VectorOperators.GT, thresholdVector).trueCount();
    }
    return count + ScalarKernels.countAbove(e, off, i, len, threshold);
  }

  @Override
  public int selectAtLeast(float[] e, int off, int len, float threshold, int[] ids) {
    if (len < SHORT_RANGE) {
      return scalar.selectAtLeast(e, off, len, threshold, ids);
    }
    int bound = SPECIES.loopBound(len);
    int n = 0;
    int i = 0;
    for (; i < bound; i += VECTOR_LENGTH) {
      VectorMask<Float> pass =
          FloatVector.fromArray(SPECIES, e, off + i).compare(VectorOperators.GE, threshold);
      if (pass.anyTrue()) {
        if (MASK_TO_LONG_INTRINSIC) {
          for (long bits = pass.toLong(); bits != 0; bits &= bits - 1) {
            ids[n++] = i + Long.numberOfTrailingZeros(bits);
          }
        } else {
          n = ScalarKernels.selectAtLeast(e, off, i, i + VECTOR_LENGTH, threshold, ids, n);
        }
      }
    }
    return ScalarKernels.selectAtLeast(e, off, i, len, threshold, ids, n);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Written like {@link #expSum}: the exponential spelled out in the loop, rotating
   * accumulators. A lane whose exponential is 0 adds {@code +0.0} (a blend, so
   * {@code 0 * -Infinity} never reaches the sum).
   */
  @Override
  public double expExponentSum(float[] a, int off, int len, float max, float scale) {
    if (len < SHORT_RANGE) {
      return scalar.expExponentSum(a, off, len, max, scale);
    }
    double total = 0;
    for (int start = 0; start < len; start += BLOCK) {
      int end = Math.min(start + BLOCK, len);
      int vectorEnd = start + ((end - start) & -LANES);
      FloatVector acc0 = FloatVector.zero(SPECIES);
      FloatVector acc1 = FloatVector.zero(SPECIES);
      FloatVector acc2 = FloatVector.zero(SPECIES);
      FloatVector acc3 = FloatVector.zero(SPECIES);
      for (int i = start; i < vectorEnd; i += VECTOR_LENGTH) {
        FloatVector y = FloatVector.fromArray(SPECIES, a, off + i).sub(max).mul(scale);
        FloatVector tm = y.mul(LOG2E).add(MAGIC);
        FloatVector n = tm.sub(MAGIC);
        FloatVector f = y.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
        FloatVector p = f.mul(P0).add(P1);
        p = p.mul(f).add(P2);
        p = p.mul(f).add(P3);
        p = p.mul(f).add(P4);
        p = p.mul(f).add(P5);
        FloatVector r = p.mul(f.mul(f)).add(f).add(ONE);
        FloatVector pow =
            tm.reinterpretAsInts().add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        FloatVector e = r.mul(pow).mul(TWO_POW_MINUS_64)
            .blend(ZERO, y.compare(VectorOperators.LT, MIN_INPUT));
        FloatVector sum = acc0.add(ZERO.blend(e.mul(y), e.compare(VectorOperators.GT, 0f)));
        if (VECTORS_PER_CHUNK == 1) {
          acc0 = sum;
        } else if (VECTORS_PER_CHUNK == 2) {
          acc0 = acc1;
          acc1 = sum;
        } else {
          acc0 = acc1;
          acc1 = acc2;
          acc2 = acc3;
          acc3 = sum;
        }
      }
      acc0.intoArray(lanes, 0);
      if (VECTORS_PER_CHUNK >= 2) {
        acc1.intoArray(lanes, VECTOR_LENGTH);
      }
      if (VECTORS_PER_CHUNK == 4) {
        acc2.intoArray(lanes, 2 * VECTOR_LENGTH);
        acc3.intoArray(lanes, 3 * VECTOR_LENGTH);
      }
      ScalarKernels.addExpExponent(a, off, vectorEnd, end, max, scale, lanes);
      total += Kernels.reduceLanes(lanes);
    }
    return total;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Written like {@link #max}: four vectors per step, each with its own accumulator of the
   * largest value written, started from a load of {@code -Infinity}s. Each step checks that its
   * elements are below {@code +Infinity} (false for NaN) into a flag, without a branch, so that
   * the check never reads an element already overwritten in place. The mask of a vector is
   * its bits of the word, broadcast, ANDed with each lane's own bit and compared with 0: the same
   * operations on every JDK (no {@code VectorMask.fromLong}, which JDK 17 does not compile to
   * vector code).
   */
  @Override
  public float copyAllowed(
      float[] a, int off, int len, float scale, long[] allowedBits, float[] dst) {
    if (len < SHORT_RANGE) {
      return scalar.copyAllowed(a, off, len, scale, allowedBits, dst);
    }
    int step = 4 * VECTOR_LENGTH;
    int bound4 = len & -step;
    float max = Float.NEGATIVE_INFINITY;
    boolean valid = true;
    if (bound4 > 0) {
      // Accumulators start from loads, not from constants: a loop-carried vector that starts as a
      // constant is boxed on every iteration by C2.
      FloatVector m0 = FloatVector.fromArray(SPECIES, NEGATIVE_INFINITIES, 0);
      FloatVector m1 = FloatVector.fromArray(SPECIES, NEGATIVE_INFINITIES, 0);
      FloatVector m2 = FloatVector.fromArray(SPECIES, NEGATIVE_INFINITIES, 0);
      FloatVector m3 = FloatVector.fromArray(SPECIES, NEGATIVE_INFINITIES, 0);
      for (int i = 0; i < bound4; i += step) {
        long bits = allowedBits[i >>> 6] >>> (i & 63);
        FloatVector v0 = FloatVector.fromArray(SPECIES, a, off + i);
        FloatVector v1 = FloatVector.fromArray(SPECIES, a, off + i + VECTOR_LENGTH);
        FloatVector v2 = FloatVector.fromArray(SPECIES, a, off + i + 2 * VECTOR_LENGTH);
        FloatVector v3 = FloatVector.fromArray(SPECIES, a, off + i + 3 * VECTOR_LENGTH);
        valid &= v0.compare(VectorOperators.LT, POSITIVE_INFINITY)
            .and(v1.compare(VectorOperators.LT, POSITIVE_INFINITY))
            .and(v2.compare(VectorOperators.LT, POSITIVE_INFINITY))
            .and(v3.compare(VectorOperators.LT, POSITIVE_INFINITY)).allTrue();
        FloatVector y0 = v0.mul(scale).reinterpretAsInts()
            .blend(NEGATIVE_INFINITY_BITS, IntVector.broadcast(INT_SPECIES, (int) bits)
                .and(LANE_BITS).compare(VectorOperators.EQ, INT_ZERO))
            .reinterpretAsFloats();
        FloatVector y1 = v1.mul(scale).reinterpretAsInts()
            .blend(NEGATIVE_INFINITY_BITS,
                IntVector.broadcast(INT_SPECIES, (int) (bits >>> VECTOR_LENGTH))
                    .and(LANE_BITS).compare(VectorOperators.EQ, INT_ZERO))
            .reinterpretAsFloats();
        FloatVector y2 = v2.mul(scale).reinterpretAsInts()
            .blend(NEGATIVE_INFINITY_BITS,
                IntVector.broadcast(INT_SPECIES, (int) (bits >>> (2 * VECTOR_LENGTH)))
                    .and(LANE_BITS).compare(VectorOperators.EQ, INT_ZERO))
            .reinterpretAsFloats();
        FloatVector y3 = v3.mul(scale).reinterpretAsInts()
            .blend(NEGATIVE_INFINITY_BITS,
                IntVector.broadcast(INT_SPECIES, (int) (bits >>> (3 * VECTOR_LENGTH)))
                    .and(LANE_BITS).compare(VectorOperators.EQ, INT_ZERO))
            .reinterpretAsFloats();
        y0.intoArray(dst, i);
        y1.intoArray(dst, i + VECTOR_LENGTH);
        y2.intoArray(dst, i + 2 * VECTOR_LENGTH);
        y3.intoArray(dst, i + 3 * VECTOR_LENGTH);
        m0 = m0.blend(y0, y0.compare(VectorOperators.GT, m0));
        m1 = m1.blend(y1, y1.compare(VectorOperators.GT, m1));
        m2 = m2.blend(y2, y2.compare(VectorOperators.GT, m2));
        m3 = m3.blend(y3, y3.compare(VectorOperators.GT, m3));
      }
      m0 = m0.blend(m1, m1.compare(VectorOperators.GT, m0));
      m2 = m2.blend(m3, m3.compare(VectorOperators.GT, m2));
      m0 = m0.blend(m2, m2.compare(VectorOperators.GT, m0));
      m0.intoArray(lanes, 0);
      for (int j = 0; j < VECTOR_LENGTH; j++) {
        max = lanes[j] > max ? lanes[j] : max;
      }
    }
    float rest = ScalarKernels.copyAllowed(a, off, bound4, len, scale, allowedBits, dst, max);
    return valid ? rest : Float.NaN;
  }

  @Override
  public int selectTopK(float[] a, int off, int len, TopKHeap heap) {
    if (len < SHORT_RANGE) {
      return scalar.selectTopK(a, off, len, heap);
    }
    int bound4 = len & -(4 * VECTOR_LENGTH);
    float threshold = heap.threshold();
    int i = 0;
    for (; i < bound4; i += 4 * VECTOR_LENGTH) {
      // A lane is a hit, or NaN, unless it is below the threshold: one test per 4 vectors.
      VectorMask<Float> below0 = FloatVector.fromArray(SPECIES, a, off + i)
          .compare(VectorOperators.LT, threshold);
      VectorMask<Float> below1 = FloatVector.fromArray(SPECIES, a, off + i + VECTOR_LENGTH)
          .compare(VectorOperators.LT, threshold);
      VectorMask<Float> below2 = FloatVector.fromArray(SPECIES, a, off + i + 2 * VECTOR_LENGTH)
          .compare(VectorOperators.LT, threshold);
      VectorMask<Float> below3 = FloatVector.fromArray(SPECIES, a, off + i + 3 * VECTOR_LENGTH)
          .compare(VectorOperators.LT, threshold);
      if (below0.and(below1).and(below2.and(below3)).allTrue()) {
        continue;
      }
      if (MASK_TO_LONG_INTRINSIC) {
        long bits = ~(below0.toLong() | below1.toLong() << VECTOR_LENGTH
            | below2.toLong() << (2 * VECTOR_LENGTH)
            | below3.toLong() << (3 * VECTOR_LENGTH)) & FOUR_VECTORS_BITS;
        for (; bits != 0; bits &= bits - 1) {
          int p = i + Long.numberOfTrailingZeros(bits);
          float x = a[off + p];
          if (x >= threshold) {
            heap.offer(x, p);
            threshold = heap.threshold();
          } else if (x != x) {
            return p;
          }
        }
      } else {
        // Each vector with a hit from its first hit: the threshold only rises, so the lanes
        // before it still fail. (A mask passed to a method would be boxed on JDK 17.) The scalar
        // walk is called only for vectors with a hit, and called directly: behind a helper, C2
        // could compile the helper on its own, too big to inline, and then pay a call for every
        // vector of every block with a hit.
        int first0 = below0.not().firstTrue();
        int first1 = below1.not().firstTrue();
        int first2 = below2.not().firstTrue();
        int first3 = below3.not().firstTrue();
        int nan = -1;
        if (first0 < VECTOR_LENGTH) {
          nan = ScalarKernels.selectTopK(a, off, i + first0, i + VECTOR_LENGTH, heap);
        }
        if (nan < 0 && first1 < VECTOR_LENGTH) {
          nan = ScalarKernels.selectTopK(
              a, off, i + VECTOR_LENGTH + first1, i + 2 * VECTOR_LENGTH, heap);
        }
        if (nan < 0 && first2 < VECTOR_LENGTH) {
          nan = ScalarKernels.selectTopK(
              a, off, i + 2 * VECTOR_LENGTH + first2, i + 3 * VECTOR_LENGTH, heap);
        }
        if (nan < 0 && first3 < VECTOR_LENGTH) {
          nan = ScalarKernels.selectTopK(
              a, off, i + 3 * VECTOR_LENGTH + first3, i + 4 * VECTOR_LENGTH, heap);
        }
        if (nan >= 0) {
          return nan;
        }
        threshold = heap.threshold();
      }
    }
    return ScalarKernels.selectTopK(a, off, i, len, heap);
  }

  @Override
  public void logSoftmax(
      float[] a, int off, int len, float max, float scale, float logSum, float[] out) {
    if (len < SHORT_RANGE) {
      scalar.logSoftmax(a, off, len, max, scale, logSum, out);
      return;
    }
    FloatVector maxVector = FloatVector.broadcast(SPECIES, max);
    FloatVector scaleVector = FloatVector.broadcast(SPECIES, scale);
    FloatVector logSumVector = FloatVector.broadcast(SPECIES, logSum);
    int bound = SPECIES.loopBound(len);
    int i = 0;
    for (; i < bound; i += VECTOR_LENGTH) {
      FloatVector.fromArray(SPECIES, a, off + i).sub(maxVector).mul(scaleVector).sub(logSumVector)
          .intoArray(out, i);
    }
    ScalarKernels.logSoftmax(a, off, i, len, max, scale, logSum, out);
  }

  @Override
  public void multiply(float[] e, int len, float factor) {
    if (len < SHORT_RANGE) {
      scalar.multiply(e, len, factor);
      return;
    }
    FloatVector factorVector = FloatVector.broadcast(SPECIES, factor);
    int bound = SPECIES.loopBound(len);
    int i = 0;
    for (; i < bound; i += VECTOR_LENGTH) {
      FloatVector.fromArray(SPECIES, e, i).mul(factorVector).intoArray(e, i);
    }
    ScalarKernels.multiply(e, i, len, factor);
  }
}
