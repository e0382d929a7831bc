package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Mirostat (Basu et al., 2021, "Mirostat: A Neural Text Decoding Algorithm that Directly Controls
 * Perplexity", algorithm 1): estimates the Zipf exponent of the distribution, truncates to the
 * top {@code k} that should give surprise {@code mu}, draws the token itself, and moves {@code mu}
 * towards the target surprise {@code tau}.
 *
 * <p>Rule, each step, with the current candidates sorted by decreasing logit {@code x_0 >= x_1
 * >= ...} and {@code s} the pending temperature factor:
 * <ol>
 *   <li>{@code s_hat = sum t_i b_i / sum t_i^2} over the pairs {@code i < m - 1} of finite logits,
 *       with {@code t_i = ln((i + 2) / (i + 1))} and {@code b_i = ln(p_i / p_{i+1}) =
 *       (x_i - x_{i+1}) * s};
 *   <li>{@code epsilon = s_hat - 1} and {@code k = (epsilon * 2^mu / (1 - N^-epsilon))^(1 / s_hat)}
 *       with {@code N} the vocabulary size ({@code epsilon = 0} takes the limit
 *       {@code (2^mu / ln N)^(1 / s_hat)}); the candidates are cut to the {@code max(1, floor(k))}
 *       largest logits and their ties ({@code k} not finite, or no pair: no cut);
 *   <li>one of them is drawn from their renormalised probabilities {@code q} and selected (later
 *       stages do not run), and {@code mu <- mu - eta * (-log2 q_selected - tau)} in float
 *       arithmetic.
 * </ol>
 * {@code mu} starts at {@code 2 * tau} and returns there on {@link #reset()}. {@code mu} stays
 * finite, so that the state can be saved and restored: a {@code mu} beyond the float range (a
 * huge {@code tau} or {@code eta}) is clamped to {@code -Float.MAX_VALUE} or
 * {@code Float.MAX_VALUE}, which give the same probabilities as the infinities would (the top
 * token and its ties, or no cut), and a {@code q} that rounds to 0 counts as
 * {@code Float.MIN_VALUE} (149 bits of surprise). llama.cpp lets {@code mu} overflow. Only the top
 * {@code m} logits are selected (a heap pass on the whole vocabulary, no full sort), then top-k.
 *
 * <p>Randomness: the draw uses the step's one random value ({@link Candidates#randomBits()}) as
 * the sampler's own draw would. {@code mu} is updated inside {@link #apply} (as in llama.cpp), so
 * tokens passed to {@link #accept} do not move it.
 *
 * <p>Source: llama.cpp's {@code mirostat} sampler ({@code mirostat_tau}, default 5.0;
 * {@code mirostat_eta}, default 0.1; {@code m}, fixed at 100 there; {@code n_vocab}, here the
 * vocabulary size of the candidates). llama.cpp's {@code clone} copies the state into the source
 * by mistake; {@link #copy()} copies it into the copy. Hugging Face transformers has no such
 * stage. Stateful: {@code mu} is saved and restored with the sampler.
 */
public final class MirostatV1 implements Stage {
  /** llama.cpp's fixed number of top probabilities used to estimate {@code s_hat}. */
  public static final int DEFAULT_M = 100;

  private final float tau;
  private final float eta;
  private final int m;
  private float mu;

  /**
   * A mirostat stage with {@code m = 100} and {@code mu = 2 * tau}.
   *
   * @param tau {@code mirostat_tau}, the target surprise in bits, finite and {@code >= 0}
   * @param eta {@code mirostat_eta}, the learning rate, finite and {@code >= 0}
   * @throws IllegalArgumentException if a parameter is negative, NaN or infinite
   */
  public MirostatV1(float tau, float eta) {
    this(tau, eta, DEFAULT_M);
  }

  /**
   * A mirostat stage with {@code mu = 2 * tau}.
   *
   * @param tau {@code mirostat_tau}, the target surprise in bits, finite and {@code >= 0}
   * @param eta {@code mirostat_eta}, the learning rate, finite and {@code >= 0}
   * @param m {@code mirostat_m}, how many top probabilities estimate {@code s_hat}, {@code >= 2}
   * @throws IllegalArgumentException if a parameter is out of range, NaN or infinite
   */
  public MirostatV1(float tau, float eta, int m) {
    this.tau = Mirostat.checkParameter("mirostat_tau", tau);
    this.eta = Mirostat.checkParameter("mirostat_eta", eta);
    if (m < 2) {
      throw new IllegalArgumentException("mirostat_m must be >= 2, got " + m);
    }
    this.m = m;
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
   * The number of top probabilities that estimate the Zipf exponent.
   *
   * @return {@code m}
   */
  public int m() {
    return m;
  }

  /**
   * The current surprise bound.
   *
   * @return {@code mu}, in bits
   */
  public float mu() {
    return mu;
  }

  /**
   * The number of candidates to keep for a Zipf estimate and a vocabulary size.
   *
   * @param sHat the estimated exponent {@code s_hat}
   * @param mu the surprise bound
   * @param vocabularySize {@code N}
   * @return {@code k} as in the class comment, before flooring; may be infinite or NaN
   */
  public static double k(double sHat, double mu, int vocabularySize) {
    double epsilon = sHat - 1;
    double base = epsilon == 0
        ? Math.pow(2, mu) / Math.log(vocabularySize)
        : epsilon * Math.pow(2, mu) / (1 - Math.pow(vocabularySize, -epsilon));
    return Math.pow(base, 1 / sHat);
  }

  @Override
  public void apply(Candidates c) {
    c.rawMax();
    int count = c.truncation().largestLogits(m, c.scratch().keys(), c.scratch().order());
    float[] top = c.scratch().keys();
    float scale = c.logitView().scale();
    double sumTb = 0;
    double sumTt = 0;
    int pairs = Math.min(m, count) - 1;
    for (int i = 0; i < pairs && top[i + 1] != Float.NEGATIVE_INFINITY; i++) {
      double t = Math.log((i + 2) / (double) (i + 1));
      double b = (double) (top[i] - top[i + 1]) * scale;
      sumTb += t * b;
      sumTt += t * t;
    }
    if (sumTt > 0) {
      double k = k(sumTb / sumTt, mu, c.vocabularySize());
      if (k < c.size()) {
        c.keepLargest((int) Math.max(1, k));
      }
    }
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
    MirostatV1 copy = new MirostatV1(tau, eta, m);
    copy.mu = mu;
    return copy;
  }

  @Override
  public String toString() {
    return "mirostat=1,mirostat_tau=" + tau + ",mirostat_eta=" + eta + ",mirostat_m=" + m;
  }
}
