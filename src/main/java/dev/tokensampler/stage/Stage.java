package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One step of a sampler chain: it reads and changes the {@link Candidates} of the current token.
 *
 * <p>Modelled on llama.cpp's {@code llama_sampler_i}: {@link #apply} does the work;
 * {@link #accept}, {@link #reset} and {@link #copy} exist for stages that keep state between
 * tokens (histories, running values). A stage may change logits ({@link Candidates#mask},
 * {@link Candidates#setLogit}), remove candidates ({@link Candidates#keepLargest},
 * {@link Candidates#keepAtLeast}, {@link Candidates#keepTokens},
 * {@link Candidates#keepAllowed(long[])}), or select the token ({@link Candidates#select}); once a
 * stage has selected, the stages after it in the {@link Chain} are not applied for that token.
 *
 * <p>A {@link dev.tokensampler.SamplerConfig} holds stage prototypes and is shared across
 * threads; every sampler gets its own {@link #copy()}. So a stateless stage must be immutable
 * (and may return {@code this} from {@code copy}), and a stateful stage must return an independent
 * copy. {@code apply} must not retain the candidates and should not allocate, to keep sampling free
 * of garbage.
 */
public interface Stage {
  /**
   * Processes the candidates of the current token.
   *
   * @param candidates the candidates, owned by the calling sampler for the duration of the call
   */
  void apply(Candidates candidates);

  /**
   * Told the token chosen at each step (and any prompt token fed to the sampler), in order. The
   * default does nothing.
   *
   * @param token the token id
   */
  default void accept(int token) {}

  /** Forgets everything {@link #accept} was told. The default does nothing. */
  default void reset() {}

  /**
   * Writes the state that {@link #accept} built up, for {@link dev.tokensampler.Sampler#saveState}.
   * The default writes nothing, which is right only for stages without state.
   *
   * @param out where the state goes
   * @throws IOException if {@code out} fails
   */
  default void saveState(DataOutput out) throws IOException {}

  /**
   * Replaces this stage's state with one written by {@link #saveState} of a stage with the same
   * parameters. The default reads nothing. Throw {@link IOException} on input that is not such a
   * state; the sampler then keeps its previous state.
   *
   * @param in where the state comes from
   * @throws IOException if {@code in} fails or holds no valid state
   */
  default void restoreState(DataInput in) throws IOException {}

  /**
   * A stage for a new sampler. The default returns {@code this}, which is right only for
   * immutable stages.
   *
   * @return an independent stage with the same parameters and state
   */
  default Stage copy() {
    return this;
  }
}
