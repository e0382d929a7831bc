package dev.tokensampler.kernel;

/**
 * The portable kernels: plain Java loops that define the results every other implementation must
 * reproduce bit for bit. Used when the Vector API module is absent, when the machine has no
 * vectors of at least 128 bits, or when {@value KernelProvider#KERNELS_PROPERTY} is
 * {@code scalar}.
 */
public final class ScalarKernels implements Kernels {
  private static final int NEGATIVE_INFINITY_BITS =
      Float.floatToRawIntBits(Float.NEGATIVE_INFINITY);

  private final float[] lanes = new float[LANES];

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float max(float[] a, int off, int len) {
    return max(a, off, 0, len, Float.NEGATIVE_INFINITY);
  }

  /**
   * The maximum of {@code max} and positions {@code [from, len)}; NaN if one is NaN. A zero
   * maximum is {@code +0.0} whatever the signs and order of the zeros ({@code max + 0f}).
   */
  static float max(float[] a, int off, int from, int len, float max) {
    for (int i = from; i < len; i++) {
      float x = a[off + i];
      if (x > max) {
        max = x;
      } else if (x != x) {
        return Float.NaN;
      }
    }
    return max + 0f;
  }

  @Override
  public int argmax(float[] a, int off, int len) {
    int best = 0;
    float max = a[off];
    if (max != max) {
      return -1;
    }
    for (int i = 1; i < len; i++) {
      float x = a[off + i];
      if (x > max) {
        max = x;
        best = i;
      } else if (x != x) {
        return -1 - i;
      }
    }
    return best;
  }

  @Override
  public double expSum(
      float[] a, int off, int len, float max, float scale, float[] dst, float[] blockSums) {
    double total = 0;
    int block = 0;
    for (int start = 0; start < len; start += BLOCK, block++) {
      int end = Math.min(start + BLOCK, len);
      java.util.Arrays.fill(lanes, 0f);
      addExp(a, off, start, end, max, scale, dst, lanes);
      float sum = Kernels.reduceLanes(lanes);
      blockSums[block] = sum;
      total += sum;
    }
    return total;
  }

  /**
   * Adds {@code exp((a[off + i] - max) * scale)} for {@code i} in {@code [start, end)} to lane
   * {@code i % LANES}, storing each value in {@code dst[i]} unless {@code dst} is null.
   */
  static void addExp(
      float[] a, int off, int start, int end, float max, float scale, float[] dst, float[] lanes) {
    for (int i = start; i < end; i++) {
      float e = ExpPoly.exp((a[off + i] - max) * scale);
      if (dst != null) {
        dst[i] = e;
      }
      lanes[i & (LANES - 1)] += e;
    }
  }

  /** Adds {@code e[i]} if above the threshold (else +0) to lane {@code (i - from) % LANES}. */
  static void addAbove(float[] e, int from, int start, int end, float threshold, float[] lanes) {
    for (int i = start; i < end; i++) {
      float x = e[i];
      lanes[(i - from) & (LANES - 1)] += x > threshold ? x : 0f;
    }
  }

  @Override
  public double sumAbove(float[] e, int from, int to, float threshold) {
    double total = 0;
    for (int start = from; start < to; start += BLOCK) {
      int end = Math.min(start + BLOCK, to);
      java.util.Arrays.fill(lanes, 0f);
      addAbove(e, from, start, end, threshold, lanes);
      total += Kernels.reduceLanes(lanes);
    }
    return total;
  }

  @Override
  public double sumWeightsAbove(
      float[] a, int off, int len, float max, float scale, float above, float skipBelow,
      float[] blockSums) {
    double total = 0;
    int block = 0;
    for (int start = 0; start < len; start += BLOCK, block++) {
      int end = Math.min(start + BLOCK, len);
      java.util.Arrays.fill(lanes, 0f);
      addWeightsAbove(a, off, start, end, max, scale, above, skipBelow, lanes);
      float sum = Kernels.reduceLanes(lanes);
      blockSums[block] = sum;
      total += sum;
    }
    return total;
  }

  /**
   * Adds the weight {@code exp((a[off + i] - max) * scale)} of each logit above {@code above}, for
   * {@code i} in {@code [start, end)}, to lane {@code i % LANES}; exponents below
   * {@code skipBelow} are skipped (their logits are at most {@code above}).
   */
  static void addWeightsAbove(
      float[] a, int off, int start, int end, float max, float scale, float above,
      float skipBelow, float[] lanes) {
    for (int i = start; i < end; i++) {
      float x = a[off + i];
      float y = (x - max) * scale;
      if (y >= skipBelow) {
        float e = ExpPoly.exp(y);
        lanes[i & (LANES - 1)] += x > above ? e : 0f;
      }
    }
  }

  @Override
  public double chordSumAbove(float[] a, int off, int len, float max, float scale, float above) {
    double total = 0;
    for (int start = 0; start < len; start += BLOCK) {
      int end = Math.min(start + BLOCK, len);
      java.util.Arrays.fill(lanes, 0f);
      addChordAbove(a, off, start, end, max, scale, above, lanes);
      total += Kernels.reduceLanes(lanes);
    }
    return total;
  }

