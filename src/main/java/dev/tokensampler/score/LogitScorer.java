package dev.tokensampler.score;

import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.kernel.TopKHeap;
import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * Scores tokens under rows of logits with the samplers' kernels: for a matrix {@code [T, V]} in
 * row-major order (an array or a buffer) and the token at each row, fills a {@link SequenceScores}
 * with each token's raw log-probability and rank, the top alternatives and the log-probabilities
 * of extra ids; writes one row's whole log-distribution and returns its entropy.
 *
 * <p>Row {@code t} of the matrix is the distribution the token at index {@code t} is scored
 * under. For a causal model's output over a sequence {@code s_0 .. s_T}, row {@code t} predicts
 * {@code s_(t+1)}: score rows {@code 0 .. T-1} against tokens {@code s_1 .. s_T}.
 *
 * <p><b>Input rule</b>, as for sampling: every logit finite or {@code -Infinity}, at least one
 * finite per row; token ids in {@code [0, V)}. A violation throws an
 * {@link IllegalArgumentException} naming the value as {@code logits[row][position]}, before anything of
 * that row is written (rows before it are written).
 *
 * <p>Allocates its scratch once for the vocabulary size (the alternatives' scratch on first use);
 * scoring allocates nothing per row. Not thread-safe: one scorer per thread.
 */
public final class LogitScorer {
  /** The most alternatives per position a {@link SequenceScores} may ask for. */
  public static final int MAX_TOP_N = 1024;

  private final int vocabularySize;
  private final Kernels kernels;
  private final TopKHeap heap = new TopKHeap();
  private final float[] blockSums;
  private float[] rowCopy;
  private int[] heldIds;
  private float[] heldValues;
  private float rowMax;
  private float rowLogSum;
  private double rowSum;

  /**
   * A scorer for rows of {@code vocabularySize} logits.
   *
   * @param vocabularySize V, at least 1
   * @throws IllegalArgumentException if {@code vocabularySize < 1}
   */
  public LogitScorer(int vocabularySize) {
    this(vocabularySize, KernelProvider.newKernels());
  }

  /** A scorer on given kernels (tests compare the implementations). */
  LogitScorer(int vocabularySize, Kernels kernels) {
    this.kernels = kernels;
    if (vocabularySize < 1) {
      throw new IllegalArgumentException("vocabularySize must be at least 1, got " + vocabularySize);
    }
    this.vocabularySize = vocabularySize;
    this.blockSums = new float[(vocabularySize + Kernels.BLOCK - 1) / Kernels.BLOCK];
  }

  /** @return V */
  public int vocabularySize() {
    return vocabularySize;
  }

  /**
   * Scores {@code positions} rows of an array.
   *
   * @param logits the matrix, row {@code t} at {@code logits[offset + t * V, offset + (t+1) * V)}
   * @param offset the index of row 0's first logit
   * @param tokens the token of row {@code t} at {@code tokens[tokensOffset + t]}
   * @param tokensOffset the index of row 0's token
   * @param positions the number of rows, {@code 1 <= positions <= out.capacity()}
   * @param out receives the scores; its {@code positions()} becomes {@code positions}
   * @throws NullPointerException if an argument is null
   * @throws IndexOutOfBoundsException if a range lies outside its array
   * @throws IllegalArgumentException for a bad count, logit or token id
   */
  public void score(float[] logits, int offset, int[] tokens, int tokensOffset, int positions,
      SequenceScores out) {
    Objects.requireNonNull(logits, "logits");
    checkCall(tokens, tokensOffset, positions, out);
    Objects.checkFromIndexSize(offset, (long) positions * vocabularySize > Integer.MAX_VALUE
        ? Integer.MAX_VALUE : positions * vocabularySize, logits.length);
    out.rows = 0;
    for (int t = 0; t < positions; t++) {
      scoreRow(logits, offset + t * vocabularySize, t, tokens[tokensOffset + t], out);
      out.rows = t + 1;
    }
  }

  /**
   * Scores {@code positions} rows of a buffer, from absolute index {@code index}; the buffer's
   * position and limit are not used or changed. A buffer without an accessible array (a direct
   * buffer) is copied one row at a time into a scratch array.
   *
   * @param logits the matrix, row {@code t} from absolute index {@code index + t * V}
   * @param index the absolute index of row 0's first logit
   * @param tokens the tokens, as for {@link #score(float[], int, int[], int, int, SequenceScores)}
   * @param tokensOffset the index of row 0's token
   * @param positions the number of rows
   * @param out receives the scores
   * @throws NullPointerException if an argument is null
   * @throws IndexOutOfBoundsException if a range lies outside its buffer or array
   * @throws IllegalArgumentException for a bad count, logit or token id
   */
  public void score(FloatBuffer logits, int index, int[] tokens, int tokensOffset, int positions,
      SequenceScores out) {
    Objects.requireNonNull(logits, "logits");
    checkCall(tokens, tokensOffset, positions, out);
    Objects.checkFromIndexSize(index, (long) positions * vocabularySize > Integer.MAX_VALUE
        ? Integer.MAX_VALUE : positions * vocabularySize, logits.capacity());
    if (logits.hasArray()) {
      score(logits.array(), logits.arrayOffset() + index, tokens, tokensOffset, positions, out);
      return;
    }
    out.rows = 0;
    for (int t = 0; t < positions; t++) {
      float[] row = copy(logits, index + t * vocabularySize);
      scoreRow(row, 0, t, tokens[tokensOffset + t], out);
      out.rows = t + 1;
    }
  }

  /**
   * The raw log-probability of one token under one row.
   *
   * @param logits the row at {@code logits[offset, offset + V)}
   * @param offset the index of its first logit
   * @param token the token id, {@code 0 <= token < V}
   * @return the log-probability, equal to {@code Softmax.logProbabilities(row, 1)[token]}
   * @throws IllegalArgumentException for bad logits or a bad token id
   */
  public float logprob(float[] logits, int offset, int token) {
    Objects.requireNonNull(logits, "logits");
    Objects.checkFromIndexSize(offset, vocabularySize, logits.length);
    checkToken(token, "token", 0);
    normalize(logits, offset, 0);
    return rowLogprob(logits[offset + token]);
  }

  /**
   * Writes the raw log-distribution of one row (the log-softmax at temperature 1, equal to
   * {@link dev.tokensampler.Softmax#logProbabilities} bit for bit) and returns its Shannon
   * entropy {@code H = ln S - (sum_i w_i y_i) / S} in nats, with {@code y_i = x_i - max},
   * {@code w_i = exp(y_i)} and {@code S} their sum, computed as the entropy-based stages compute
   * it.
   *
   * @param logits the row at {@code logits[offset, offset + V)}
   * @param offset the index of its first logit
   * @param out receives V log-probabilities at {@code out[0, V)}
   * @return the entropy, at least 0 up to rounding
   * @throws NullPointerException if an array is null
   * @throws IndexOutOfBoundsException if {@code out} is shorter than V or the row lies outside
   *     {@code logits}
   * @throws IllegalArgumentException for bad logits
   */
  public double logDistribution(float[] logits, int offset, float[] out) {
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(out, "out");
    Objects.checkFromIndexSize(offset, vocabularySize, logits.length);
    Objects.checkFromIndexSize(0, vocabularySize, out.length);
    normalize(logits, offset, 0);
    kernels.logSoftmax(logits, offset, vocabularySize, rowMax, 1f, rowLogSum, out);
    return entropyOfRow(logits, offset);
  }

  /**
   * As {@link #logDistribution(float[], int, float[])} for a row of a buffer at absolute index
   * {@code index}.
   *
   * @param logits the buffer
   * @param index the absolute index of the row's first logit
   * @param out receives V log-probabilities
   * @return the entropy in nats
   * @throws NullPointerException if an argument is null
   * @throws IndexOutOfBoundsException if a range lies outside its buffer or array
   * @throws IllegalArgumentException for bad logits
   */
  public double logDistribution(FloatBuffer logits, int index, float[] out) {
    Objects.requireNonNull(logits, "logits");
    Objects.checkFromIndexSize(index, vocabularySize, logits.capacity());
    if (logits.hasArray()) {
      return logDistribution(logits.array(), logits.arrayOffset() + index, out);
    }
    return logDistribution(copy(logits, index), 0, out);
  }

  /**
   * The Shannon entropy, in nats, of the softmax of one row, as
   * {@link #logDistribution(float[], int, float[])} returns it, without writing the distribution.
   *
   * @param logits the row at {@code logits[offset, offset + V)}
   * @param offset the index of its first logit
   * @return the entropy
   * @throws IllegalArgumentException for bad logits
   */
  public double entropy(float[] logits, int offset) {
    Objects.requireNonNull(logits, "logits");
    Objects.checkFromIndexSize(offset, vocabularySize, logits.length);
    normalize(logits, offset, 0);
    return entropyOfRow(logits, offset);
  }

  private double entropyOfRow(float[] logits, int offset) {
    return Math.log(rowSum)
        - kernels.expExponentSum(logits, offset, vocabularySize, rowMax, 1f) / rowSum;
  }

  private void checkCall(int[] tokens, int tokensOffset, int positions, SequenceScores out) {
    Objects.requireNonNull(tokens, "tokens");
    Objects.requireNonNull(out, "out");
    if (positions < 1 || positions > out.capacity()) {
      throw new IllegalArgumentException("positions must be in [1, " + out.capacity()
          + "] (the holder's capacity), got " + positions);
    }
    Objects.checkFromIndexSize(tokensOffset, positions, tokens.length);
    for (int t = 0; t < positions; t++) {
      checkToken(tokens[tokensOffset + t], "tokens", tokensOffset + t);
    }
    int[] extra = out.extraIds();
    for (int j = 0; j < extra.length; j++) {
      if (extra[j] >= vocabularySize) {
        throw new IllegalArgumentException("extraIds[" + j + "] must be below the vocabulary size "
            + vocabularySize + ", got " + extra[j]);
      }
    }
  }

  private void checkToken(int token, String name, int index) {
    if (token < 0 || token >= vocabularySize) {
      throw new IllegalArgumentException(name + (name.equals("token") ? "" : "[" + index + "]")
          + " must be a token id in [0, " + vocabularySize + "), got " + token);
    }
  }

  private float[] copy(FloatBuffer logits, int index) {
    if (rowCopy == null) {
      rowCopy = new float[vocabularySize];
    }
    logits.get(index, rowCopy, 0, vocabularySize);
    return rowCopy;
  }

  /** The maximum, the sum of exponentials and its logarithm of one row, as the samplers have. */
  private void normalize(float[] a, int off, int row) {
    int n = vocabularySize;
    float max = kernels.max(a, off, n);
    if (max != max || max == Float.POSITIVE_INFINITY || max == Float.NEGATIVE_INFINITY) {
      throw LogitCheck.invalidRow(a, off, n, row, max);
    }
    rowSum = kernels.expSum(a, off, n, max, 1f, null, blockSums);
    rowMax = max;
    rowLogSum = (float) Math.log(rowSum);
  }

  private float rowLogprob(float logit) {
    return (logit - rowMax) - rowLogSum;
  }

  private void scoreRow(float[] a, int off, int row, int token, SequenceScores out) {
    normalize(a, off, row);
    int n = vocabularySize;
    float lp = rowLogprob(a[off + token]);
    out.logprobs[row] = lp;
    out.ranks[row] = rank(a, off, n, lp);
    int[] extra = out.extraIds();
    int base = row * extra.length;
    for (int j = 0; j < extra.length; j++) {
      out.extraLogprobs[base + j] = rowLogprob(a[off + extra[j]]);
    }
    int topN = out.topN();
    out.topCounts[row] = 0;
    if (topN == 0) {
      return;
    }
    heap.reset(topN, n);
    kernels.selectTopK(a, off, n, heap);
    int held = heap.count();
    if (heldIds == null || heldIds.length < n) {
      heldIds = new int[n];
      heldValues = new float[n];
    }
    heap.copyTo(heldIds, heldValues);
    int from = row * topN;
    int count = 0;
    for (int i = 0; i < held; i++) {
      count = insert(out.topIds, out.topLogprobs, from, topN, count, heldIds[i],
          rowLogprob(heldValues[i]));
    }
    out.topCounts[row] = count;
  }

  /** The number of tokens whose log-probability (as reported) is at least {@code lp}. */
  private int rank(float[] a, int off, int n, float lp) {
    float max = rowMax;
    float logSum = rowLogSum;
    int count = 0;
    for (int i = 0; i < n; i++) {
      if ((a[off + i] - max) - logSum >= lp) {
        count++;
      }
    }
    return count;
  }

  /**
   * Inserts {@code (id, key)} into {@code ids/keys[from, from + count)}, kept in decreasing key
   * order with ties by increasing id, holding at most {@code capacity}; the new count.
   */
  private static int insert(int[] ids, float[] keys, int from, int capacity, int count, int id,
      float key) {
    int slot = count;
    while (slot > 0 && (key > keys[from + slot - 1]
        || (key == keys[from + slot - 1] && id < ids[from + slot - 1]))) {
      slot--;
    }
    if (slot >= capacity) {
      return count;
    }
    int end = Math.min(count, capacity - 1);
    System.arraycopy(ids, from + slot, ids, from + slot + 1, end - slot);
    System.arraycopy(keys, from + slot, keys, from + slot + 1, end - slot);
    ids[from + slot] = id;
    keys[from + slot] = key;
    return Math.min(count + 1, capacity);
  }
}
