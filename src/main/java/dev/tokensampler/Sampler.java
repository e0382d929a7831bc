package dev.tokensampler;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import dev.tokensampler.stage.Stage;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.FloatBuffer;
import java.util.ConcurrentModificationException;
import java.util.Objects;
import org.apache.commons.rng.RandomProviderState;
import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.core.RandomProviderDefaultState;

/**
 * Samples the tokens of one sequence: one call per token, logits in, token id out.
 *
 * <p>Each call runs the config's stages in order on the candidates (the whole vocabulary at
 * first), then draws from what is left, unless a stage selected the token. Then every stage is
 * told the chosen token ({@link Stage#accept}). Every call that returns a token takes exactly one
 * {@code nextLong()} from the random stream, whatever the chain and the logits, and a call that
 * throws takes none (a value a stage took before the failure is kept for the next call, and saved
 * with the state), so the randomness of step {@code n} depends only on the seed and {@code n}. Stages that need randomness (XTC, mirostat) share that one value
 * ({@link Candidates#randomBits()}), which also draws the token. The chain of stages and its step
 * are a {@link Chain}.
 *
 * <p>The vocabulary size is fixed by the first call; the sampler allocates its buffers then and
 * nothing afterwards. The caller's logits are read, never written. A sampler is not thread-safe:
 * use one per sequence (they are cheap). A call to {@code sample}, {@link #accept},
 * {@link #reset}, {@link #saveState} or {@link #restoreState} that starts while another is in
 * progress (from a second thread, or from a stage calling its own sampler) fails fast with a
 * {@link ConcurrentModificationException} and changes nothing; the call in progress completes
 * normally. The check is one atomic flag per call; it does not make
 * a sampler safe to share, since calls that merely alternate between threads are not detected.
 *
 * <p>Errors: {@link NullPointerException} for null logits; {@link IllegalArgumentException},
 * naming the parameter and value, for an empty or mis-sized vector, for logits that are
 * {@code NaN}, {@code +Infinity} or all {@code -Infinity} (see {@link Candidates}), and for an
 * accepted token id outside {@code [0, V)} (checked by {@link #accept} once the vocabulary size V
 * is known, and for tokens accepted before it, by the first {@code sample}).
 */
public final class Sampler {
  private final SamplerConfig config;
  private final Chain chain;
  private final UniformRandomProvider random;
  /** The generator as the steps see it: a failed step's value is kept for the next. */
  private final StepRandom stepRandom;
  /** The largest token accepted before the vocabulary size was known, or -1. */
  private int largestEarlyToken = -1;
  private long tokens;
  private LogprobRecorder recorder;
  /** Set for the duration of every call that reads or changes the state. */
  private volatile boolean busy;

  private static final VarHandle BUSY;

