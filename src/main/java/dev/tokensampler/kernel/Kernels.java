package dev.tokensampler.kernel;

/**
 * The numeric kernels that stages run over logits and probabilities.
 *
 * <p>An instance owns a few bytes of scratch and is not thread-safe: each sampler holds its own,
 * made by {@link KernelProvider#newKernels()}. Every method reads the range
 * {@code a[off, off + len)} and allocates nothing.
 *
 * <h2>Summation order</h2>
 * Every sum is taken in the same order by every implementation: the range is cut into blocks of
 * {@link #BLOCK} elements; inside a block, element {@code i} is added to float lane
 * {@code i % LANES} (lanes start at {@code +0.0f} and take their elements in index order); the
 * {@link #LANES} lanes are then added as a fixed binary tree ({@link #reduceLanes(float[])});
 * block sums are added in double, in block order. The result is independent of the SIMD width.
 *
 * <h2>NaN</h2>
 * {@link #max}, {@link #argmax}, {@link #copyAllowed} and {@link #selectTopK} detect NaN; the
 * other kernels assume the caller has already rejected it.
 */
public interface Kernels {
  /** Logical lanes of every order-sensitive sum. */
  int LANES = 16;
  /** Elements per block of a block sum; a multiple of {@link #LANES}. */
  int BLOCK = 1024;

  /**
   * A short name of this implementation for logs and benchmark reports, e.g. {@code "scalar"} or
   * {@code "vector-512"}.
   *
   * @return the name
   */
  String name();

  /**
   * The largest element, or {@code NaN} if any element is {@code NaN}. A zero maximum is
   * returned as {@code +0.0}, whatever the signs of the zeros.
   *
   * @param a the array
   * @param off the first index
   * @param len the number of elements, at least 1
   * @return the maximum, {@code -Infinity} if all are {@code -Infinity}, or {@code NaN}
   */
  float max(float[] a, int off, int len);

  /**
   * The position (relative to {@code off}) of the first largest element: ties go to the lowest
   * position. If any element is {@code NaN}, returns {@code -1 - p} where {@code p} is the
   * position of the first {@code NaN}.
   *
   * @param a the array
   * @param off the first index
   * @param len the number of elements, at least 1
   * @return the position of the maximum, or {@code -1 - p} for a {@code NaN} at {@code p}
   */
  int argmax(float[] a, int off, int len);

  /**
   * The fused softmax numerator: {@code e_i = exp((a[off + i] - max) * scale)} with
   * {@link ExpPoly}, optionally stored, with block sums and the total in the order of this
   * interface.
   *
   * @param a the logits
   * @param off the first index
   * @param len the number of elements, at least 1
   * @param max the maximum of the range (so every exponent is at most 0)
   * @param scale the positive, finite factor applied after subtracting the maximum
   * @param dst where {@code e_i} goes (at index {@code i}), or {@code null} to store nothing
   * @param blockSums receives the sum of block {@code b} at index {@code b}; length at least
   *     {@code ceil(len / BLOCK)}
   * @return the sum of all {@code e_i}
   */
  double expSum(float[] a, int off, int len, float max, float scale, float[] dst, float[] blockSums);

  /**
   * The sum of the elements of {@code e[from, to)} that are strictly greater than
   * {@code threshold}, in the order of this interface with {@code from} as the first lane.
   *
   * @param e non-negative values
   * @param from the first index, a multiple of {@link #BLOCK} when used block by block
   * @param to the end (exclusive)
   * @param threshold elements must exceed it to count
   * @return the sum
   */
  double sumAbove(float[] e, int from, int to, float threshold);

  /**
   * The sum of the weights {@code e_i = exp((a[off + i] - max) * scale)} of the elements whose
   * logit {@code a[off + i]} is strictly greater than {@code above}, without storing them: the
   * same block sums and total, to the bit, as {@link #sumAbove sumAbove(e, 0, len, -1)} over the
   * weights {@link #expSum} would store with those of the other elements set to 0. Two different
   * logits count apart even where their float weights are equal. The exponential of an element
   * whose exponent {@code (a[off + i] - max) * scale} is below {@code skipBelow} is not computed:
   * the caller guarantees that such an element's logit is at most {@code above} (so it adds
   * nothing), which lets a pass over a peaked distribution skip nearly every exponential. The
   * exponent of {@code above} itself is such a bound, since the exponent never decreases as the
   * logit grows.
   *
   * @param a the logits
   * @param off the first index
   * @param len the number of elements, at least 1
   * @param max the maximum of the range
   * @param scale the positive, finite factor applied after subtracting the maximum
   * @param above logits must exceed it for their weights to count
   * @param skipBelow exponents below it belong to logits at most {@code above}
   * @param blockSums receives the sum of block {@code b} at index {@code b}
   * @return the sum of the weights of all logits above {@code above}
   */
  double sumWeightsAbove(
      float[] a, int off, int len, float max, float scale, float above, float skipBelow,
      float[] blockSums);

