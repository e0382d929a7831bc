package dev.tokensampler.kernel;

/**
 * The portable kernels: plain Java loops that define the results every other implementation must
 * reproduce bit for bit. Used when the Vector API module is absent, when the machine has no
 * vectors of at least 128 bits, or when {@value KernelProvider#KERNELS_PROPERTY} is
 * {@code scalar}.
 */
public final class ScalarKernels implements Kernels {
  private final float[] lanes = new float[LANES];

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float max(float[] a, int off, int len) {
    float max = Float.NEGATIVE_INFINITY;
    for (int i = off, end = off + len; i < end; i++) {
      float x = a[i];
      if (x > max) {
        max = x;
      } else if (x != x) {
        return Float.NaN;
      }
    }
    return max;
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
      for (int i = start; i < end; i++) {
        float e = ExpPoly.exp((a[off + i] - max) * scale);
        if (dst != null) {
          dst[i] = e;
        }
        lanes[i & (LANES - 1)] += e;
      }
      float sum = Kernels.reduceLanes(lanes);
      blockSums[block] = sum;
      total += sum;
    }
    return total;
  }

  @Override
  public double sumAbove(float[] e, int from, int to, float threshold) {
    double total = 0;
    for (int start = from; start < to; start += BLOCK) {
      int end = Math.min(start + BLOCK, to);
      java.util.Arrays.fill(lanes, 0f);
      for (int i = start; i < end; i++) {
        float x = e[i];
        lanes[(i - from) & (LANES - 1)] += x > threshold ? x : 0f;
      }
      total += Kernels.reduceLanes(lanes);
    }
    return total;
  }

  @Override
  public int countAbove(float[] e, int len, float threshold) {
    int count = 0;
    for (int i = 0; i < len; i++) {
      if (e[i] > threshold) {
        count++;
      }
    }
    return count;
  }

  @Override
  public int selectAtLeast(float[] e, int len, float threshold, int[] ids) {
    int n = 0;
    for (int i = 0; i < len; i++) {
      if (e[i] >= threshold) {
        ids[n++] = i;
      }
    }
    return n;
  }

  @Override
  public int selectTopK(float[] a, int off, int len, TopKHeap heap) {
    float threshold = heap.threshold();
    for (int i = 0; i < len; i++) {
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
    for (int i = 0; i < len; i++) {
      out[i] = ((a[off + i] - max) * scale) - logSum;
    }
  }

  @Override
  public void multiply(float[] e, int len, float factor) {
    for (int i = 0; i < len; i++) {
      e[i] *= factor;
    }
  }
}