  /**
   * Adds {@code ExpChord.exp((a[off + i] - max) * scale)} if {@code a[off + i] > above}, for
   * {@code i} in {@code [start, end)}, to lane {@code i % LANES}.
   */
  static void addChordAbove(
      float[] a, int off, int start, int end, float max, float scale, float above,
      float[] lanes) {
    for (int i = start; i < end; i++) {
      float x = a[off + i];
      if (x > above) {
        lanes[i & (LANES - 1)] += ExpChord.exp((x - max) * scale);
      }
    }
  }

  @Override
  public int countAbove(float[] e, int off, int len, float threshold) {
    return countAbove(e, off, 0, len, threshold);
  }

  /** The number of elements {@code e[off + i]}, {@code i} in {@code [from, len)}, above {@code threshold}. */
  static int countAbove(float[] e, int off, int from, int len, float threshold) {
    int count = 0;
    for (int i = from; i < len; i++) {
      if (e[off + i] > threshold) {
        count++;
      }
    }
    return count;
  }

  @Override
  public int selectAtLeast(float[] e, int off, int len, float threshold, int[] ids) {
    return selectAtLeast(e, off, 0, len, threshold, ids, 0);
  }

  /**
   * Appends to {@code ids[n..]} the positions {@code i} in {@code [from, len)} with
   * {@code e[off + i]} at or above the threshold.
   */
  static int selectAtLeast(
      float[] e, int off, int from, int len, float threshold, int[] ids, int n) {
    for (int i = from; i < len; i++) {
      if (e[off + i] >= threshold) {
        ids[n++] = i;
      }
    }
    return n;
  }

  @Override
  public double expExponentSum(float[] a, int off, int len, float max, float scale) {
    double total = 0;
    for (int start = 0; start < len; start += BLOCK) {
      int end = Math.min(start + BLOCK, len);
      java.util.Arrays.fill(lanes, 0f);
      addExpExponent(a, off, start, end, max, scale, lanes);
      total += Kernels.reduceLanes(lanes);
    }
    return total;
  }

  /**
   * Adds {@code e * y} (or {@code +0} where {@code e = 0}) with {@code y = (a[off + i] - max) *
   * scale}, {@code e = exp(y)}, for {@code i} in {@code [start, end)}, to lane {@code i % LANES}.
   */
  static void addExpExponent(
      float[] a, int off, int start, int end, float max, float scale, float[] lanes) {
    for (int i = start; i < end; i++) {
      float y = (a[off + i] - max) * scale;
      float e = ExpPoly.exp(y);
      lanes[i & (LANES - 1)] += e > 0f ? e * y : 0f;
    }
  }

  @Override
  public float copyAllowed(
      float[] a, int off, int len, float scale, long[] allowedBits, float[] dst) {
    return copyAllowed(a, off, 0, len, scale, allowedBits, dst, Float.NEGATIVE_INFINITY);
  }

  /**
   * {@link #copyAllowed} over positions {@code [from, len)}, whose bits start at a word boundary
   * or continue the caller's; returns the larger of {@code max} and the values written, or NaN.
   * Branch-free: an allowed element keeps the bits of its scaled value, another gets those of
   * {@code -Infinity} (a branch on a random mask would mispredict half the time).
   */
  static float copyAllowed(float[] a, int off, int from, int len, float scale, long[] allowedBits,
      float[] dst, float max) {
    boolean invalid = false;
    for (int i = from; i < len; i++) {
      float x = a[off + i];
      invalid |= !(x < Float.POSITIVE_INFINITY);
      int keep = (int) ((allowedBits[i >>> 6] << ~i) >> 63);
      int scaled = Float.floatToRawIntBits(x * scale);
      float y = Float.intBitsToFloat((scaled & keep) | (NEGATIVE_INFINITY_BITS & ~keep));
      dst[i] = y;
      max = y > max ? y : max;
    }
    return invalid ? Float.NaN : max + 0f;
  }

  @Override
  public int selectTopK(float[] a, int off, int len, TopKHeap heap) {
    return selectTopK(a, off, 0, len, heap);
  }

  /** Offers positions {@code [from, len)} to the heap; returns the first NaN position or -1. */
  static int selectTopK(float[] a, int off, int from, int len, TopKHeap heap) {
    float threshold = heap.threshold();
    for (int i = from; i < len; i++) {
      float x = a[off + i];
      if (x >= threshold) {
        heap.offer(x, i);
        threshold = heap.threshold();
      } else if (x != x) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public void logSoftmax(
      float[] a, int off, int len, float max, float scale, float logSum, float[] out) {
    logSoftmax(a, off, 0, len, max, scale, logSum, out);
  }

  /** {@link #logSoftmax} over positions {@code [from, len)}. */
  static void logSoftmax(
      float[] a, int off, int from, int len, float max, float scale, float logSum, float[] out) {
    for (int i = from; i < len; i++) {
      out[i] = ((a[off + i] - max) * scale) - logSum;
    }
  }

  @Override
  public void multiply(float[] e, int len, float factor) {
    multiply(e, 0, len, factor);
  }

  /** {@code e[i] *= factor} for {@code i} in {@code [from, len)}. */
  static void multiply(float[] e, int from, int len, float factor) {
    for (int i = from; i < len; i++) {
      e[i] *= factor;
    }
  }
}
