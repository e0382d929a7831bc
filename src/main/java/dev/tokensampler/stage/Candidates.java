package dev.tokensampler.stage;

import dev.tokensampler.internal.Excerpt;
import dev.tokensampler.internal.logits.LogitRule;
import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.random.Seeds;
import java.nio.FloatBuffer;
import java.util.Objects;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * The tokens still in play for one sampling step, with their logits: what every {@link Stage}
 * reads and changes.
 *
 * <p>A step starts with the whole vocabulary: candidate {@code i} is token {@code i}, read in
 * place from the caller's logits (nothing is copied until a stage writes). Truncating stages
 * shrink the set; once shrunk, candidates are held as compact arrays of ids and logits, and later
 * stages work on those only. The logit of candidate {@code i} is always {@link #logit(int)},
 * which includes any pending temperature ({@link #scale}).
 *
 * <p>Probabilities are the softmax of the current candidates' logits, computed when first asked
 * for with the library's fused kernels (in an internal package), so they are the same
 * on every machine with or without SIMD.
 *
 * <p><b>Input rules.</b> Logits must be finite or {@code -Infinity} (a masked token, probability
 * exactly 0). The first pass that reads them rejects, with an {@link IllegalArgumentException}
 * naming the index and value: {@code NaN}; {@code +Infinity} (force a token with a mask or a
 * bias instead); a vocabulary where every logit is {@code -Infinity}. Every write
 * ({@link #setLogit}, {@link #mask}) and every truncation first validates the current logits (one
 * pass per step at most, none if a stage already did), so that a stage cannot hide an invalid
 * value by overwriting or removing it.
 *
 * <p>Instances come from a {@link Chain}: one per chain, reused for every token, with buffers
 * allocated once (lazily, at most a few arrays of the vocabulary size). Not thread-safe.
 *
 * <p>Internally the candidates are a {@link LogitView} (which tokens, where their logits are),
 * {@link LogitWrites} (copy-on-write and the validation of writes), {@link StepWeights}
 * (maximum, validation, weights, sums, the draw's inversion), {@link Truncation} (how the view
 * shrinks), {@link AllowedTokens} (bitmasks), a {@link Nucleus} (top-p left pending on the whole
 * vocabulary, resolved here before anything reads the view), {@link StepRandom} and
 * {@link StageScratch}; this class is the one face the stages use.
 */
public final class Candidates {
  /**
   * Relative tolerance of mass thresholds: a cumulative mass within one part in a million of the
   * target counts as reaching it, so exact-boundary cases resolve the same way despite rounding.
   */
  static final double MASS_TOLERANCE = 1e-6;

  private final Kernels kernels;
  private final LogitView view;
  private final StepWeights weights;
  private final Truncation truncation;
  private final Nucleus nucleus;
  private final AllowedTokens allowedTokens;
  private final LogitWrites writes;
  private final StepRandom random = new StepRandom();
  private final StageScratch scratch;
  private int selected = -1;
  /** The stage a {@link Chain} is applying, and its index, for messages; null outside. */
  private Stage running;
  private int runningIndex = -1;

  Candidates(int vocabularySize) {
    this(vocabularySize, KernelProvider.newKernels());
  }

  Candidates(int vocabularySize, Kernels kernels) {
    if (vocabularySize < 1) {
      throw new IllegalArgumentException("vocabularySize must be >= 1, got " + vocabularySize);
    }
    this.kernels = Objects.requireNonNull(kernels, "kernels");
    this.view = new LogitView(vocabularySize);
    this.weights = new StepWeights(kernels, view);
    this.truncation = new Truncation(kernels, view, weights);
    this.nucleus = new Nucleus(kernels, view, weights, truncation);
    this.writes = new LogitWrites(kernels, view, weights);
    this.allowedTokens = new AllowedTokens(kernels, view, weights, truncation);
    this.scratch = new StageScratch(vocabularySize);
  }

  // ---- the step, for the chain ----

  /** Starts a step over {@code logits[offset, offset + V)}, read in place, never written. */
  void reset(float[] logits, int offset) {
    Objects.checkFromIndexSize(offset, view.vocabularySize(), logits.length);
    view.start(logits, offset);
    startStep();
  }

  /**
   * Starts a step over {@code V} floats of a buffer from the absolute index {@code index}
   * (position and limit unchanged): read in place from an accessible array, else copied once.
   */
  void reset(FloatBuffer logits, int index) {
    Objects.checkFromIndexSize(index, view.vocabularySize(), logits.limit());
    view.start(logits, index);
    startStep();
  }

  private void startStep() {
    weights.start();
    nucleus.clear();
    selected = -1;
    random.startWithout();
  }

  /** The chain is applying {@code stage}, its stage {@code index} (null and -1 when done). */
  void running(Stage stage, int index) {
    running = stage;
    runningIndex = index;
  }

  /** This step's random value is taken from {@code generator} when first asked for. */
  void takeRandomFrom(UniformRandomProvider generator) {
    random.start(generator);
  }

  /** This step's random value is {@code bits}. */
  void useRandomBits(long bits) {
    random.start(bits);
  }

  /**
   * Validates the logits if no pass has read them yet in this step. A pending nucleus stays
   * pending: its maximum is that of the whole vocabulary.
   */
  void validate() {
    if (selected < 0) {
      weights.rawMax();
    }
  }

  /**
   * The token of the step: the selected one, or one drawn with {@code randomBits} by inverting
   * the cumulative distribution ({@link StepWeights#locate}), or by rejection from a pending
   * nucleus ({@link Nucleus#draw}).
   */
  int draw(long randomBits) {
    if (selected >= 0) {
      return selected;
    }
    if (nucleus.isPending()) {
      return view.id(nucleus.draw(randomBits));
    }
    return view.id(weights.locate(Seeds.uniform(randomBits) * weights.sum()));
  }

  /** The view, with a pending nucleus resolved: every read of the candidates goes through here. */
  private LogitView view() {
    if (nucleus.isPending()) {
      nucleus.materialize();
    }
    return view;
  }

  // ---- the public face ----

  /**
   * The vocabulary size V: token ids are {@code 0..V-1}.
   *
   * @return V
   */
  public int vocabularySize() {
    return view.vocabularySize();
  }

  /**
   * Whether the candidates are still the whole vocabulary in id order (no truncation yet).
   *
   * @return true while candidate {@code i} is token {@code i} for every token
   */
  public boolean isWholeVocabulary() {
    return view.isWhole() && !nucleus.isPending();
  }

  /**
   * The number of candidates.
   *
   * @return at least 1 once the logits have been validated
   */
  public int size() {
    return view().size();
  }

  /**
   * The token id of candidate {@code i}.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   * @return its token id
   */
  public int id(int i) {
    LogitView v = view();
    Objects.checkIndex(i, v.size());
    return v.id(i);
  }

  /**
   * The logit of candidate {@code i}, with any pending temperature applied.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   * @return its logit
   */
  public float logit(int i) {
    LogitView v = view();
    Objects.checkIndex(i, v.size());
    return v.raw(i) * v.scale();
  }

  /**
   * Sets the logit of candidate {@code i}. The first write of a step validates the current
   * logits, unless a pass already did (so that a write cannot hide a NaN or {@code +Infinity} it
   * overwrites), copies the caller's logits (nothing is written to them) and folds any pending
   * temperature into the copy; later writes cost only the write. The maximum stays known for the
   * stages after, unless the write replaces the candidate that held it or writes a larger value.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   * @param value the new logit, finite or {@code -Infinity}
   * @throws IllegalArgumentException if {@code value} is NaN or {@code +Infinity} (in a
   *     {@link Chain}, the message names the stage writing it), or the current logits break the
   *     input rules
   */
  public void setLogit(int i, float value) {
    Objects.checkIndex(i, view().size());
    if (!LogitRule.isValid(value)) {
      if (running != null) {
        throw LogitRule.invalid("the value that stage " + runningIndex + " ("
            + Excerpt.of(String.valueOf(running)) + ") set for candidate " + i, value);
      }
      throw LogitRule.invalid("the value of candidate " + i, value);
    }
    writes.prepareMask();
    writes.write(i, value);
  }

  /**
   * Masks candidate {@code i}: its logit becomes {@code -Infinity}, probability 0. Validates as
   * {@link #setLogit} does (one pass per step at most), so masking cannot hide an invalid logit.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   * @throws IllegalArgumentException if the current logits break the input rules
   */
  public void mask(int i) {
    Objects.checkIndex(i, view().size());
    writes.prepareMask();
    writes.write(i, Float.NEGATIVE_INFINITY);
  }

  /**
   * Multiplies every logit by {@code factor} (a temperature of {@code 1 / factor}). This costs
   * nothing: the factor is applied inside the softmax kernel. Factors accumulate; if their product
   * overflows a float, the largest logit is selected (the zero-temperature limit), and if it
   * underflows to 0, the smallest positive float is used (the infinite-temperature limit: uniform
   * over the unmasked candidates).
   *
   * @param factor a positive finite factor
   * @throws IllegalArgumentException if {@code factor} is not positive and finite
   */
  public void scale(float factor) {
    if (!(factor > 0f) || factor == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("factor must be positive and finite, got " + factor);
    }
    LogitView v = view();
    float product = v.scale() * factor;
    if (product == Float.POSITIVE_INFINITY) {
      selectMax();
      return;
    }
    v.setScale(product == 0f ? Float.MIN_VALUE : product);
    weights.forgetWeights();
  }

  /**
   * The probability of candidate {@code i}: the softmax over the current candidates.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   * @return its probability in {@code [0, 1]}
   */
  public float probability(int i) {
    Objects.checkIndex(i, view().size());
    float[] w = weights.weights();
    return (float) (w[i] / weights.sum());
  }

  /**
   * The largest logit, with any pending temperature applied. The first call of a step validates
   * the current logits (one SIMD pass on the whole vocabulary).
   *
   * @return the maximum
   * @throws IllegalArgumentException if a logit is NaN or +Infinity, or every logit is -Infinity
   */
  public float maxLogit() {
    return rawMax() * view.scale();
  }

  /**
   * The natural log of the softmax's normaliser: {@code ln S} with {@code S} the sum over the
   * candidates of {@code exp(logit - maxLogit())}, in float. The log-probability of a candidate
   * is {@code logit - maxLogit() - logNormalizer()} (exactly so without a pending temperature;
   * {@link #writeLogProbabilities} computes it for every candidate).
   *
   * @return {@code ln S}, at least 0
   * @throws IllegalArgumentException if the logits break the input rules
   */
  public float logNormalizer() {
    view();
    return (float) Math.log(weights.sum());
  }

  /**
   * Writes the probability of every candidate, in candidate order, into {@code out}.
   *
   * @param out at least {@link #size()} floats
   */
  public void writeProbabilities(float[] out) {
    Objects.checkFromIndexSize(0, view().size(), out.length);
    weights.writeProbabilities(out, selected < 0 ? -1 : view.positionOf(selected));
  }

  /**
   * Writes the natural log-probability of every candidate, in candidate order, into {@code out}:
   * {@code logit - max - ln(sum of exp)}, computed without rounding tiny probabilities to 0.
   * Masked tokens get {@code -Infinity}.
   *
   * @param out at least {@link #size()} floats
   */
  public void writeLogProbabilities(float[] out) {
    Objects.checkFromIndexSize(0, view().size(), out.length);
    weights.writeLogProbabilities(out, selected < 0 ? -1 : view.positionOf(selected));
  }

  /**
   * Chooses the token: later stages are skipped and the sampler returns it.
   *
   * @param i the candidate position, {@code 0 <= i < size()}
   */
  public void select(int i) {
    LogitView v = view();
    Objects.checkIndex(i, v.size());
    selected = v.id(i);
  }

  /**
   * Selects the candidate with the largest logit; ties go to the lowest token id. One SIMD pass
   * on the whole vocabulary.
   *
   * @throws IllegalArgumentException if a candidate's logit is NaN or +Infinity, or every
   *     candidate's logit is -Infinity
   */
  public void selectMax() {
    LogitView v = view();
    selected = v.id(weights.maxPosition());
  }

  /**
   * Whether a token has been selected in this step.
   *
   * @return true after {@link #select} or {@link #selectMax}
   */
  public boolean isSelected() {
    return selected >= 0;
  }

  /**
   * The selected token id.
   *
   * @return the token id, or -1 if none is selected
   */
  public int selectedId() {
    return selected;
  }

  /**
   * The 64 random bits of this step: the value the {@link Chain} draws the token with. The first
   * call in a step takes exactly one {@code nextLong()} from the sampler's generator; later calls
   * in the same step return the same value, so a step never takes more than one value, whichever
   * stages ask. A stage that needs randomness of its own derives it with
   * {@link Seeds#derive(long, int)} and a salt of its own, so that it is independent of the draw.
   *
   * <p>A stage must validate the logits (e.g. by {@link #maxLogit()}) before asking, so that
   * invalid logits throw before any value is taken. If a step throws after a stage took the value
   * (a custom stage later in the chain failing), that value is spent: the generator has moved on
   * by one, as if a token had been drawn.
   *
   * @return the bits
   * @throws IllegalStateException if the chain was applied without a generator or bits
   */
  public long randomBits() {
    return random.bits();
  }

  // ---- truncation primitives ----

  /**
   * Keeps the candidates whose logit ({@link #logit}, with any pending temperature) is at least
   * {@code threshold}, in their order, after validating the current logits; if fewer than
   * {@code minKeep} pass, keeps the {@code minKeep} largest logits and their ties instead (as
   * {@link #keepLargest}). {@code -Infinity} logits never pass. On the whole vocabulary this is
   * one SIMD selection pass (no sort) and the survivors become explicit.
   *
   * @param threshold the smallest logit kept, finite
   * @param minKeep the fewest candidates kept, at least 1
   * @throws IllegalArgumentException if {@code threshold} is not finite, {@code minKeep < 1}, or
   *     the logits break the input rules
   */
  public void keepAtLeast(float threshold, int minKeep) {
    Truncation.checkThreshold(threshold, minKeep);
    rawMax();
    truncation.keepAtLeast(Truncation.rawThreshold(threshold, view.scale()), minKeep);
  }

  /**
   * Keeps the candidates whose token id is one of {@code tokenIds}, in their order, after
   * validating the current logits (so that dropping a candidate cannot hide an invalid logit).
   * On the whole vocabulary the kept tokens become explicit candidates in id order, at one step
   * per listed id after the validating pass.
   *
   * @param tokenIds strictly increasing token ids, each in {@code [0, V)}
   * @throws IllegalArgumentException if the ids are not strictly increasing or out of range, if
   *     none of them is a candidate, or if the logits break the input rules
   */
  public void keepTokens(int... tokenIds) {
    Truncation.checkTokenIds(tokenIds, view.vocabularySize());
    rawMax();
    if (truncation.keepTokens(tokenIds, tokenIds.length) == 0) {
      throw new IllegalArgumentException("tokenIds keeps none of the " + size()
          + " candidates: no token can be sampled");
    }
  }

  /**
   * Keeps the candidates whose token has its bit set in an allowed-token bitmask of 64-bit words,
   * as grammar engines produce them: token {@code id} is allowed iff bit {@code id & 63} of
   * {@code allowedBits[id >>> 6]} is 1 (bits past the vocabulary are ignored). Every current
   * logit is validated, allowed or not, so the mask cannot hide a NaN or {@code +Infinity}. On the
   * whole vocabulary this is one SIMD pass that validates, masks a copy (the caller's logits are
   * never written) and finds the new maximum; a set of at most 1,024 tokens (and at most an eighth
   * of the vocabulary) becomes explicit candidates in id order instead.
   *
   * @param allowedBits at least {@code ceil(V / 64)} words
   * @throws IllegalArgumentException if {@code allowedBits} is too short, if no candidate is
   *     allowed or every allowed candidate's logit is {@code -Infinity} (the step then cannot
   *     continue), or if the logits break the input rules
   * @throws NullPointerException if {@code allowedBits} is null
   */
  public void keepAllowed(long[] allowedBits) {
    AllowedTokens.checkWords(allowedBits.length, 64, view.vocabularySize());
    view();
    if (!allowedTokens.keepAllowed(allowedBits)) {
      throw AllowedTokens.noneAllowed();
    }
  }

  /**
   * {@link #keepAllowed(long[])} with 32-bit words: token {@code id} is allowed iff bit
   * {@code id & 31} of {@code allowedBits[id >>> 5]} is 1.
   *
   * @param allowedBits at least {@code ceil(V / 32)} words
   * @throws IllegalArgumentException as {@link #keepAllowed(long[])}
   * @throws NullPointerException if {@code allowedBits} is null
   */
  public void keepAllowed(int[] allowedBits) {
    AllowedTokens.checkWords(allowedBits.length, 32, view.vocabularySize());
    view();
    if (!allowedTokens.keepAllowed(allowedBits)) {
      throw AllowedTokens.noneAllowed();
    }
  }

  // ---- for the built-in stages: the pieces, with a pending nucleus resolved ----

  /** The maximum raw logit (before scale), validating the input on the step's first pass. */
  float rawMax() {
    view();
    return weights.rawMax();
  }

  /**
   * The candidates' view, for the loops of the built-in stages: read only (writes and truncations
   * go through {@link #writes()} and {@link #truncation()}, which keep the pieces in step).
   */
  LogitView logitView() {
    return view();
  }

  /** The writes to the logits (see {@link LogitWrites}). */
  LogitWrites writes() {
    view();
    return writes;
  }

  /**
   * The truncations of the view. They do not validate: a stage validates first (e.g. by
   * {@link #rawMax}).
   */
  Truncation truncation() {
    view();
    return truncation;
  }

  /** The maximum, weights, sums, entropy and draws of the view. */
  StepWeights stepWeights() {
    view();
    return weights;
  }

  /** The work arrays of the built-in stages. */
  StageScratch scratch() {
    return scratch;
  }

  /** Leaves pending the nucleus of mass {@code p} of the whole vocabulary (see {@link Nucleus}). */
  void setNucleus(double p, int minKeep) {
    view();
    nucleus.set(p, minKeep);
  }

  /**
   * Keeps the {@code k} candidates with the largest logits and every candidate tied with the k-th,
   * after validating the current logits. On the whole vocabulary this is one SIMD pass with a heap
   * of size k (no sort of the vocabulary) and the survivors become explicit, sorted by logit
   * (largest first, ties by increasing id); explicit candidates are sorted and cut. Keeps
   * everything if {@code k >= size()}; {@code -Infinity} logits are kept only then or as ties.
   *
   * @param k how many to keep, at least 1
   * @throws IllegalArgumentException if {@code k < 1} or the logits break the input rules
   */
  public void keepLargest(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, got " + k);
    }
    LogitView v = view();
    if (k >= v.size()) {
      weights.rawMax();
      return;
    }
    truncation.keepLargest(k);
  }
}
