package dev.tokensampler.stage;

import dev.tokensampler.kernel.Kernels;

/**
 * Writes to the logits of a step, keeping a {@link LogitView} and its {@link StepWeights} in step:
 * the first write copies borrowed logits once (the caller's array is never written) and folds the
 * pending scale into the copy; each write tells the weights whether the maximum survived.
 *
 * <p>Two ways to start writing, by what the writes may do. {@link #prepareMask} for values that
 * keep the logits valid ({@code -Infinity}, or values checked by the writer): the current logits
 * are validated first (one maximum pass per step at most, none if a pass already did), so that a
 * write cannot hide an invalid value by overwriting it, and the maximum stays known for the writes
 * to update. {@link #edit} for changes of any kind (penalties, biases): the maximum and the
 * validation are forgotten, and the next pass validates the edited logits. Not thread-safe.
 */
final class LogitWrites {
  private final Kernels kernels;
  private final LogitView view;
  private final StepWeights weights;

  LogitWrites(Kernels kernels, LogitView view, StepWeights weights) {
    this.kernels = kernels;
    this.view = view;
    this.weights = weights;
  }

  /** Prepares writes that may change the logits in any way; the next pass validates them. */
  void edit() {
    makeWritable();
    weights.forgetValidation();
  }

  /**
   * Prepares writes of values that keep the logits valid: validates the current logits unless done
   * in this step, and keeps the maximum known for the writes to update.
   *
   * @throws IllegalArgumentException if the current logits break the input rule
   */
  void prepareMask() {
    if (!weights.isValidated()) {
      weights.rawMax();
    }
    makeWritable();
  }

  private void makeWritable() {
    weights.noteScaleFolded(view.makeWritable(kernels));
    weights.forgetWeights();
  }

  /** Writes the raw logit of candidate {@code i}, after {@link #edit} or {@link #prepareMask}. */
  void write(int i, float value) {
    weights.noteWrite(view.raw(i), value);
    view.write(i, value);
  }

  /** Masks the candidates {@code [from, to)}, after {@link #prepareMask}. */
  void maskRange(int from, int to) {
    if (view.maskRange(from, to, weights.knownMax())) {
      weights.forgetMax();
    }
  }
}
