package dev.tokensampler.stage;

/**
 * Entropy-based dynamic temperature: a temperature in {@code [T - range, T + range]} chosen by
 * how uncertain the current distribution is.
 *
 * <p>Rule: with {@code H} the entropy (nats) of the current candidates' softmax and {@code n} the
 * number of candidates (those masked with {@code -Infinity} included, as in llama.cpp), the
 * temperature is
 * {@code t = t_min + (t_max - t_min) * (H / ln n)^exponent} with {@code t_min = max(0, T - range)}
 * and {@code t_max = T + range}; the ratio {@code H / ln n} is clamped to {@code [0, 1]} against
 * rounding. Then it acts as {@link Temperature} with {@code t}: {@code t = 0} (or a {@code t} whose
 * inverse overflows) selects the largest logit, ties to the lowest id. {@code range = 0} is the
 * plain temperature {@code T}; a single candidate is left as it is. The entropy costs two fused
 * passes; the temperature itself costs nothing (it is folded into the softmax kernel).
 *
 * <p>Source: llama.cpp's {@code temp_ext} sampler (parameters {@code temp}, {@code dynatemp_range}
 * (default 0, off) and {@code dynatemp_exponent} (default 1)), which llama.cpp places last in its
 * chain. One difference: here every truncating stage removes the tokens it drops from the
 * candidates, so {@code n} counts only the tokens the chain has left, and {@code H / ln n} is the
 * entropy against the largest one those tokens can have. llama.cpp's {@code top_n_sigma} instead
 * masks the tokens it drops with {@code -Infinity} and leaves them in the array, so when no
 * shrinking stage runs between them (its default chain has top-k, top-p and min-p there),
 * llama.cpp's {@code n} still counts them: a larger {@code ln n}, a smaller ratio, a temperature
 * nearer {@code t_min} than here. Hugging Face transformers has no such stage. Stateless and
 * immutable.
 */
public final class DynamicTemperature implements Stage {
  private final float temperature;
  private final float range;
  private final float exponent;

  /**
   * A dynamic temperature stage.
   *
   * @param temperature {@code temp}, the centre {@code T}, finite and {@code >= 0}
   * @param range {@code dynatemp_range}, finite and {@code >= 0}; 0 gives the plain temperature
   * @param exponent {@code dynatemp_exponent}, finite and {@code >= 0}
   * @throws IllegalArgumentException if a parameter is negative, NaN or infinite
   */
  public DynamicTemperature(float temperature, float range, float exponent) {
    this.temperature = check("temperature", temperature);
    this.range = check("dynatemp_range", range);
    this.exponent = check("dynatemp_exponent", exponent);
  }

  private static float check(String name, float value) {
    if (!(value >= 0f) || value == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
    }
    return value + 0f;
  }

  /**
   * The centre of the temperature range.
   *
   * @return {@code temp}
   */
  public float temperature() {
    return temperature;
  }

  /**
   * The half-width of the temperature range.
   *
   * @return {@code dynatemp_range}
   */
  public float range() {
    return range;
  }

  /**
   * The exponent applied to the normalised entropy.
   *
   * @return {@code dynatemp_exponent}
   */
  public float exponent() {
    return exponent;
  }

  /**
   * The temperature for a normalised entropy.
   *
   * @param normalizedEntropy {@code H / ln n}, clamped to {@code [0, 1]}
   * @return {@code t_min + (t_max - t_min) * normalizedEntropy^exponent}
   */
  public double temperatureFor(double normalizedEntropy) {
    double ratio = Math.min(1, Math.max(0, normalizedEntropy));
    double low = Math.max(0, (double) temperature - range);
    double high = (double) temperature + range;
    return low + (high - low) * Math.pow(ratio, exponent);
  }

  @Override
  public void apply(Candidates c) {
    double t = temperature;
    if (range > 0f) {
      int n = c.size();
      if (n <= 1) {
        return;
      }
      t = temperatureFor(c.stepWeights().entropy() / Math.log(n));
    }
    float factor = (float) (1 / t);
    if (factor == Float.POSITIVE_INFINITY) {
      c.selectMax();
    } else if (factor != 1f) {
      c.scale(factor);
    }
  }

  @Override
  public String toString() {
    return "temperature=" + temperature + ",dynatemp_range=" + range
        + ",dynatemp_exponent=" + exponent;
  }
}
