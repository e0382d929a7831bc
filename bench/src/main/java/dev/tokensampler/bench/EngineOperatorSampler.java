package dev.tokensampler.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;

/**
 * Sampling written with a DJL engine's own tensor operators, as a DJL user writes it without this
 * library: every step is an {@code NDArray} operation on the engine, the only Java work is the
 * uniform number and reading the chosen index back. Intermediate tensors are freed by an
 * {@link NDScope} per call. The steps, on the last position's logits {@code x} as a vector:
 *
 * <ul>
 *   <li>temperature: {@code p = softmax(x / T)}, {@code c = cumsum(p)}, token = the number of
 *       entries of {@code c} below {@code u};
 *   <li>top-k: {@code (v, i) = topK(x, k)}, then the same draw over {@code softmax(v / T)}, token
 *       {@code i[j]};
 *   <li>top-p: {@code i = argsort(x, descending)}, {@code p = softmax(x[i] / T)}, keep the entries
 *       whose preceding mass {@code cumsum(p) - p} is below {@code top_p} (transformers' rule: the
 *       token crossing {@code top_p} stays), draw {@code u * kept mass} over the kept cumulative
 *       sum, token {@code i[j]}.
 * </ul>
 *
 * float16 logits are converted to float32 first ({@code toType}), as CPU kernels want.
 */
final class EngineOperatorSampler {
  private final float temperature;
  private final int topK;
  private final float topP;

  /**
   * A sampler for one chain.
   *
   * @param temperature {@code T > 0}
   * @param topK k, or 0 for none
   * @param topP the nucleus mass, or 1 for none (not combined with top-k here)
   */
  EngineOperatorSampler(float temperature, int topK, float topP) {
    this.temperature = temperature;
    this.topK = topK;
    this.topP = topP;
  }

  /**
   * Draws a token from the last position of {@code logits} ({@code [V]}, {@code [1, V]} or
   * {@code [1, T, V]}).
   *
   * @param logits the model output
   * @param u a uniform number in {@code [0, 1)}
   * @return the token id
   */
  int sample(NDArray logits, double u) {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      long v = logits.getShape().getLastDimension();
      NDArray row = logits.reshape(-1, v).get(-1);
      if (row.getDataType() != DataType.FLOAT32) {
        row = row.toType(DataType.FLOAT32, false);
      }
      if (topK > 0) {
        NDList top = row.topK(topK, 0, true, true);
        NDArray probabilities = top.get(0).div(temperature).softmax(0);
        return (int) top.get(1).getLong(draw(probabilities.cumSum(0), u, topK));
      }
      if (topP < 1f) {
        NDArray order = row.argSort(0, false);
        NDArray probabilities = row.get(order).div(temperature).softmax(0);
        NDArray cumulative = probabilities.cumSum(0);
        NDArray kept = probabilities.mul(cumulative.sub(probabilities).lt(topP));
        NDArray keptCumulative = kept.cumSum(0);
        double mass = keptCumulative.getFloat(v - 1);
        return (int) order.getLong(draw(keptCumulative, u * mass, v));
      }
      return (int) draw(row.div(temperature).softmax(0).cumSum(0), u, v);
    }
  }

  /** The number of entries of the cumulative sum below {@code target}, at most {@code n - 1}. */
  private static long draw(NDArray cumulative, double target, long n) {
    long below = cumulative.lt(target).sum().toType(DataType.INT64, false).getLong();
    return Math.min(below, n - 1);
  }
}
