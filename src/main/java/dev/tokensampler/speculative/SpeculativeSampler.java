package dev.tokensampler.speculative;

import dev.tokensampler.SamplerConfig;
import dev.tokensampler.internal.logits.LogitRule;
import dev.tokensampler.random.Seeds;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ConcurrentModificationException;
import java.util.Objects;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Speculative sampling of one sequence: accepts or rejects a draft model's tokens so that every
 * output token follows the target model's distribution, whatever the draft (Leviathan, Kalman and
 * Matias, "Fast Inference from Transformers via Speculative Decoding", 2023; Chen et al.,
 * "Accelerating Large Language Model Decoding with Speculative Sampling", 2023).
 *
 * <p><b>Rule.</b> The draft proposed {@code k} tokens {@code x_1..x_k}, {@code x_i} drawn from its
 * distribution {@code q_i}. The target's logits at the {@code k + 1} positions give
 * {@code p_1..p_{k+1}}: the processed distribution of this sampler's chain (the stages of its
 * {@link SamplerConfig}: penalties, temperature, top-k, top-p, ...), which a {@link
 * dev.tokensampler.Sampler} with the same config would draw from. In order, {@code x_i} is
 * accepted iff {@code u_i * q_i(x_i) < p_i(x_i)} for a uniform {@code u_i} in {@code [0, 1)},
 * that is with probability {@code min(1, p_i(x_i) / q_i(x_i))}. At the first rejection, the
 * token at that position is drawn from the residual {@code norm(max(0, p_i - q_i))} and the call
 * ends; if every draft is accepted, a bonus token is drawn from {@code p_{k+1}} exactly as the
 * sampler's own draw would. So each call yields between 1 and {@code k + 1} tokens. Should the
 * residual have no mass (possible only by rounding, when {@code p_i} and {@code q_i} agree), the
 * token is drawn from {@code p_i}.
 *
 * <p><b>Randomness.</b> Every successful call takes exactly two {@code nextLong()} from the stream,
 * {@code d} then {@code a}. {@code d} draws the final token (correction or bonus) and is the random
 * value of the bonus position for stages that use randomness (XTC, mirostat), so with {@code k = 0}
 * the token equals that of a {@link dev.tokensampler.Sampler} on the same stream; the random
 * value of draft position {@code i} (from 1) for such stages is {@code Seeds.derive(d, i - 1)}. The
 * acceptance values are {@code u_i = Seeds.uniform(Seeds.derive(a, i - 1))}. A call that throws
 * before accepting a draft (bad arguments, or a stage throws at the first position) takes none:
 * values it drew are kept for the next call, which then yields the tokens of a sampler that
 * never saw the failed call. A stage that throws after drafts were accepted (stages cannot
 * un-learn a token) makes the call throw a {@link PartialVerifyException} saying how many drafts
 * advanced; that call has taken its two values. The same seed and inputs give the same tokens on every machine.
 *
 * <p><b>State.</b> Stateful stages (penalties, histories) are told each accepted draft token
 * before the next position's distribution is computed, then the final token, so they see exactly
 * the output sequence. The vocabulary size is fixed by the first call; buffers are allocated then
 * and nothing afterwards. Not thread-safe: one per sequence. A call to {@code verify},
 * {@link #accept} or {@link #reset} that starts while another is in progress (a second thread, or
 * a stage calling this sampler) fails fast with a {@link ConcurrentModificationException} and
 * changes nothing.
 */
public final class SpeculativeSampler {
  /** Tolerance on the sum of a draft row: {@code |sum - 1| <= 1e-3}. */
  public static final double DRAFT_SUM_TOLERANCE = 1e-3;

  private final SamplerConfig config;
  private final Chain chain;
  private final UniformRandomProvider random;
  private float[] target;
  private float[] scratch;
  /** Whether a call that failed before accepting a draft left its two random values here. */
  private boolean held;
  private long heldDrawBits;
  private long heldAcceptBits;
  /** The drafts the call in progress has told the stages. */
  private int acceptedBeforeFailure;
  /** Set for the duration of every call that changes the state. */
  private volatile boolean busy;

  private static final VarHandle BUSY;

