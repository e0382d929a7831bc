package dev.tokensampler;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import dev.tokensampler.stage.Temperature;
import java.util.List;
import java.util.Objects;

/**
 * Softmax with temperature over a whole vector:
 * {@code p_i = exp((x_i - max) / T) / sum_j exp((x_j - max) / T)}, computed by the library's fused
 * kernels, so the values are those the samplers use, bit for bit, on every machine.
 *
 * <p>{@code T = 0} gives the greedy limit: probability 1 for the first largest logit, 0 elsewhere
 * (log: 0 and {@code -Infinity}). Logits follow the rules of {@link Candidates}: finite or
 * {@code -Infinity} (probability exactly 0, log {@code -Infinity}), at least one finite.
 * Log-probabilities are computed as {@code (x_i - max) / T - ln(sum)}, so tiny probabilities keep
 * their exact logarithm. Each call allocates a little scratch; a {@link Sampler} allocates nothing
 * per token.
 */
public final class Softmax {
  private Softmax() {}

  /**
   * The probabilities of {@code logits} at temperature {@code T}.
   *
   * @param logits the logits, at least one
   * @param temperature {@code T >= 0}, finite
   * @return a new array of probabilities summing to 1
   * @throws NullPointerException if {@code logits} is null
   * @throws IllegalArgumentException for an empty array, a bad temperature or bad logits
   */
  public static float[] probabilities(float[] logits, float temperature) {
    Objects.requireNonNull(logits, "logits");
    float[] out = new float[logits.length];
    probabilities(logits, temperature, out);
    return out;
  }

  /**
   * Writes the probabilities of {@code logits} at temperature {@code T} into {@code out}.
   *
   * @param logits the logits, at least one
   * @param temperature {@code T >= 0}, finite
   * @param out receives {@code logits.length} probabilities
   * @throws NullPointerException if an array is null
   * @throws IllegalArgumentException for an empty array, a short {@code out}, a bad temperature
   *     or bad logits
   */
  public static void probabilities(float[] logits, float temperature, float[] out) {
    prepare(logits, temperature, out).writeProbabilities(out);
  }

  /**
   * The natural log-probabilities of {@code logits} at temperature {@code T}.
   *
   * @param logits the logits, at least one
   * @param temperature {@code T >= 0}, finite
   * @return a new array of log-probabilities
   * @throws NullPointerException if {@code logits} is null
   * @throws IllegalArgumentException for an empty array, a bad temperature or bad logits
   */
  public static float[] logProbabilities(float[] logits, float temperature) {
    Objects.requireNonNull(logits, "logits");
    float[] out = new float[logits.length];
    logProbabilities(logits, temperature, out);
    return out;
  }

  /**
   * Writes the natural log-probabilities of {@code logits} at temperature {@code T} into
   * {@code out}.
   *
   * @param logits the logits, at least one
   * @param temperature {@code T >= 0}, finite
   * @param out receives {@code logits.length} log-probabilities
   * @throws NullPointerException if an array is null
   * @throws IllegalArgumentException for an empty array, a short {@code out}, a bad temperature
   *     or bad logits
   */
  public static void logProbabilities(float[] logits, float temperature, float[] out) {
    prepare(logits, temperature, out).writeLogProbabilities(out);
  }

  private static Candidates prepare(float[] logits, float temperature, float[] out) {
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(out, "out");
    if (logits.length == 0) {
      throw new IllegalArgumentException("logits must not be empty, got length 0");
    }
    if (out.length < logits.length) {
      throw new IllegalArgumentException(
          "out.length must be >= logits.length " + logits.length + ", got " + out.length);
    }
    Chain chain = new Chain(List.of(new Temperature(temperature)));
    return chain.apply(logits, 0, logits.length);
  }
}
