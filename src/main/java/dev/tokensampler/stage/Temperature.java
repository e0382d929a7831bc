package dev.tokensampler.stage;

/**
 * Divides every logit by a temperature {@code T}: {@code p_i = softmax(x / T)_i}.
 *
 * <p>{@code T > 1} flattens the distribution, {@code T < 1} sharpens it, {@code T = 1} changes
 * nothing. {@code T = 0} means greedy, as in Hugging Face transformers ({@code do_sample=False}),
 * llama.cpp and the OpenAI API: the stage selects the largest logit, ties to the lowest id, and the
 * chain stops there. A positive {@code T} so small that {@code 1 / T} overflows a float also acts
 * as 0. Where it stands in the chain matters only for stages that look at probabilities (top-p
 * after temperature, as in transformers, sees the tempered distribution; llama.cpp puts temperature
 * last). The division costs no pass of its own: it is folded into the softmax kernel.
 *
 * <p>Stateless and immutable.
 */
public final class Temperature implements Stage {
  private final float temperature;
  private final float factor;

  /**
   * A temperature stage.
   *
   * @param temperature {@code T >= 0}, finite
   * @throws IllegalArgumentException if {@code temperature} is negative, NaN or infinite
   */
  public Temperature(float temperature) {
    if (!(temperature >= 0f) || temperature == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "temperature must be finite and >= 0, got " + temperature);
    }
    this.temperature = temperature + 0f; // -0.0 is 0: greedy
    this.factor = 1f / this.temperature;
  }

  /**
   * The temperature.
   *
   * @return {@code T}
   */
  public float temperature() {
    return temperature;
  }

  /**
   * Whether this temperature selects the most likely token.
   *
   * @return true for {@code T = 0} (or a {@code T} whose inverse overflows)
   */
  public boolean isGreedy() {
    return factor == Float.POSITIVE_INFINITY;
  }

  @Override
  public void apply(Candidates candidates) {
    if (isGreedy()) {
      candidates.selectMax();
    } else if (factor != 1f) {
      candidates.scale(factor);
    }
  }

  @Override
  public String toString() {
    return "temperature=" + temperature;
  }
}
