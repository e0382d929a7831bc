package dev.tokensampler;

import dev.tokensampler.internal.logits.LogitRule;
import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.kernel.TopKHeap;
import dev.tokensampler.stage.Candidates;
import java.nio.FloatBuffer;

/**
 * Fills a {@link TokenLogprobs} for one sampler: the raw pass (maximum, log of the sum of
 * exponentials, top-N by the fused kernels) before the draw, the processed values from the
 * candidates after it. Owns its kernels and scratch, allocated once for the vocabulary size; it
 * never touches the random stream, so the sampled tokens do not depend on whether log-probabilities
 * are asked for.
 */
final class LogprobRecorder {
  private final int vocabularySize;
  private final Kernels kernels = KernelProvider.newKernels();
  private final TopKHeap heap = new TopKHeap();
  private final float[] blockSums;
  private float[] rawCopy;
  private float[] processed;
  private int[] heldIds;
  private float[] heldValues;
  private float[] rawLogits;
  private int rawOffset;
  private float rawMax;
  private float rawLogSum;

  LogprobRecorder(int vocabularySize) {
    this.vocabularySize = vocabularySize;
    this.blockSums = new float[(vocabularySize + Kernels.BLOCK - 1) / Kernels.BLOCK];
  }

  /** Copies {@code V} floats of a buffer without an accessible array, from an absolute index. */
  float[] copy(FloatBuffer logits, int index) {
    if (rawCopy == null) {
      rawCopy = new float[vocabularySize];
    }
    logits.get(index, rawCopy, 0, vocabularySize);
    return rawCopy;
  }

  /**
   * The raw log-softmax normaliser and the raw alternatives of {@code a[off, off + V)}; the
   * caller's token 0 has index {@code inputOffset} in error messages.
   */
  void recordRaw(float[] a, int off, int inputOffset, TokenLogprobs out) {
    int n = vocabularySize;
    float max = kernels.max(a, off, n);
    if (max != max || max == Float.POSITIVE_INFINITY || max == Float.NEGATIVE_INFINITY) {
      throw invalid(a, off, inputOffset, max);
    }
    double sum = kernels.expSum(a, off, n, max, 1f, null, blockSums);
    rawLogits = a;
    rawOffset = off;
    rawMax = max;
    rawLogSum = (float) Math.log(sum);
    out.rawCount = 0;
    if (out.capacity() == 0) {
      return;
    }
    heap.reset(out.capacity(), n);
    kernels.selectTopK(a, off, n, heap);
    int held = heap.count();
    if (heldIds == null) {
      heldIds = new int[n];
      heldValues = new float[n];
    }
    heap.copyTo(heldIds, heldValues);
    // Ranked by the reported values: logits that round to the same log-probability are a tie.
    int count = 0;
    for (int i = 0; i < held; i++) {
      count = TokenLogprobs.insert(
          out.rawIds, out.rawLogprobs, count, heldIds[i], rawLogprob(heldValues[i]));
    }
    out.rawCount = count;
  }

  /** The sampled token's log-probabilities and the processed alternatives, after the draw. */
  void recordProcessed(int token, Candidates c, TokenLogprobs out) {
    int n = c.size();
    if (processed == null) {
      processed = new float[vocabularySize];
    }
    c.writeLogProbabilities(processed);
    float chosen = Float.NEGATIVE_INFINITY;
    int count = 0;
    for (int i = 0; i < n; i++) {
      float lp = processed[i];
      int id = c.id(i);
      if (id == token) {
        chosen = lp;
      }
      if (lp != Float.NEGATIVE_INFINITY && out.capacity() > 0) {
        count = TokenLogprobs.insert(out.processedIds, out.processedLogprobs, count, id, lp);
      }
    }
    out.processedCount = count;
    out.set(token, rawLogprob(rawLogits[rawOffset + token]), chosen);
  }

  private float rawLogprob(float logit) {
    return (logit - rawMax) - rawLogSum;
  }

  private static IllegalArgumentException invalid(float[] a, int off, int inputOffset, float max) {
    if (max == Float.NEGATIVE_INFINITY) {
      return LogitRule.noneFinite("raw log-probabilities");
    }
    int p = 0;
    while (LogitRule.isValid(a[off + p])) {
      p++;
    }
    return LogitRule.invalid("logits[" + (inputOffset + p) + "]", a[off + p]);
  }
}