  static {
    try {
      BUSY = MethodHandles.lookup()
          .findVarHandle(SpeculativeSampler.class, "busy", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private void enter() {
    if ((boolean) BUSY.getAndSet(this, true)) {
      throw new ConcurrentModificationException("a SpeculativeSampler is used by two threads at"
          + " once (or called from one of its stages); use one per thread and sequence");
    }
  }

  private void exit() {
    BUSY.setRelease(this, false);
  }

  private SpeculativeSampler(SamplerConfig config, UniformRandomProvider random) {
    this.config = Objects.requireNonNull(config, "config");
    this.random = random;
    this.chain = new Chain(config.stages());
  }

  /**
   * A speculative sampler on stream 0 of {@code seed} ({@link Seeds#generator(long)}).
   *
   * @param config the target's sampling chain
   * @param seed any value
   * @return a new sampler
   * @throws NullPointerException if {@code config} is null
   */
  public static SpeculativeSampler create(SamplerConfig config, long seed) {
    return new SpeculativeSampler(config, Seeds.generator(seed));
  }

  /**
   * A speculative sampler on stream {@code sequence} of {@code seed}
   * ({@link Seeds#generator(long, long)}).
   *
   * @param config the target's sampling chain
   * @param seed any value
   * @param sequence the stream index
   * @return a new sampler
   * @throws NullPointerException if {@code config} is null
   */
  public static SpeculativeSampler create(SamplerConfig config, long seed, long sequence) {
    return new SpeculativeSampler(config, Seeds.generator(seed, sequence));
  }

  /**
   * Verifies {@code draftCount} draft tokens and writes the accepted ones, then the correction or
   * bonus token, to {@code out}.
   *
   * @param targetLogits the target's logits, {@code draftCount + 1} rows of {@code vocabularySize}
   *     floats, row {@code i} scoring the token after the context and the first {@code i} drafts;
   *     finite or {@code -Infinity}, at least one finite per row
   * @param draftProbabilities {@code draftCount} rows of {@code vocabularySize} floats, row
   *     {@code i} the draft's distribution {@code q} that draft token {@code i} was drawn from:
   *     finite, non-negative, summing to 1 within {@value #DRAFT_SUM_TOLERANCE}
   * @param draftTokens the draft tokens, in {@code [0, vocabularySize)}, each of positive draft
   *     probability
   * @param draftCount {@code k >= 0}
   * @param vocabularySize {@code V >= 1}, the same on every call
   * @param out receives the output tokens, at least {@code draftCount + 1} ints
   * @return the number of output tokens {@code n}, {@code 1 <= n <= draftCount + 1}: the first
   *     {@code n - 1} are accepted drafts, the last is the correction (if {@code n <= draftCount})
   *     or the bonus token
   * @throws NullPointerException if an array is null
   * @throws IllegalArgumentException for a bad count, size, token or value, naming it; nothing is
   *     changed and no random number is taken
   * @throws PartialVerifyException if a stage throws after drafts were accepted: they are in
   *     {@code out[0, e.acceptedCount())} and told to the stages; what a stage throws before
   *     any draft is accepted propagates as it is, and nothing is changed
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public int verify(float[] targetLogits, float[] draftProbabilities, int[] draftTokens,
      int draftCount, int vocabularySize, int[] out) {
    enter();
    try {
      return verifyDrafts(targetLogits, draftProbabilities, draftTokens, draftCount,
          vocabularySize, out);
    } finally {
      exit();
    }
  }

  private int verifyDrafts(float[] targetLogits, float[] draftProbabilities, int[] draftTokens,
      int draftCount, int vocabularySize, int[] out) {
    validate(targetLogits, draftProbabilities, draftTokens, draftCount, vocabularySize, out);
    long drawBits = held ? heldDrawBits : random.nextLong();
    long acceptBits = held ? heldAcceptBits : random.nextLong();
    held = false;
    try {
      return verifyPositions(targetLogits, draftProbabilities, draftTokens, draftCount,
          vocabularySize, out, drawBits, acceptBits);
    } catch (RuntimeException e) {
      int accepted = acceptedBeforeFailure;
      if (accepted == 0) {
        // Nothing told to the stages: keep the random values for the next call.
        held = true;
        heldDrawBits = drawBits;
        heldAcceptBits = acceptBits;
        throw e;
      }
      throw new PartialVerifyException(accepted, e);
    }
  }

  private int verifyPositions(float[] targetLogits, float[] draftProbabilities,
      int[] draftTokens, int draftCount, int vocabularySize, int[] out, long drawBits,
      long acceptBits) {
    acceptedBeforeFailure = 0;
    int v = vocabularySize;
    for (int i = 0; i < draftCount; i++) {
      Candidates c = chain.apply(targetLogits, i * v, v, Seeds.derive(drawBits, i));
      writeTarget(c);
      int x = draftTokens[i];
      double q = draftProbabilities[i * v + x];
      double u = Seeds.uniform(Seeds.derive(acceptBits, i));
      if (u * q < target[x]) {
        out[i] = x;
        acceptAll(x);
        acceptedBeforeFailure = i + 1;
        continue;
      }
      int token = drawResidual(draftProbabilities, i * v, drawBits);
      out[i] = token;
      acceptAll(token);
      acceptedBeforeFailure = 0;
      return i + 1;
    }
    chain.apply(targetLogits, draftCount * v, v, drawBits);
    int bonus = chain.draw();
    out[draftCount] = bonus;
    acceptAll(bonus);
    acceptedBeforeFailure = 0;
    return draftCount + 1;
  }

  /**
   * Tells the stateful stages about a token that was not produced here, e.g. each prompt token.
   *
   * @param token the token id
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public void accept(int token) {
    enter();
    try {
      acceptAll(token);
    } finally {
      exit();
    }
  }

  /**
   * Forgets the token history of the stateful stages. The random stream is not rewound.
   *
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public void reset() {
    enter();
    try {
      chain.reset();
    } finally {
      exit();
    }
  }

  /**
   * The target's sampling chain.
   *
   * @return the config
   */
  public SamplerConfig config() {
    return config;
  }

  private void acceptAll(int token) {
    chain.accept(token);
  }

  /** Writes the processed probabilities of every token id into {@link #target}. */
  private void writeTarget(Candidates c) {
    float[] p = target;
    if (c.isSelected()) {
      java.util.Arrays.fill(p, 0f);
      p[c.selectedId()] = 1f;
    } else if (c.isWholeVocabulary()) {
      c.writeProbabilities(p);
    } else {
      int n = c.size();
      c.writeProbabilities(scratch);
      java.util.Arrays.fill(p, 0f);
      for (int j = 0; j < n; j++) {
        p[c.id(j)] = scratch[j];
      }
    }
  }

  /**
   * Inverts the cumulative residual {@code max(0, p - q)} (in double, in id order) at
   * {@code uniform(bits)} times its total; from {@code p} if the residual has no mass.
   */
  private int drawResidual(float[] q, int offset, long bits) {
    float[] p = target;
    int v = p.length;
    double total = 0;
    for (int j = 0; j < v; j++) {
      total += Math.max(0.0, (double) p[j] - q[offset + j]);
    }
    boolean fromTarget = !(total > 0);
    if (fromTarget) {
      total = 0;
      for (int j = 0; j < v; j++) {
        total += p[j];
      }
    }
    double threshold = Seeds.uniform(bits) * total;
    double cumulative = 0;
    int last = -1;
    for (int j = 0; j < v; j++) {
      double r = fromTarget ? p[j] : Math.max(0.0, (double) p[j] - q[offset + j]);
      if (r > 0) {
        last = j;
        cumulative += r;
        if (threshold < cumulative) {
          return j;
        }
      }
    }
    return last;
  }

  private void validate(float[] targetLogits, float[] draftProbabilities, int[] draftTokens,
      int draftCount, int vocabularySize, int[] out) {
    Objects.requireNonNull(targetLogits, "targetLogits");
    Objects.requireNonNull(draftProbabilities, "draftProbabilities");
    Objects.requireNonNull(draftTokens, "draftTokens");
    Objects.requireNonNull(out, "out");
    if (vocabularySize < 1) {
      throw new IllegalArgumentException("vocabularySize must be >= 1, got " + vocabularySize);
    }
    if (chain.vocabularySize() != 0 && vocabularySize != chain.vocabularySize()) {
      throw new IllegalArgumentException("vocabularySize " + vocabularySize
          + " differs from the vocabulary size " + chain.vocabularySize()
          + " of the first call");
    }
    if (draftCount < 0) {
      throw new IllegalArgumentException("draftCount must be >= 0, got " + draftCount);
    }
    if (draftTokens.length < draftCount) {
      throw new IllegalArgumentException("draftTokens.length " + draftTokens.length
          + " is less than draftCount " + draftCount);
    }
    if (out.length < draftCount + 1L) {
      throw new IllegalArgumentException("out.length " + out.length
          + " is less than draftCount + 1 = " + (draftCount + 1L));
    }
    long v = vocabularySize;
    if (draftProbabilities.length < draftCount * v) {
      throw new IllegalArgumentException("draftProbabilities.length " + draftProbabilities.length
          + " is less than draftCount * vocabularySize = " + draftCount * v);
    }
    if (targetLogits.length < (draftCount + 1) * v) {
      throw new IllegalArgumentException("targetLogits.length " + targetLogits.length
          + " is less than (draftCount + 1) * vocabularySize = " + (draftCount + 1) * v);
    }
    for (int i = 0; i < draftCount; i++) {
      checkDraftRow(draftProbabilities, i, vocabularySize, draftTokens[i]);
    }
    for (int i = 0; i <= draftCount; i++) {
      checkTargetRow(targetLogits, i, vocabularySize);
    }
    if (target == null) {
      chain.fixVocabularySize(vocabularySize);
      target = new float[vocabularySize];
      scratch = new float[vocabularySize];
    }
  }

  private static void checkDraftRow(float[] q, int row, int v, int token) {
    if (token < 0 || token >= v) {
      throw new IllegalArgumentException(
          "draftTokens[" + row + "] must be in [0, " + v + "), got " + token);
    }
    double sum = 0;
    for (int j = 0; j < v; j++) {
      float x = q[row * v + j];
      if (!(x >= 0f) || x == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException("draftProbabilities[" + row + "][" + j
            + "] must be finite and >= 0, got " + x);
      }
      sum += x;
    }
    if (!(Math.abs(sum - 1) <= DRAFT_SUM_TOLERANCE)) {
      throw new IllegalArgumentException("draftProbabilities row " + row
          + " must sum to 1 (within " + DRAFT_SUM_TOLERANCE + "), got " + sum);
    }
    if (!(q[row * v + token] > 0f)) {
      throw new IllegalArgumentException("draftProbabilities[" + row + "][" + token
          + "] is 0, but draftTokens[" + row + "] = " + token + " was drawn from it");
    }
  }

  private static void checkTargetRow(float[] logits, int row, int v) {
    LogitRule.checkRow(logits, row * v, v, "targetLogits", row);
  }
}
