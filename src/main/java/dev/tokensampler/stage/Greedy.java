package dev.tokensampler.stage;

/**
 * Selects the candidate with the largest logit (argmax); ties go to the lowest token id, as
 * llama.cpp's greedy sampler and {@code torch.argmax} do. Uses no randomness. On the whole
 * vocabulary it is one SIMD pass. Stateless and immutable; use {@link #INSTANCE}.
 */
public final class Greedy implements Stage {
  /** The greedy stage. */
  public static final Greedy INSTANCE = new Greedy();

  private Greedy() {}

  @Override
  public void apply(Candidates candidates) {
    candidates.selectMax();
  }

  @Override
  public String toString() {
    return "greedy";
  }
}