  /**
   * The sum of {@link ExpChord#exp ExpChord.exp((a[off + i] - max) * scale)} over the elements
   * with {@code a[off + i] > above}, in the order of this interface: a cheap upper bound, within
   * the slack stated by {@link ExpChord}, on the weights of {@link #sumWeightsAbove} above the
   * same logit. The
   * caller guarantees {@code (above - max) * scale >= ExpChord.MIN_INPUT}, so that every counted
   * element is in the domain of {@link ExpChord#exp}.
   *
   * @param a the logits
   * @param off the first index
   * @param len the number of elements, at least 1
   * @param max the maximum of the range
   * @param scale the positive, finite factor applied after subtracting the maximum
   * @param above elements must exceed this logit to count; its exponent is at least
   *     {@code ExpChord.MIN_INPUT}
   * @return the sum
   */
  double chordSumAbove(float[] a, int off, int len, float max, float scale, float above);

  /**
   * The number of elements of {@code e[off, off + len)} strictly greater than {@code threshold}.
   *
   * @param e the values
   * @param off the first index
   * @param len the number of elements
   * @param threshold elements must exceed it to count
   * @return the count
   */
  int countAbove(float[] e, int off, int len, float threshold);

  /**
   * Writes to {@code ids} the positions {@code i < len} (relative to {@code off}) with
   * {@code e[off + i] >= threshold}, in increasing order.
   *
   * @param e the values
   * @param off the first index
   * @param len the number of elements
   * @param threshold the inclusive lower bound
   * @param ids receives the positions
   * @return how many were written
   */
  int selectAtLeast(float[] e, int off, int len, float threshold, int[] ids);

  /**
   * The sum of {@code e_i * y_i} with {@code y_i = (a[off + i] - max) * scale} and
   * {@code e_i = exp(y_i)} as in {@link #expSum}, a term counting {@code +0.0} where
   * {@code e_i = 0} (so a {@code -Infinity} logit adds nothing), in the order of this interface.
   * Divided by the sum of {@link #expSum}, it is the mean of {@code y} under the softmax, from
   * which the entropy follows: {@code H = ln(sum) - mean}.
   *
   * @param a the logits
   * @param off the first index
   * @param len the number of elements, at least 1
   * @param max the maximum of the range
   * @param scale the positive, finite factor applied after subtracting the maximum
   * @return the sum, at most 0
   */
  double expExponentSum(float[] a, int off, int len, float max, float scale);

  /**
   * Applies an allowed-token bitmask while copying and checks every element:
   * {@code dst[i] = a[off + i] * scale} if bit {@code i & 63} of {@code allowedBits[i >>> 6]} is
   * set, else {@code -Infinity}, for {@code 0 <= i < len}. Bits past {@code len} are ignored.
   * {@code dst} may be {@code a} itself when {@code off} is 0.
   *
   * @param a the logits
   * @param off the first index
   * @param len the number of elements, at least 1
   * @param scale the positive, finite factor applied to the allowed elements
   * @param allowedBits at least {@code ceil(len / 64)} words
   * @param dst receives the values at indexes {@code 0..len-1}
   * @return the largest value written ({@code +0.0} for a zero maximum, {@code -Infinity} if every
   *     value written is), or {@code NaN} if any element of the range, allowed or not, is
   *     {@code NaN} or {@code +Infinity} ({@code dst} then holds unspecified values)
   */
  float copyAllowed(float[] a, int off, int len, float scale, long[] allowedBits, float[] dst);

  /**
   * Top-k selection of the finite logits of a range into {@code heap}, which afterwards holds the
   * k largest values and every value tied with the k-th. Detects {@code NaN}.
   *
   * @param a the logits
   * @param off the first index
   * @param len the number of elements
   * @param heap the selection state, already {@link TopKHeap#reset reset} for k
   * @return -1 on success, or the position of the first {@code NaN}
   */
  int selectTopK(float[] a, int off, int len, TopKHeap heap);

  /**
   * {@code out[i] = ((a[off + i] - max) * scale) - logSum}: log-softmax from the values of
   * {@link #expSum}.
   *
   * @param a the logits
   * @param off the first index
   * @param len the number of elements
   * @param max the maximum of the range
   * @param scale the positive, finite factor
   * @param logSum the natural logarithm of the sum of exponentials, as a float
   * @param out receives the log-probabilities at indexes {@code 0..len-1}
   */
  void logSoftmax(float[] a, int off, int len, float max, float scale, float logSum, float[] out);

  /**
   * {@code e[i] *= factor} for {@code i < len}.
   *
   * @param e the values
   * @param len the number of elements
   * @param factor the multiplier
   */
  void multiply(float[] e, int len, float factor);

  /**
   * Adds the {@link #LANES} lane sums of one block as the fixed tree
   * {@code ((l0+l8)+(l4+l12)) + ((l2+l10)+(l6+l14))} and so on: lane {@code j} is first added to
   * lane {@code j + 8}, then {@code j + 4}, {@code j + 2}, {@code j + 1}.
   *
   * @param lanes sixteen lane sums; overwritten
   * @return their sum
   */
  static float reduceLanes(float[] lanes) {
    for (int half = LANES / 2; half >= 1; half >>= 1) {
      for (int j = 0; j < half; j++) {
        lanes[j] = lanes[j] + lanes[j + half];
      }
    }
    return lanes[0];
  }
}
