package dev.tokensampler.stage;

import dev.tokensampler.kernel.ExpChord;
import dev.tokensampler.kernel.ExpPoly;
import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.TopKHeap;
import dev.tokensampler.random.Seeds;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * The tokens still in play for one sampling step, with their logits: what every {@link Stage}
 * reads and changes.
 *
 * <p>A step starts with the whole vocabulary: candidate {@code i} is token {@code i}, read in
 * place from the caller's logits (nothing is copied until a stage writes). Truncating stages
 * shrink the set; once shrunk, candidates are held as compact arrays of ids and logits, and later
 * stages work on those only. The logit of candidate {@code i} is always {@link #logit(int)},
 * which includes any pending temperature ({@link #scale}).
 *
 * <p>Probabilities are the softmax of the current candidates' logits, computed when first asked
 * for with the library's fused kernels (see {@link dev.tokensampler.kernel}), so they are the same
 * on every machine with or without SIMD.
 *
 * <p><b>Input rules.</b> Logits must be finite or {@code -Infinity} (a masked token, probability
 * exactly 0). The first kernel that reads them rejects, with an {@link IllegalArgumentException}
 * naming the index and value: {@code NaN}; {@code +Infinity} (force a token with a mask or a
 * bias instead); a vocabulary where every logit is {@code -Infinity}.
 *
 * <p>An instance belongs to one sampler, is reused for every token, allocates its buffers once
 * (lazily, at most a few arrays of the vocabulary size) and is not thread-safe.
 */
public final class Candidates {
  /**
   * Relative tolerance of mass thresholds: a cumulative mass within one part in a million of the
   * target counts as reaching it, so exact-boundary cases resolve the same way despite rounding.
   */
  static final double MASS_TOLERANCE = 1e-6;

  final Kernels kernels;
  private final int vocabularySize;
  final TopKHeap heap = new TopKHeap();
  final float[] blockSums;
  /** Block sums of the weights of the logits above a floor, left by {@link #sumWeightsAbove}. */
  private final float[] aboveSums;

  // The current view: candidate i has logit logits[offset + i] * scale and id ids[i], or id i
  // when ids is null (the whole vocabulary, in order).
  float[] logits;
  int offset;
  int size;
  int[] ids;
  float scale;
  /** Logits in non-increasing order (ties in increasing id); only for explicit candidates. */
  boolean sorted;
  /** The view reads the caller's array, which must not be written. */
  private boolean borrowed;
  /** Added to a whole-vocabulary position to name the caller's index in error messages. */
  private int inputOffset;

  private float[] ownLogits;
  private float[] explicitLogits;
  private int[] explicitIds;
  /** Unnormalised probabilities {@code exp((x - max) * scale)}, by candidate position. */
  float[] weights;
  private final float[] blockWeights = new float[Kernels.BLOCK];
  private final float[] blockWeightSum = new float[1];

  private boolean maxKnown;
  private float max;
  boolean weightsKnown;
  private boolean sumKnown;
  double weightSum;

  // A pending nucleus: the smallest top set of whole-vocabulary weights reaching this mass.
  boolean nucleusPending;
  double nucleusMass;
  int nucleusMinKeep;

  private int selected = -1;

  /**
   * Candidates for a vocabulary, with the kernels picked for this JVM.
   *
   * @param vocabularySize the number of tokens, at least 1
   * @throws IllegalArgumentException if {@code vocabularySize < 1}
   */
  public Candidates(int vocabularySize) {
    this(vocabularySize, KernelProvider.newKernels());
  }

  /**
   * Candidates with explicit kernels (tests hold the scalar and vector paths to the same results).
   *
   * @param vocabularySize the number of tokens, at least 1
   * @param kernels the kernels to use, owned by this instance from now on
   * @throws IllegalArgumentException if {@code vocabularySize < 1}
   */
  public Candidates(int vocabularySize, Kernels kernels) {
    if (vocabularySize < 1) {
      throw new IllegalArgumentException("vocabularySize must be >= 1, got " + vocabularySize);
    }
    this.vocabularySize = vocabularySize;
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.blockSums = new float[(vocabularySize + Kernels.BLOCK - 1) / Kernels.BLOCK];
    this.aboveSums = new float[blockSums.length];
  }

  /**
   * Starts a step over the whole vocabulary, reading {@code logits[offset, offset + V)} in place.
   * The array is never written.
   *
   * @param logits the caller's logits
   * @param offset index of token 0
   * @throws NullPointerException if {@code logits} is null
   * @throws IndexOutOfBoundsException if the range does not fit the array
   */
  public void reset(float[] logits, int offset) {
    Objects.checkFromIndexSize(offset, vocabularySize, logits.length);
    startStep(logits, offset, true);
  }

  /**
   * Starts a step over the whole vocabulary from {@code V} floats of a buffer, starting at the
   * absolute index {@code index} (position and limit are left unchanged). A heap buffer with an
   * accessible array is read in place; any other buffer is copied once into this instance's array.
   *
   * @param logits the caller's logits
   * @param index the absolute index of token 0
   * @throws NullPointerException if {@code logits} is null
   * @throws IndexOutOfBoundsException if the V floats do not fit below the limit
   */
  public void reset(FloatBuffer logits, int index) {
    Objects.checkFromIndexSize(index, vocabularySize, logits.limit());
    if (logits.hasArray()) {
      startStep(logits.array(), logits.arrayOffset() + index, true);
    } else {
      float[] own = ownLogits();
      logits.get(index, own, 0, vocabularySize);
      startStep(own, 0, false);
    }
    inputOffset = index;
  }

  private void startStep(float[] source, int sourceOffset, boolean isBorrowed) {
    logits = source;
    offset = sourceOffset;
    inputOffset = sourceOffset;
    size = vocabularySize;
    ids = null;
    scale = 1f;
    sorted = false;
    borrowed = isBorrowed;
    maxKnown = false;
    weightsKnown = false;
    sumKnown = false;
    nucleusPending = false;
    selected = -1;
    randomTaken = false;
  }

  /**
   * The vocabulary size V: token ids are {@code 0..V-1}.
   *
   * @return V
   */
  public int vocabularySize() {
    return vocabularySize;
  }

  /**
   * Whether the candidates are still the whole vocabulary in id order (no truncation yet).
   *
   * @return true while candidate {@code i} is token {@code i} for every token
   */
  public boolean isWholeVocabulary() {
    return ids == null && !nucleusPending;
  }

  /**
   * The number of candidates.
   *
   * @return at least 1 once the logits have been validated
   */
  public int size() {
    materializeNucleus();
    return size;
  }

  /**
   * The token id of candidate {@code i}.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   * @return its token id
   */
  public int id(int i) {
    materializeNucleus();
    Objects.checkIndex(i, size);
    return ids == null ? i : ids[i];
  }

  /**
   * The logit of candidate {@code i}, with any pending temperature applied.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   * @return its logit
   */
  public float logit(int i) {
    materializeNucleus();
    Objects.checkIndex(i, size);
    return logits[offset + i] * scale;
  }

  /**
   * Sets the logit of candidate {@code i}. The first write of a step copies the caller's logits
   * (one pass over the vocabulary) and folds any pending temperature into the copy.
   *
   * <p>Writing {@code -Infinity} over a {@code NaN} or {@code +Infinity} hides it from the checks
   * that later stages and the draw make. A stage that masks tokens should call
   * {@link #maxLogit()} once before its first write: it validates the current logits and throws
   * on invalid ones, as the built-in masks do. That maximum stays known for the stages after it,
   * unless a write replaces the candidate that held it or writes a larger value (or NaN).
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   * @param value the new logit, finite or {@code -Infinity}
   */
  public void setLogit(int i, float value) {
    materializeNucleus();
    Objects.checkIndex(i, size);
    prepareWrites();
    writeLogit(i, value);
  }

  /**
   * Multiplies every logit by {@code factor} (a temperature of {@code 1 / factor}). This costs
   * nothing: the factor is applied inside the softmax kernel. Factors accumulate; if their product
   * overflows a float, the largest logit is selected (the zero-temperature limit), and if it
   * underflows to 0, the smallest positive float is used (the infinite-temperature limit: uniform
   * over the unmasked candidates).
   *
   * @param factor a positive finite factor
   * @throws IllegalArgumentException if {@code factor} is not positive and finite
   */
  public void scale(float factor) {
    if (!(factor > 0f) || factor == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("factor must be positive and finite, got " + factor);
    }
    materializeNucleus();
    float product = scale * factor;
    if (product == Float.POSITIVE_INFINITY) {
      selectMax();
      return;
    }
    scale = product == 0f ? Float.MIN_VALUE : product;
    invalidateWeights();
  }

  /**
   * The probability of candidate {@code i}: the softmax over the current candidates.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   * @return its probability in {@code [0, 1]}
   */
  public float probability(int i) {
    materializeNucleus();
    Objects.checkIndex(i, size);
    ensureWeights();
    return (float) (weights[i] / weightSum);
  }

  /**
   * The largest logit, with any pending temperature applied. The first call of a step validates
   * the current logits (one SIMD pass on the whole vocabulary).
   *
   * @return the maximum
   * @throws IllegalArgumentException if a logit is NaN or +Infinity, or every logit is -Infinity
   */
  public float maxLogit() {
    materializeNucleus();
    return rawMax() * scale;
  }

  /**
   * Writes the probability of every candidate, in candidate order, into {@code out}.
   *
   * @param out at least {@link #size()} floats
   */
  public void writeProbabilities(float[] out) {
    materializeNucleus();
    Objects.checkFromIndexSize(0, size, out.length);
    if (selected >= 0) {
      java.util.Arrays.fill(out, 0, size, 0f);
      out[selectedPosition()] = 1f;
      return;
    }
    double sum = kernels.expSum(logits, offset, size, rawMax(), scale, out, blockSums);
    kernels.multiply(out, size, (float) (1.0 / sum));
  }

  /**
   * Writes the natural log-probability of every candidate, in candidate order, into {@code out}:
   * {@code logit - max - ln(sum of exp)}, computed without rounding tiny probabilities to 0.
   * Masked tokens get {@code -Infinity}.
   *
   * @param out at least {@link #size()} floats
   */
  public void writeLogProbabilities(float[] out) {
    materializeNucleus();
    Objects.checkFromIndexSize(0, size, out.length);
    if (selected >= 0) {
      java.util.Arrays.fill(out, 0, size, Float.NEGATIVE_INFINITY);
      out[selectedPosition()] = 0f;
      return;
    }
    ensureSum();
    kernels.logSoftmax(logits, offset, size, rawMax(), scale, (float) Math.log(weightSum), out);
  }

  /**
   * Chooses the token: later stages are skipped and the sampler returns it.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   */
  public void select(int i) {
    materializeNucleus();
    Objects.checkIndex(i, size);
    selected = ids == null ? i : ids[i];
  }

  /**
   * Selects the candidate with the largest logit; ties go to the lowest token id. One SIMD pass
   * on the whole vocabulary.
   *
   * @throws IllegalArgumentException if a candidate's logit is NaN or +Infinity, or every
   *     candidate's logit is -Infinity
   */
  public void selectMax() {
    materializeNucleus();
    if (ids == null) {
      int p = kernels.argmax(logits, offset, size);
      if (p < 0) {
        throw nanAt(-1 - p);
      }
      checkMax(logits[offset + p]);
      maxKnown = true;
      max = logits[offset + p];
      selected = p;
      return;
    }
    rawMax();
    int best = 0;
    for (int i = 1; i < size; i++) {
      float x = logits[offset + i];
      float m = logits[offset + best];
      if (x > m || (x == m && ids[i] < ids[best])) {
        best = i;
      }
    }
    selected = ids[best];
  }

  /**
   * Whether a token has been selected in this step.
   *
   * @return true after {@link #select} or {@link #selectMax}
   */
  public boolean isSelected() {
    return selected >= 0;
  }

  /**
   * The selected token id.
   *
   * @return the token id, or -1 if none is selected
   */
  public int selectedId() {
    return selected;
  }

  /**
   * Draws a token from the probabilities of the candidates, as the last step of a chain.
   *
   * <p>The draw inverts the cumulative distribution at {@code u = (randomBits >>> 11) * 2^-53}:
   * it returns the first candidate, in candidate order, whose cumulative weight exceeds
   * {@code u} times the total, adding weights by blocks of {@link Kernels#BLOCK} in the kernels'
   * order. A pending nucleus ({@link TopP} on the whole vocabulary) is resolved by rejection:
   * a token drawn outside it raises the floor and the draw repeats with values derived from
   * {@code randomBits}, which yields exactly the renormalised nucleus distribution without sorting.
   * If a token is already selected, it is returned.
   *
   * @param randomBits 64 uniformly random bits
   * @return the token id
   */
  public int draw(long randomBits) {
    if (selected >= 0) {
      return selected;
    }
    if (nucleusPending) {
      return ids(NucleusDraw.draw(this, randomBits));
    }
    ensureSum();
    double target = Seeds.uniform(randomBits) * weightSum;
    return ids(locate(target));
  }

  /** Validates the logits if no kernel has read them yet in this step. */
  public void validate() {
    if (selected < 0) {
      rawMax();
    }
  }

  private int ids(int position) {
    return ids == null ? position : ids[position];
  }

  private int selectedPosition() {
    if (ids == null) {
      return selected;
    }
    for (int i = 0; i < size; i++) {
      if (ids[i] == selected) {
        return i;
      }
    }
    throw new IllegalStateException("selected token " + selected + " is not a candidate");
  }

  // ---- package-private machinery for the built-in stages ----

  /** The maximum raw logit (before scale), validating the input on first use. */
  float rawMax() {
    if (!maxKnown) {
      float m = kernels.max(logits, offset, size);
      if (m != m) {
        throw nanAt(firstNaN());
      }
      checkMax(m);
      max = m;
      maxKnown = true;
    }
    return max;
  }

  private int firstNaN() {
    for (int i = 0; i < size; i++) {
      if (Float.isNaN(logits[offset + i])) {
        return i;
      }
    }
    throw new IllegalStateException("no NaN found");
  }

  private void checkMax(float m) {
    if (m == Float.POSITIVE_INFINITY) {
      int p = 0;
      while (logits[offset + p] != Float.POSITIVE_INFINITY) {
        p++;
      }
      throw new IllegalArgumentException(
          "logits[" + inputIndex(p) + "] is +Infinity; logits must be finite or -Infinity"
              + " (to force a token, mask the others with -Infinity)");
    }
    if (m == Float.NEGATIVE_INFINITY) {
      throw new IllegalArgumentException(
          "every logit is -Infinity: at least one token must be allowed");
    }
  }

  IllegalArgumentException nanAt(int position) {
    return new IllegalArgumentException(
        "logits[" + inputIndex(position) + "] is NaN; logits must be finite or -Infinity");
  }

  private int inputIndex(int position) {
    return ids == null ? position + inputOffset : ids[position];
  }

  /** Ensures {@link #weights} holds the unnormalised probabilities of the current view. */
  void ensureWeights() {
    if (!weightsKnown) {
      float[] w = weights();
      weightSum = kernels.expSum(logits, offset, size, rawMax(), scale, w, blockSums);
      weightsKnown = true;
      sumKnown = true;
    }
  }

  /** Ensures {@link #weightSum} and {@link #blockSums} describe the current view. */
  void ensureSum() {
    if (!sumKnown) {
      weightSum = kernels.expSum(logits, offset, size, rawMax(), scale, null, blockSums);
      sumKnown = true;
    }
  }

  /**
   * The first position whose cumulative weight exceeds {@code target}, adding block sums (in
   * double) and then the weights of one block (in double, in order). A target at or past the
   * total, which rounding can produce, gives the last candidate of positive weight.
   */
  int locate(double target) {
    int blocks = (size + Kernels.BLOCK - 1) / Kernels.BLOCK;
    double cumulative = 0;
    int block = 0;
    for (; block < blocks - 1; block++) {
      double next = cumulative + blockSums[block];
      if (target < next) {
        break;
      }
      cumulative = next;
    }
    int start = block * Kernels.BLOCK;
    int end = Math.min(start + Kernels.BLOCK, size);
    float[] w = weightsOfBlock(start, end);
    int base = weightsKnown ? 0 : start;
    for (int i = start; i < end; i++) {
      float x = w[i - base];
      if (x > 0f) {
        cumulative += x;
        if (target < cumulative) {
          return i;
        }
      }
    }
    // Rounding put the target at or past the total: take the last candidate of positive weight.
    for (; block >= 0; block--) {
      if (blockSums[block] > 0f) {
        start = block * Kernels.BLOCK;
        end = Math.min(start + Kernels.BLOCK, size);
        w = weightsOfBlock(start, end);
        base = weightsKnown ? 0 : start;
        for (int i = end - 1; i >= start; i--) {
          if (w[i - base] > 0f) {
            return i;
          }
        }
      }
    }
    throw new IllegalStateException("no candidate has a positive weight");
  }

  /**
   * The exponent {@code (x - max) * scale} of the weight of a position, as the kernels compute it.
   */
  float exponentOf(int position) {
    return (logits[offset + position] - rawMax()) * scale;
  }

  /**
   * The sum of the weights of the logits above {@code floor}, a logit without the pending scale
   * (see {@link Kernels#sumWeightsAbove}); leaves the block sums for {@link #locateAbove} with the
   * same floor.
   */
  double sumWeightsAbove(float floor, float skipBelow) {
    return kernels.sumWeightsAbove(
        logits, offset, size, rawMax(), scale, floor, skipBelow, aboveSums);
  }

  /**
   * An upper bound on the weights strictly above that of {@code position}, from the cheap
   * exponential of {@link Kernels#chordSumAbove}: at least the sum {@link #sumWeightsAbove} would
   * return for that weight. Zero, with no pass, for the largest logit; infinite when the
   * position's exponent is below the approximation's domain ({@link ExpChord#MIN_INPUT}).
   */
  double chordBoundAbove(int position) {
    float x = logits[offset + position];
    if (x == rawMax()) {
      return 0;
    }
    if (!(exponentOf(position) >= ExpChord.MIN_INPUT)) {
      return Double.POSITIVE_INFINITY;
    }
    return kernels.chordSumAbove(logits, offset, size, rawMax(), scale, x) * (1 + ExpChord.SLACK);
  }

  /**
   * Like {@link #locate}, over the positions whose logit (without the pending scale) is above
   * {@code floor} only: needs the block sums of the last {@link #sumWeightsAbove} with that floor.
   * A target at or past their total, which rounding can produce, gives the last position above
   * the floor.
   */
  int locateAbove(double target, float floor) {
    int blocks = (size + Kernels.BLOCK - 1) / Kernels.BLOCK;
    double cumulative = 0;
    for (int block = 0; block < blocks; block++) {
      double blockSum = aboveSums[block];
      if (target < cumulative + blockSum) {
        int start = block * Kernels.BLOCK;
        int end = Math.min(start + Kernels.BLOCK, size);
        float[] w = weightsOfBlock(start, end);
        int base = weightsKnown ? 0 : start;
        int last = -1;
        for (int i = start; i < end; i++) {
          if (logits[offset + i] > floor) {
            last = i;
            cumulative += w[i - base];
            if (target < cumulative) {
              return i;
            }
          }
        }
        return last;
      }
      cumulative += blockSum;
    }
    for (int block = blocks - 1; block >= 0; block--) {
      if (aboveSums[block] > 0f) {
        int start = block * Kernels.BLOCK;
        int end = Math.min(start + Kernels.BLOCK, size);
        for (int i = end - 1; i >= start; i--) {
          if (logits[offset + i] > floor) {
            return i;
          }
        }
      }
    }
    throw new IllegalStateException("no weight above " + floor);
  }

  /**
   * The weights of positions {@code [start, end)} of one block: the stored weights (indexed by
   * position) if known, else recomputed by the kernel into a block-sized scratch (indexed from
   * {@code start}); elementwise, so the values are the same either way.
   */
  private float[] weightsOfBlock(int start, int end) {
    if (weightsKnown) {
      return weights;
    }
    kernels.expSum(logits, offset + start, end - start, max, scale, blockWeights, blockWeightSum);
    return blockWeights;
  }

  float[] weights() {
    if (weights == null) {
      weights = new float[vocabularySize];
    }
    return weights;
  }

  private float[] ownLogits() {
    if (ownLogits == null) {
      ownLogits = new float[vocabularySize];
    }
    return ownLogits;
  }

  /** Makes the view writable: copies borrowed logits and folds the pending scale. */
  private void makeWritable() {
    if (borrowed) {
      float[] own = ownLogits();
      System.arraycopy(logits, offset, own, 0, size);
      logits = own;
      offset = 0;
      borrowed = false;
    }
    if (scale != 1f) {
      kernels.multiply(logits, size, scale);
      // Rounding is monotone and the scale positive, so the largest product is the product of
      // the largest logit, unless it overflowed (which a new pass reports).
      max *= scale;
      maxKnown &= max != Float.POSITIVE_INFINITY;
      scale = 1f;
    }
  }

  private void invalidate() {
    maxKnown = false;
    invalidateWeights();
  }

  private void invalidateWeights() {
    weightsKnown = false;
    sumKnown = false;
  }

  /**
   * Replaces the view with explicit candidates: {@code count} ids and raw logits (before scale)
   * that the caller has written into {@link #explicitIds()} and {@link #explicitLogits()}.
   */
  void useExplicit(int count, boolean isSorted) {
    if (ids != null) {
      throw new IllegalStateException("explicit candidates are built from the whole vocabulary");
    }
    logits = explicitLogits();
    offset = 0;
    ids = explicitIds;
    size = count;
    sorted = isSorted;
    borrowed = false;
    invalidate();
  }

  /** Shrinks explicit candidates to their first {@code count} (the order is kept). */
  void truncate(int count) {
    if (count < size) {
      size = count;
      invalidate();
    }
  }

  int[] explicitIds() {
    if (explicitIds == null) {
      explicitIds = new int[vocabularySize];
    }
    return explicitIds;
  }

  float[] explicitLogits() {
    if (explicitLogits == null) {
      explicitLogits = new float[vocabularySize];
    }
    return explicitLogits;
  }

  /**
   * Sorts explicit candidates by logit, largest first, ties by increasing id.
   */
  void sortExplicit() {
    if (!sorted) {
      ByLogitSort.sort(logits, ids, size);
      sorted = true;
      weightsKnown = false;
    }
  }

  /** Turns a pending nucleus into explicit candidates (see {@link NucleusDraw#materialize}). */
  void materializeNucleus() {
    if (nucleusPending) {
      nucleusPending = false;
      NucleusDraw.materialize(this);
    }
  }

  /** Marks a pending nucleus over the whole vocabulary, whose weight sum must be known. */
  void setNucleus(double mass, int minKeep) {
    nucleusPending = true;
    nucleusMass = mass;
    nucleusMinKeep = minKeep;
  }

  // ---- package-private helpers of the history and mask stages ----

  /**
   * Prepares the current view for direct edits of any number of logits in {@link #logits} (the
   * logit of candidate {@code i} is then {@code logits[offset + i]}, with no pending scale):
   * resolves a pending nucleus, copies borrowed logits once (copy-on-write), folds a pending scale
   * and forgets every cached maximum, weight and sort order.
   */
  void editLogits() {
    prepareWrites();
    maxKnown = false;
  }

  /**
   * As {@link #editLogits}, for edits that write {@code -Infinity} (masks and bans) through
   * {@link #writeLogit} and {@link #maskRange}: validates the current logits first (see
   * {@link #rawMax}), since such a write would hide a NaN or {@code +Infinity} that it overwrites,
   * and keeps their maximum known, so that a stage after the mask needs no second pass unless a
   * masked candidate held it. Costs no pass if the maximum of the view is already known.
   *
   * @throws IllegalArgumentException if the current logits are invalid
   */
  void editLogitsToMask() {
    materializeNucleus();
    rawMax();
    prepareWrites();
  }

  /**
   * The preparation shared by every kind of write: resolves a pending nucleus, makes the logits
   * writable (folding a pending scale into them and into a known maximum) and forgets the sort
   * order, weights and sum. The known maximum is left to the writes ({@link #writeLogit},
   * {@link #maskRange}) or forgotten by {@link #editLogits}.
   */
  private void prepareWrites() {
    materializeNucleus();
    makeWritable();
    sorted = false;
    invalidateWeights();
  }

  /**
   * Writes the logit of candidate {@code i} into writable logits (after {@link #editLogits} or
   * {@link #editLogitsToMask}); forgets the known maximum if this candidate held it or the value is
   * not at most the maximum (larger, or NaN).
   */
  void writeLogit(int i, float value) {
    int p = offset + i;
    if (logits[p] == max || !(value <= max)) {
      maxKnown = false;
    }
    logits[p] = value;
  }

  /**
   * Writes {@code -Infinity} as the logit of the candidates {@code [from, to)}, as
   * {@link #writeLogit} does.
   */
  void maskRange(int from, int to) {
    float[] x = logits;
    float m = max;
    boolean held = false;
    for (int p = offset + from, end = offset + to; p < end; p++) {
      held |= x[p] == m;
      x[p] = Float.NEGATIVE_INFINITY;
    }
    if (held) {
      maxKnown = false;
    }
  }

  // ---- Random bits of the step, and truncation by a logit threshold (used by MinP, TypicalP,
  // ---- TopNSigma, EpsilonCutoff, EtaCutoff, Xtc, MirostatV1, MirostatV2, DynamicTemperature)

  private UniformRandomProvider random;
  private boolean randomTaken;
  private long randomValue;
  private float[] keys;
  private float[] selectionKeys;
  private float[] selectionWeights;
  private double[] buckets;
  private int[] order;

  /**
   * Sets the generator from which each step takes its one random value ({@link #randomBits()}).
   * A {@link dev.tokensampler.Sampler} sets its own generator.
   *
   * @param random the generator, used by this instance from now on
   * @throws NullPointerException if {@code random} is null
   */
  public void setRandom(UniformRandomProvider random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /**
   * The 64 random bits of this step. The first call in a step takes exactly one
   * {@code nextLong()} from the generator; later calls in the same step return the same value, so
   * a step never takes more than one value, whichever stages ask. A {@link dev.tokensampler.Sampler}
   * draws the token with these bits, and a stage that needs randomness of its own derives it with
   * {@link Seeds#derive(long, int)} and a salt of its own, so that it is independent of the draw.
   *
   * <p>A stage must validate the logits (e.g. by {@link #maxLogit()}) before asking, so that
   * invalid logits throw before any value is taken. If a step throws after a stage took the value
   * (a custom stage later in the chain failing), that value is spent: the generator has moved on
   * by one, as if a token had been drawn.
   *
   * @return the bits
   * @throws IllegalStateException if no generator was set
   */
  public long randomBits() {
    if (!randomTaken) {
      if (random == null) {
        throw new IllegalStateException("no random generator: call setRandom first");
      }
      randomValue = random.nextLong();
      randomTaken = true;
    }
    return randomValue;
  }

  /**
   * The Shannon entropy, in nats, of the current candidates' probabilities:
   * {@code H = ln S - (sum of w_i y_i) / S}, with {@code y_i} the scaled logit minus the maximum,
   * {@code w_i = exp(y_i)} and {@code S} their sum (two fused passes; no logarithm per token).
   * Tokens of probability 0 add nothing.
   *
   * @return the entropy, at least 0 up to rounding
   */
  double entropy() {
    return Math.log(sum()) - meanExponent();
  }

  /** The mean under the current probabilities of {@code (logit - max) * scale}; at most 0. */
  double meanExponent() {
    materializeNucleus();
    float m = rawMax();
    ensureSum();
    return kernels.expExponentSum(logits, offset, size, m, scale) / weightSum;
  }

  /** The sum {@code S} of the weights {@code exp((logit - max) * scale)}; at least 1. */
  double sum() {
    materializeNucleus();
    rawMax();
    ensureSum();
    return weightSum;
  }

  /**
   * The raw-logit threshold (before {@link #scale}) equivalent to {@code (logit - max) * scale >=
   * exponent}: the smallest float {@code t} with {@code t >= max + exponent / scale} in double
   * precision, so that {@code logit >= t} holds for exactly the floats at or above the real
   * bound. Never below {@code -Float.MAX_VALUE}, so {@code -Infinity} logits never pass.
   */
  float rawThreshold(double exponent) {
    double bound = rawMax() + exponent / scale;
    float t = (float) bound;
    if (t < bound) {
      t = Math.nextUp(t);
    }
    return Math.max(t, -Float.MAX_VALUE);
  }

  /**
   * Keeps the candidates whose raw logit is at least {@code threshold}, in their order; if fewer
   * than {@code minKeep} pass, keeps the {@code minKeep} largest logits and their ties instead. On
   * the whole vocabulary this is one SIMD selection pass (no sort); on explicit candidates, a
   * compaction in place.
   */
  void keepAtLeast(float threshold, int minKeep) {
    materializeNucleus();
    if (ids == null) {
      int[] kept = explicitIds();
      int count = kernels.selectAtLeast(logits, offset, size, threshold, kept);
      if (count < minKeep) {
        if (minKeep < size) {
          TopK.selectFromVocabulary(this, minKeep);
        }
      } else if (count < size) {
        float[] keptLogits = explicitLogits();
        for (int j = 0; j < count; j++) {
          keptLogits[j] = logits[offset + kept[j]];
        }
        useExplicit(count, false);
      }
      return;
    }
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (logits[i] >= threshold) {
        count++;
      }
    }
    if (count < minKeep) {
      keepLargest(minKeep);
    } else if (count < size) {
      compact(threshold, Float.POSITIVE_INFINITY);
    }
  }

  /**
   * Keeps the candidates whose raw logit is finite and at most {@code high}, in their order. On
   * the whole vocabulary it makes the survivors explicit (one pass).
   */
  void keepAtMost(float high) {
    materializeNucleus();
    float low = -Float.MAX_VALUE;
    if (ids == null) {
      int[] kept = explicitIds();
      float[] keptLogits = explicitLogits();
      int count = 0;
      for (int i = 0; i < size; i++) {
        float x = logits[offset + i];
        if (x >= low && x <= high) {
          kept[count] = i;
          keptLogits[count] = x;
          count++;
        }
      }
      useExplicit(count, false);
      return;
    }
    compact(low, high);
  }

  /** Keeps the {@code keep} largest logits and their ties (explicit or whole vocabulary). */
  void keepLargest(int keep) {
    materializeNucleus();
    if (keep >= size) {
      return;
    }
    if (ids == null) {
      TopK.selectFromVocabulary(this, keep);
      return;
    }
    sortExplicit();
    float kth = logits[keep - 1];
    int count = keep;
    while (count < size && logits[count] == kth) {
      count++;
    }
    truncate(count);
  }

  /**
   * Keeps the candidates whose key (by candidate position) is at most {@code bound}, in their
   * order. On the whole vocabulary it makes the survivors explicit (one pass).
   */
  void keepKeysAtMost(float[] key, float bound) {
    materializeNucleus();
    int[] kept = explicitIds();
    float[] keptLogits = explicitLogits();
    int count = 0;
    for (int i = 0; i < size; i++) {
      if (key[i] <= bound) {
        kept[count] = ids == null ? i : ids[i];
        keptLogits[count] = logits[offset + i];
        count++;
      }
    }
    if (ids == null) {
      if (count < size) {
        useExplicit(count, false);
      }
    } else {
      size = count;
      invalidate();
    }
  }

  private void compact(float low, float high) {
    int count = 0;
    for (int i = 0; i < size; i++) {
      float x = logits[i];
      if (x >= low && x <= high) {
        logits[count] = x;
        ids[count] = ids[i];
        count++;
      }
    }
    size = count;
    invalidate();
  }

  /**
   * Draws a candidate position from the current probabilities with {@code randomBits}, as
   * {@link #draw} does, for stages that select the token themselves.
   */
  int drawPosition(long randomBits) {
    materializeNucleus();
    rawMax();
    ensureSum();
    return locate(Seeds.uniform(randomBits) * weightSum);
  }

  /** A scratch of {@code V} floats for a stage's per-candidate keys. */
  float[] keys() {
    if (keys == null) {
      keys = new float[vocabularySize];
    }
    return keys;
  }

  /** A scratch of {@code V} floats for keys that a selection permutes. */
  float[] selectionKeys() {
    if (selectionKeys == null) {
      selectionKeys = new float[vocabularySize];
    }
    return selectionKeys;
  }

  /** A scratch of {@code V} floats for weights that a selection permutes with its keys. */
  float[] selectionWeights() {
    if (selectionWeights == null) {
      selectionWeights = new float[vocabularySize];
    }
    return selectionWeights;
  }

  /** A scratch of {@link WeightedSelection#BUCKETS} doubles. */
  double[] buckets() {
    if (buckets == null) {
      buckets = new double[WeightedSelection.BUCKETS];
    }
    return buckets;
  }

  /** A scratch of {@code V} ints for a stage's per-candidate positions. */
  int[] order() {
    if (order == null) {
      order = new int[vocabularySize];
    }
    return order;
  }
}
