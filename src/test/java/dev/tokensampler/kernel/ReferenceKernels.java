package dev.tokensampler.kernel;

/**
 * {@link Kernels} written directly from the interface's contract, one element at a time and
 * with the summation order spelled out as in its documentation: the definition that
 * {@link ScalarKernels} must reproduce bit for bit.
 */
final class ReferenceKernels implements Kernels {
  @Override
  public String name() {
    return "reference";
  }

  @Override
  public float max(float[] a, int off, int len) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = 0; i < len; i++) {
      if (Float.isNaN(a[off + i])) {
        return Float.NaN;
      }
    }
    for (int i = 0; i < len; i++) {
      if (a[off + i] > max) {
        max = a[off + i];
      }
    }
    return max;
  }

  @Override
  public int argmax(float[] a, int off, int len) {
    for (int i = 0; i < len; i++) {
      if (Float.isNaN(a[off + i])) {
        return -1 - i;
      }
    }
    int best = 0;
    for (int i = 1; i < len; i++) {
      if (a[off + i] > a[off + best]) {
        best = i;
      }
    }
    return best;
  }

  @Override
  public double expSum(
      float[] a, int off, int len, float max, float scale, float[] dst, float[] blockSums) {
    double total = 0;
    for (int block = 0; block * BLOCK < len; block++) {
      int start = block * BLOCK;
      float[] lanes = new float[LANES];
      for (int i = start; i < Math.min(start + BLOCK, len); i++) {
        float e = ExpPoly.exp((a[off + i] - max) * scale);
        if (dst != null) {
          dst[i] = e;
        }
        lanes[(i - start) % LANES] += e;
      }
      blockSums[block] = tree(lanes, 0, 1);
      total += blockSums[block];
    }
    return total;
  }

  @Override
  public double sumAbove(float[] e, int from, int to, float threshold) {
    double total = 0;
    for (int start = from; start < to; start += BLOCK) {
      float[] lanes = new float[LANES];
      for (int i = start; i < Math.min(start + BLOCK, to); i++) {
        if (e[i] > threshold) {
          lanes[(i - start) % LANES] += e[i];
        }
      }
      total += tree(lanes, 0, 1);
    }
    return total;
  }

  /**
   * From the contract: store the weight of every logit above {@code above} and 0 for the others,
   * then {@link #sumAbove} block by block; no skipping.
   */
  @Override
  public double sumWeightsAbove(
      float[] a, int off, int len, float max, float scale, float above, float skipBelow,
      float[] blockSums) {
    float[] weights = new float[len];
    for (int i = 0; i < len; i++) {
      weights[i] = a[off + i] > above ? ExpPoly.exp((a[off + i] - max) * scale) : 0f;
    }
    double total = 0;
    for (int start = 0, block = 0; start < len; start += BLOCK, block++) {
      blockSums[block] = (float) sumAbove(weights, start, Math.min(start + BLOCK, len), -1f);
      total += blockSums[block];
    }
    return total;
  }

  /**
   * The sum of the lanes {@code first, first + stride, ...}: the lanes 8 apart are added first,
   * then 4 apart, 2 apart and 1 apart, i.e. {@code ((l0+l8)+(l4+l12)) + ((l2+l10)+(l6+l14))}
   * plus the same for the odd lanes.
   */
  private static float tree(float[] lanes, int first, int stride) {
    if (stride == LANES) {
      return lanes[first];
    }
    return tree(lanes, first, 2 * stride) + tree(lanes, first + stride, 2 * stride);
  }

  @Override
  public int countAbove(float[] e, int off, int len, float threshold) {
    int count = 0;
    for (int i = 0; i < len; i++) {
      count += e[off + i] > threshold ? 1 : 0;
    }
    return count;
  }

  @Override
  public int selectAtLeast(float[] e, int off, int len, float threshold, int[] ids) {
    int n = 0;
    for (int i = 0; i < len; i++) {
      if (e[off + i] >= threshold) {
        ids[n] = i;
        n++;
      }
    }
    return n;
  }

  /** Lane {@code i % LANES} of each block takes {@code e * y}, or 0 where {@code e} is 0. */
  @Override
  public double expExponentSum(float[] a, int off, int len, float max, float scale) {
    double total = 0;
    for (int start = 0; start < len; start += BLOCK) {
      float[] lanes = new float[LANES];
      for (int i = start; i < Math.min(start + BLOCK, len); i++) {
        float y = (a[off + i] - max) * scale;
        float e = ExpPoly.exp(y);
        if (e != 0f) {
          lanes[i % LANES] = lanes[i % LANES] + e * y;
        } else {
          lanes[i % LANES] = lanes[i % LANES] + 0f;
        }
      }
      total += tree(lanes, 0, 1);
    }
    return total;
  }

  @Override
  public double chordSumAbove(float[] a, int off, int len, float max, float scale, float above) {
    double total = 0;
    for (int start = 0; start < len; start += BLOCK) {
      float[] lanes = new float[LANES];
      for (int i = start; i < Math.min(start + BLOCK, len); i++) {
        float x = a[off + i];
        if (x > above) {
          lanes[i % LANES] = lanes[i % LANES] + ExpChord.exp((x - max) * scale);
        }
      }
      total += tree(lanes, 0, 1);
    }
    return total;
  }

  /** Offers every position, in order, until the first {@code NaN}. */
  @Override
  public float copyAllowed(
      float[] a, int off, int len, float scale, long[] allowedBits, float[] dst) {
    float max = Float.NEGATIVE_INFINITY;
    boolean invalid = false;
    for (int i = 0; i < len; i++) {
      float x = a[off + i];
      if (Float.isNaN(x) || x == Float.POSITIVE_INFINITY) {
        invalid = true;
      }
      boolean allowed = (allowedBits[i / 64] & (1L << (i % 64))) != 0;
      dst[i] = allowed ? x * scale : Float.NEGATIVE_INFINITY;
      max = Math.max(max, dst[i]);
    }
    if (invalid) {
      return Float.NaN;
    }
    return max == 0f ? 0f : max;
  }

  @Override
  public int selectTopK(float[] a, int off, int len, TopKHeap heap) {
    for (int i = 0; i < len; i++) {
      if (Float.isNaN(a[off + i])) {
        return i;
      }
      heap.offer(a[off + i], i);
    }
    return -1;
  }

  @Override
  public void logSoftmax(
      float[] a, int off, int len, float max, float scale, float logSum, float[] out) {
    for (int i = 0; i < len; i++) {
      float scaled = (a[off + i] - max) * scale;
      out[i] = scaled - logSum;
    }
  }

  @Override
  public void multiply(float[] e, int len, float factor) {
    for (int i = 0; i < len; i++) {
      e[i] = e[i] * factor;
    }
  }
}
