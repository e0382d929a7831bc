package dev.tokensampler.djl;

import ai.djl.ndarray.NDArray;
import dev.tokensampler.Softmax;
import java.util.Objects;

/**
 * Reads logits out of a DJL {@link NDArray} into Java arrays, with the rules of
 * {@link NDArraySampler}: data type float32, float16 or bfloat16 (widened exactly); shape
 * {@code [V]}, {@code [B, V]} or {@code [B, T, V]}, of which the last position is read. Meant for
 * inspecting a distribution (charts, log-probabilities, tests); to sample, use
 * {@link NDArraySampler}, which reuses its buffers.
 */
@SuppressWarnings("exports")
public final class NDArrayLogits {
  private NDArrayLogits() {}

  /**
   * The logits of batch row {@code row} at the last position.
   *
   * @param logits the tensor
   * @param row the batch row (0 for shape {@code [V]})
   * @return a new array of V floats
   * @throws NullPointerException if {@code logits} is null
   * @throws IndexOutOfBoundsException if {@code row} is not a row of {@code logits}
   * @throws IllegalArgumentException for another data type or shape
   */
  public static float[] lastPosition(NDArray logits, int row) {
    LogitsReader reader = new LogitsReader();
    reader.open(logits, 0);
    try {
      Objects.checkIndex(row, reader.rows());
      float[] out = new float[reader.vocabularySize()];
      reader.copyRow(row, out);
      return out;
    } finally {
      reader.close();
    }
  }

  /**
   * Writes the model's natural log-probabilities for the next token of batch row {@code row}: the
   * log-softmax of the raw logits at the last position, at temperature 1, before any stage of a
   * chain (what vLLM reports by default), computed by {@link Softmax#logProbabilities} with the
   * samplers' kernels. Allocates a copy of the row.
   *
   * @param logits the tensor
   * @param row the batch row (0 for shape {@code [V]})
   * @param out receives V log-probabilities
   * @throws NullPointerException if an argument is null
   * @throws IndexOutOfBoundsException if {@code row} is not a row of {@code logits}
   * @throws IllegalArgumentException for another data type or shape, logits that break the
   *     sampler's input rules, or an {@code out} shorter than V
   */
  public static void logProbabilities(NDArray logits, int row, float[] out) {
    Objects.requireNonNull(out, "out");
    Softmax.logProbabilities(lastPosition(logits, row), 1f, out);
  }
}