  static {
    try {
      BUSY = MethodHandles.lookup().findVarHandle(Sampler.class, "busy", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  Sampler(SamplerConfig config, UniformRandomProvider random) {
    this.config = config;
    this.chain = new Chain(config.stages());
    this.random = random;
    this.stepRandom = new StepRandom(random);
  }

  /**
   * Samples the next token.
   *
   * @param logits one logit per token id
   * @return the token id, in {@code [0, logits.length)}
   * @throws NullPointerException if {@code logits} is null
   * @throws IllegalArgumentException if the logits are empty, differ in length from the first
   *     call, or break the input rules
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public int sample(float[] logits) {
    Objects.requireNonNull(logits, "logits");
    return sample(logits, 0, logits.length);
  }

  /**
   * Samples the next token from {@code logits[offset, offset + length)}: token {@code i} has logit
   * {@code logits[offset + i]} (e.g. one row of a batch).
   *
   * @param logits the array
   * @param offset index of token 0's logit
   * @param length the vocabulary size
   * @return the token id, in {@code [0, length)}
   * @throws NullPointerException if {@code logits} is null
   * @throws IndexOutOfBoundsException if the range does not fit the array
   * @throws IllegalArgumentException if {@code length} is 0, differs from the first call, or the
   *     logits break the input rules
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public int sample(float[] logits, int offset, int length) {
    Objects.requireNonNull(logits, "logits");
    checkRange(offset, length, logits.length, "logits.length");
    enter();
    try {
      checkEarlyTokens(length);
      chain.apply(logits, offset, length, stepRandom);
      return finish();
    } finally {
      exit();
    }
  }

  /**
   * Samples the next token from the buffer's remaining floats (position to limit), which are
   * left unchanged. A direct buffer is copied once into the sampler's own array; a heap buffer is
   * read in place.
   *
   * @param logits the buffer
   * @return the token id, in {@code [0, logits.remaining())}
   * @throws NullPointerException if {@code logits} is null
   * @throws IllegalArgumentException if nothing remains, the size differs from the first call, or
   *     the logits break the input rules
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public int sample(FloatBuffer logits) {
    Objects.requireNonNull(logits, "logits");
    enter();
    try {
      checkEarlyTokens(logits.remaining());
      chain.apply(logits, logits.position(), logits.remaining(), stepRandom);
      return finish();
    } finally {
      exit();
    }
  }

  /**
   * Samples the next token from {@code logits.get(offset + i)} for {@code i < length}, by absolute
   * index (one row of a batch in a larger buffer); the buffer's position and limit are unchanged.
   * A direct buffer is copied once into the sampler's own array; a heap buffer is read in place.
   *
   * @param logits the buffer
   * @param offset the absolute index of token 0's logit
   * @param length the vocabulary size
   * @return the token id, in {@code [0, length)}
   * @throws NullPointerException if {@code logits} is null
   * @throws IndexOutOfBoundsException if the range does not fit the buffer's limit
   * @throws IllegalArgumentException if {@code length} is 0, differs from the first call, or the
   *     logits break the input rules
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public int sample(FloatBuffer logits, int offset, int length) {
    Objects.requireNonNull(logits, "logits");
    checkRange(offset, length, logits.limit(), "logits.limit()");
    enter();
    try {
      checkEarlyTokens(length);
      chain.apply(logits, offset, length, stepRandom);
      return finish();
    } finally {
      exit();
    }
  }

  /**
   * {@link #sample(float[])}, also writing the log-probabilities of the sampled token and its
   * alternatives into {@code out} (see {@link TokenLogprobs} for what is reported). The token is
   * the one {@code sample(logits)} would return: asking for log-probabilities never changes the
   * random stream. Costs about three extra passes over the logits (raw maximum, sum and top-N),
   * plus the processed log-softmax over the remaining candidates, and a threshold search when a
   * whole-vocabulary top-p is the last truncation; allocates nothing after the first call.
   *
   * @param logits one logit per token id
   * @param out the holder to fill
   * @return the token id
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #sample(float[])}, and if a raw logit is
   *     {@code NaN} or {@code +Infinity} even though a stage masked it
   */
  public int sample(float[] logits, TokenLogprobs out) {
    Objects.requireNonNull(logits, "logits");
    return sample(logits, 0, logits.length, out);
  }

  /**
   * {@link #sample(float[], int, int)} with log-probabilities, as
   * {@link #sample(float[], TokenLogprobs)}.
   *
   * @param logits the array
   * @param offset index of token 0's logit
   * @param length the vocabulary size
   * @param out the holder to fill
   * @return the token id
   * @throws NullPointerException if an argument is null
   * @throws IndexOutOfBoundsException if the range does not fit the array
   * @throws IllegalArgumentException as {@link #sample(float[], TokenLogprobs)}
   */
  public int sample(float[] logits, int offset, int length, TokenLogprobs out) {
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(out, "out");
    checkRange(offset, length, logits.length, "logits.length");
    enter();
    try {
      checkEarlyTokens(length);
      Candidates c = chain.apply(logits, offset, length, stepRandom);
      recorder().recordRaw(logits, offset, length, out);
      int token = chain.draw();
      recorder.recordProcessed(token, logits[offset + token], c, out);
      return accepted(token);
    } finally {
      exit();
    }
  }

  /**
   * {@link #sample(FloatBuffer)} with log-probabilities, as
   * {@link #sample(float[], TokenLogprobs)}. A direct buffer is copied once more, for the raw
   * values.
   *
   * @param logits the buffer
   * @param out the holder to fill
   * @return the token id
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #sample(float[], TokenLogprobs)}
   */
  public int sample(FloatBuffer logits, TokenLogprobs out) {
    Objects.requireNonNull(logits, "logits");
    return sample(logits, logits.position(), logits.remaining(), out);
  }

  /**
   * {@link #sample(FloatBuffer, int, int)} with log-probabilities, as
   * {@link #sample(float[], TokenLogprobs)}.
   *
   * @param logits the buffer
   * @param offset the absolute index of token 0's logit
   * @param length the vocabulary size
   * @param out the holder to fill
   * @return the token id
   * @throws NullPointerException if an argument is null
   * @throws IndexOutOfBoundsException if the range does not fit the buffer's limit
   * @throws IllegalArgumentException as {@link #sample(float[], TokenLogprobs)}
   */
  public int sample(FloatBuffer logits, int offset, int length, TokenLogprobs out) {
    Objects.requireNonNull(logits, "logits");
    Objects.requireNonNull(out, "out");
    checkRange(offset, length, logits.limit(), "logits.limit()");
    enter();
    try {
      checkEarlyTokens(length);
      Candidates c = chain.apply(logits, offset, length, stepRandom);
      recorder().recordRaw(logits, offset, length, out);
      int token = chain.draw();
      recorder.recordProcessed(token, logits.get(offset + token), c, out);
      return accepted(token);
    } finally {
      exit();
    }
  }

  /**
   * Tells the stateful stages about a token that was not sampled here, e.g. each prompt token
   * before the first call to {@code sample}.
   *
   * @param token the token id, in {@code [0, V)} once the vocabulary size V is known; a token
   *     accepted before is checked by the first {@code sample}
   * @throws IllegalArgumentException if the token is negative, or not below a known V
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public void accept(int token) {
    enter();
    try {
      if (token < 0) {
        throw new IllegalArgumentException("token must be >= 0, got " + token);
      }
      int size = chain.vocabularySize();
      if (size != 0 && token >= size) {
        throw new IllegalArgumentException(
            "token " + token + " is outside the vocabulary of size " + size);
      }
      if (size == 0 && token > largestEarlyToken) {
        largestEarlyToken = token;
      }
      chain.accept(token);
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
      largestEarlyToken = -1;
    } finally {
      exit();
    }
  }

  /** Before the first sample fixes V: the tokens accepted until then must be below it. */
  private void checkEarlyTokens(int length) {
    if (largestEarlyToken >= length && length >= 1 && chain.vocabularySize() == 0) {
      throw new IllegalArgumentException("token " + largestEarlyToken + " accepted before the"
          + " first sample is outside the vocabulary of size " + length
          + "; reset() the sampler and accept the prompt again");
    }
  }

  /**
   * The number of tokens sampled so far (tokens passed to {@link #accept} do not count).
   *
   * @return the count
   */
  public long tokensSampled() {
    return tokens;
  }

  /**
   * Saves everything this sampler will use from now on: its random generator's state, the state
   * of its stages (token histories, running values), its vocabulary size and token count. A sampler
   * of the same chain that {@linkplain #restoreState restores} it continues exactly as this one
   * would. The format carries a version and a checksum (see {@code SamplerState}).
   *
   * @return the state
   * @throws IllegalStateException if the generator cannot save its state (a caller's generator
   *     that is not a Commons RNG {@code RestorableUniformRandomProvider})
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public byte[] saveState() {
    enter();
    try {
      byte[] generatorState = defaultState(restorable().saveState());
      return SamplerState.write(chain, vocabularySize(), tokens, random.getClass().getName(),
          generatorState, stepRandom.isHeld() ? (Long) stepRandom.heldValue() : null);
    } finally {
      exit();
    }
  }

  /**
   * Replaces this sampler's state with a saved one. Everything is checked before anything changes;
   * on failure this sampler is left as it was.
   *
   * @param state bytes from {@link #saveState()} of a sampler with the same chain and generator type
   * @throws NullPointerException if {@code state} is null
   * @throws IllegalArgumentException if the bytes are not such a state (wrong magic, version,
   *     checksum, chain, generator, vocabulary size, a history id not below the vocabulary size,
   *     or damaged), saying which; a state saved before the first sample, restored by a sampler
   *     that has not sampled either, has its history ids checked by the first {@code sample}
   * @throws IllegalStateException if this sampler's generator cannot restore a state
   * @throws ConcurrentModificationException if another call on this sampler is in progress
   */
  public void restoreState(byte[] state) {
    Objects.requireNonNull(state, "state");
    enter();
    try {
      restore(state);
    } finally {
      exit();
    }
  }

  private void restore(byte[] state) {
    RestorableUniformRandomProvider generator = restorable();
    SamplerState.Parsed parsed =
        SamplerState.read(state, chain, random.getClass().getName());
    int size = chain.vocabularySize();
    if (size != 0 && parsed.vocabularySize != 0 && parsed.vocabularySize != size) {
      throw new IllegalArgumentException(
          "state has vocabulary size " + parsed.vocabularySize + ", this sampler " + size);
    }
    byte[] current = defaultState(generator.saveState());
    try {
      // A generator may accept a state whose internal position is out of range and fail only
      // when drawing: draw once to check, then restore the state again to undo the draw.
      generator.restoreState(new RandomProviderDefaultState(parsed.generatorState));
      generator.nextLong();
      generator.restoreState(new RandomProviderDefaultState(parsed.generatorState));
    } catch (RuntimeException e) {
      generator.restoreState(new RandomProviderDefaultState(current));
      throw new IllegalArgumentException("state holds an invalid generator state: " + e, e);
    }
    int known = parsed.vocabularySize > 0 ? parsed.vocabularySize : size;
    int largestToken;
    try {
      largestToken = chain.restoreState(
          new DataInputStream(new ByteArrayInputStream(parsed.stageStates)), known);
    } catch (IOException | RuntimeException e) {
      generator.restoreState(new RandomProviderDefaultState(current));
      throw new IllegalArgumentException("state is truncated or malformed: " + e, e);
    }
    tokens = parsed.tokens;
    if (parsed.vocabularySize > 0) {
      chain.fixVocabularySize(parsed.vocabularySize);
    }
    // Ids of a state saved before V was known are checked by the first sample, as accepted ones.
    largestEarlyToken = known > 0 ? -1 : largestToken;
    stepRandom.hold(parsed.keptRandomValue != null,
        parsed.keptRandomValue == null ? 0L : parsed.keptRandomValue);
  }

  private RestorableUniformRandomProvider restorable() {
    if (!(random instanceof RestorableUniformRandomProvider)) {
      throw new IllegalStateException(
          "the generator " + random.getClass().getName() + " cannot save or restore its state");
    }
    return (RestorableUniformRandomProvider) random;
  }

  private static byte[] defaultState(RandomProviderState state) {
    if (!(state instanceof RandomProviderDefaultState)) {
      throw new IllegalStateException(
          "the generator's state " + state.getClass().getName() + " cannot be serialised");
    }
    return ((RandomProviderDefaultState) state).getState();
  }

  /**
   * The config this sampler was made from.
   *
   * @return the config
   */
  public SamplerConfig config() {
    return config;
  }

  /**
   * The vocabulary size fixed by the first call.
   *
   * @return the size, or 0 before the first call
   */
  public int vocabularySize() {
    return chain.vocabularySize();
  }

  private void enter() {
    if ((boolean) BUSY.getAndSet(this, true)) {
      throw new ConcurrentModificationException(
          "a Sampler is used by two threads at once (or re-entered from one of its stages); use"
              + " one sampler per thread and sequence");
    }
  }

  private void exit() {
    BUSY.setRelease(this, false);
  }

  private static void checkRange(int offset, int length, int size, String sizeName) {
    if (offset < 0 || length < 0 || offset > size - length) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + " and length " + length + " do not fit " + sizeName + " " + size);
    }
  }

  /** Counts and accepts the token of a step that {@link Chain#apply} ran. */
  private int finish() {
    return accepted(chain.draw());
  }

  private int accepted(int token) {
    tokens++;
    chain.accept(token);
    stepRandom.commit();
    return token;
  }

  private LogprobRecorder recorder() {
    if (recorder == null) {
      recorder = new LogprobRecorder();
    }
    return recorder;
  }
}
