package dev.tokensampler;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Fills a {@link TokenLogprobs} for one sampler: the raw values before the draw (maximum, log of
 * the sum of exponentials and top-N, from a chain without stages, so by the same kernels and
 * input rule as sampling), the processed values from the sampler's candidates after it. Allocates
 * once for the vocabulary size; it never touches the random stream, so the sampled tokens do not
 * depend on whether log-probabilities are asked for.
 */
final class LogprobRecorder {
  private final Chain raw = new Chain(List.of());
  private float[] processed;
  private float rawMax;
  private float rawLogSum;

  /** The raw normaliser and alternatives of {@code logits[offset, offset + length)}. */
  void recordRaw(float[] logits, int offset, int length, TokenLogprobs out) {
    record(raw.apply(logits, offset, length), out);
  }

  /** The raw normaliser and alternatives of {@code length} floats of a buffer from {@code index}. */
  void recordRaw(FloatBuffer logits, int index, int length, TokenLogprobs out) {
    record(raw.apply(logits, index, length), out);
  }

  private void record(Candidates c, TokenLogprobs out) {
    rawMax = c.maxLogit();
    rawLogSum = c.logNormalizer();
    out.rawCount = 0;
    if (out.capacity() == 0) {
      return;
    }
    c.keepLargest(out.capacity());
    // Ranked by the reported values: logits that round to the same log-probability are a tie.
    int count = 0;
    for (int i = 0, n = c.size(); i < n; i++) {
      float logit = c.logit(i);
      if (logit != Float.NEGATIVE_INFINITY) {
        count = TokenLogprobs.insert(out.rawIds, out.rawLogprobs, count, c.id(i), rawLogprob(logit));
      }
    }
    out.rawCount = count;
  }

  /**
   * The sampled token's log-probabilities (its raw logit is {@code rawLogit}) and the processed
   * alternatives, after the draw.
   */
  void recordProcessed(int token, float rawLogit, Candidates c, TokenLogprobs out) {
    int n = c.size();
    if (processed == null) {
      processed = new float[c.vocabularySize()];
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
    out.set(token, rawLogprob(rawLogit), chosen);
  }

  private float rawLogprob(float logit) {
    return (logit - rawMax) - rawLogSum;
  }
}
