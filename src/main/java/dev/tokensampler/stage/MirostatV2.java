package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Mirostat 2.0 (Basu et al., 2021, "Mirostat: A Neural Text Decoding Algorithm that Directly
 * Controls Perplexity"): truncates by a running surprise bound {@code mu}, draws the token itself,
 * and moves {@code mu} towards the target surprise {@code tau}.
 *
 * <p>Rule, each step: keep the candidates with surprise {@code -log2 p_i <= mu} under the softmax
 * of the current candidates (at least the most probable one and its ties); draw one of them from
 * their renormalised probabilities {@code q}; select it (later stages do not run); then
 * {@code mu <- mu - eta * (-log2 q_selected - tau)}, in float arithmetic as llama.cpp does.
 * {@code mu} starts at {@code 2 * tau} and returns there on {@link #reset()}. {@code mu} stays
 * finite, as in {@link MirostatV1}: a {@code mu} beyond the float range is clamped to
 * {@code -Float.MAX_VALUE} or {@code Float.MAX_VALUE}, which give the same probabilities as the
 * infinities would (the top token and its ties, or every candidate of positive probability), and
 * a {@code q} that rounds to 0 counts as {@code Float.MIN_VALUE}; llama.cpp lets {@code mu}
 * overflow. The cut is one comparison pass against a logit threshold; nothing is sorted.
 *
 * <p>Randomness: the draw uses the step's one random value ({@link Candidates#randomBits()}) as
 * the sampler's own draw would, inverting the cumulative distribution of the survivors in
 * candidate order. {@code mu} is updated inside {@link #apply} (as in llama.cpp), so tokens passed
 * to {@link #accept} (a prompt) do not move it.
 *
 * <p>Source: llama.cpp's {@code mirostat_v2} sampler ({@code mirostat_tau}, default 5.0;
 * {@code mirostat_eta}, default 0.1). llama.cpp keeps exactly one token when the most probable
 * already exceeds {@code mu}; here its ties stay too. {@link #copy()} copies the state into the
 * copy, as llama.cpp's {@code clone} does. Hugging Face transformers has no such stage. Stateful: {@code mu} is saved and restored with the sampler.
 */
public final class MirostatV2 implements Stage {
  private static final double LN2 = Math.log(2);

  private final float tau;
  private final float eta;
  private float mu;

  /**
   * A mirostat 2.0 stage with {@code mu = 2 * tau}.
   *
   * @param tau {@code mirostat_tau}, the target surprise in bits, finite and {@code >= 0}
   * @param eta {@code mirostat_eta}, the learning rate, finite and {@code >= 0}
   * @throws IllegalArgumentException if a parameter is negative, NaN or infinite
   */
  public MirostatV2(float tau, float eta) {
    this.tau = Mirostat.checkParameter("mirostat_tau", tau);
    this.eta = Mirostat.checkParameter("mirostat_eta", eta);
    this.mu = Mirostat.startMu(this.tau);
  }

  /**
   * The target surprise.
   *
   * @return {@code mirostat_tau}, in bits
   */
  public float tau() {
    return tau;
  }

  /**
   * The learning rate.
   *
   * @return {@code mirostat_eta}
   */
  public float eta() {
    return eta;
  }

  /**
   * The current surprise bound.
   *
   * @return {@code mu}, in bits
   */
  public float mu() {
    return mu;
  }

  @Override
  public void apply(Candidates c) {
    c.rawMax();
    StepWeights weights = c.stepWeights();
    double logSum = Math.log(weights.sum());
    c.truncation().keepAtLeast(weights.rawThreshold(logSum - mu * LN2), 1);
    int position = c.stepWeights().drawPosition(c.randomBits());
    float q = c.probability(position);
    c.select(position);
    mu = Mirostat.updatedMu(mu, tau, eta, q);
  }

  @Override
  public void reset() {
    mu = Mirostat.startMu(tau);
  }

  @Override
  public void saveState(DataOutput out) throws IOException {
    out.writeFloat(mu);
  }

  @Override
  public void restoreState(DataInput in) throws IOException {
    mu = Mirostat.readMu(in);
  }

  @Override
  public Stage copy() {
    MirostatV2 copy = new MirostatV2(tau, eta);
    copy.mu = mu;
    return copy;
  }

  @Override
  public String toString() {
    return "mirostat=2,mirostat_tau=" + tau + ",mirostat_eta=" + eta;
  }
}
