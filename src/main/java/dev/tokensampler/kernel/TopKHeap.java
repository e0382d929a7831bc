package dev.tokensampler.kernel;

/**
 * Selection state for top-k with ties: a min-heap of the k largest values seen so far and a list
 * of the other positions whose value equals the heap's minimum.
 *
 * <p>After every position of a range has been {@linkplain #offer offered} in increasing order,
 * the heap and the tie list hold exactly the positions whose value is at least the k-th largest
 * value (Hugging Face's top-k rule: every token tied with the k-th is kept). {@code -Infinity} is
 * never kept. The result depends only on the sequence of offers, so scalar and vector kernels that
 * offer the same positions in the same order end in the same state. Reused across calls; grows
 * once, then allocates nothing. Not thread-safe.
 */
public final class TopKHeap {
  private float[] values = new float[0];
  private int[] positions = new int[0];
  private int[] ties = new int[0];
  private int k;
  private int size;
  private int tieCount;

  /**
   * Empties the heap for a new selection.
   *
   * @param k how many values to keep, at least 1
   * @param maxPositions the length of the range that will be offered (bounds the tie list)
   */
  public void reset(int k, int maxPositions) {
    if (values.length < k) {
      values = new float[k];
      positions = new int[k];
    }
    if (ties.length < maxPositions) {
      ties = new int[maxPositions];
    }
    this.k = k;
    this.size = 0;
    this.tieCount = 0;
  }

  /**
   * The smallest value that can still enter: {@code -Float.MAX_VALUE} until k values are held,
   * then the heap's minimum. Kernels may skip any value below it.
   *
   * @return the current threshold
   */
  public float threshold() {
    return size < k ? -Float.MAX_VALUE : values[0];
  }

  /**
   * Offers one value. Values below {@link #threshold()} and {@code -Infinity} are ignored.
   *
   * @param value the logit
   * @param position its position in the range
   */
  public void offer(float value, int position) {
    if (value == Float.NEGATIVE_INFINITY) {
      return;
    }
    if (size < k) {
      siftUp(size++, value, position);
      return;
    }
    float min = values[0];
    if (value > min) {
      int evicted = positions[0];
      siftDown(0, value, position);
      if (values[0] == min) {
        ties[tieCount++] = evicted;
      } else {
        tieCount = 0;
      }
    } else if (value == min) {
      ties[tieCount++] = position;
    }
  }

  /**
   * The number of positions held: the heap plus the ties.
   *
   * @return the count
   */
  public int count() {
    return size + tieCount;
  }

  /**
   * Copies the held positions and values: the heap first (in heap order), then the ties.
   *
   * @param outPositions receives {@link #count()} positions
   * @param outValues receives the matching values
   * @return the number of heap entries copied first; the ties follow them
   */
  public int copyTo(int[] outPositions, float[] outValues) {
    System.arraycopy(positions, 0, outPositions, 0, size);
    System.arraycopy(values, 0, outValues, 0, size);
    if (tieCount > 0) {
      float min = values[0];
      System.arraycopy(ties, 0, outPositions, size, tieCount);
      java.util.Arrays.fill(outValues, size, size + tieCount, min);
    }
    return size;
  }

  private void siftUp(int slot, float value, int position) {
    while (slot > 0) {
      int parent = (slot - 1) >>> 1;
      if (values[parent] <= value) {
        break;
      }
      values[slot] = values[parent];
      positions[slot] = positions[parent];
      slot = parent;
    }
    values[slot] = value;
    positions[slot] = position;
  }

  private void siftDown(int slot, float value, int position) {
    int half = size >>> 1;
    while (slot < half) {
      int child = 2 * slot + 1;
      int right = child + 1;
      if (right < size && values[right] < values[child]) {
        child = right;
      }
      if (value <= values[child]) {
        break;
      }
      values[slot] = values[child];
      positions[slot] = positions[child];
      slot = child;
    }
    values[slot] = value;
    positions[slot] = position;
  }
}
