package dev.tokensampler.stage;

import dev.tokensampler.internal.Excerpt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * A sampler chain (llama.cpp's {@code llama_sampler_chain}): its own copies of some stages, the
 * {@link Candidates} they work on, and the step that applies them in order, stopping early once
 * one selects the token. {@link dev.tokensampler.Sampler} and
 * {@link dev.tokensampler.speculative.SpeculativeSampler} are built on it; it can also serve a
 * caller that wants the processed distribution of some logits.
 *
 * <p>A step is {@link #apply} (start the candidates on the logits, run the stages, validate),
 * {@link #draw} and {@link #accept}; the candidates may be read after the draw, and stay as the
 * step left them until the next {@code apply}. Reading them between {@code apply} and
 * {@code draw} is allowed but may change the token the random value draws: a top-p nucleus left
 * pending on the whole vocabulary is then resolved into explicit candidates, and the draw inverts
 * their distribution instead of drawing from the vocabulary by rejection. The distribution is the
 * same; the token for given random bits may differ. {@link dev.tokensampler.Sampler} reads only
 * after the draw, so its tokens are those of a chain that is not read. The step's random value
 * ({@link Candidates#randomBits()}) is given to {@code apply}: as a generator, from which exactly
 * one {@code nextLong()} is taken when a stage or the draw first needs it (none if the step throws
 * before), or as the bits themselves. The vocabulary size is fixed by the first step; the
 * candidates' buffers are allocated then, and nothing per token afterwards. A step that throws
 * (a stage or the validation) leaves the built-in stages' state as it was before it. Not
 * thread-safe.
 */
public final class Chain {
  private Stage[] stages;
  private Candidates candidates;

  /**
   * A chain of copies ({@link Stage#copy()}) of the given stages, in order.
   *
   * @param prototypes the stages
   * @throws NullPointerException if the list, a stage or a copy is null
   */
  public Chain(List<? extends Stage> prototypes) {
    Stage[] copies = new Stage[prototypes.size()];
    for (int i = 0; i < copies.length; i++) {
      copies[i] = Objects.requireNonNull(
          Objects.requireNonNull(prototypes.get(i), "stage").copy(), "copy() of a stage");
    }
    this.stages = copies;
  }

  /**
   * The stages of this chain (its own copies), in order.
   *
   * @return an unmodifiable list
   */
  public List<Stage> stages() {
    return Collections.unmodifiableList(Arrays.asList(stages));
  }

  /**
   * The vocabulary size fixed by the first step.
   *
   * @return the size, or 0 before the first step
   */
  public int vocabularySize() {
    return candidates == null ? 0 : candidates.vocabularySize();
  }

  /**
   * Fixes the vocabulary size before the first step, as that step would (e.g. for a restored
   * state); nothing if it is already {@code vocabularySize}.
   *
   * @param vocabularySize {@code V >= 1}
   * @throws IllegalArgumentException if {@code V < 1} or another size is fixed
   */
  public void fixVocabularySize(int vocabularySize) {
    candidates(vocabularySize);
  }

  /**
   * Runs the chain on {@code logits[offset, offset + length)} (token {@code i} has logit
   * {@code logits[offset + i]}; the array is never written), taking the step's random value from
   * {@code random} when first needed.
   *
   * @param logits the logits
   * @param offset index of token 0's logit
   * @param length the vocabulary size
   * @param random the generator of the step's random value
   * @return the candidates after the stages, validated, until the next step
   * @throws NullPointerException if an argument is null
   * @throws IndexOutOfBoundsException if the range does not fit the array
   * @throws IllegalArgumentException if {@code length} is 0 or differs from the first step, or
   *     the logits break the input rules
   */
  public Candidates apply(float[] logits, int offset, int length, UniformRandomProvider random) {
    Objects.requireNonNull(random, "random");
    Candidates c = candidates(length);
    c.reset(logits, offset);
    c.takeRandomFrom(random);
    return run(c);
  }

  /**
   * Runs the chain on {@code length} floats of a buffer from the absolute index {@code index}
   * (position and limit unchanged; a buffer without an accessible array is copied once), as
   * {@link #apply(float[], int, int, UniformRandomProvider)}.
   *
   * @param logits the buffer
   * @param index the absolute index of token 0's logit
   * @param length the vocabulary size
   * @param random the generator of the step's random value
   * @return the candidates after the stages, validated, until the next step
   * @throws NullPointerException if an argument is null
   * @throws IndexOutOfBoundsException if the floats do not fit below the limit
   * @throws IllegalArgumentException as {@link #apply(float[], int, int, UniformRandomProvider)}
   */
  public Candidates apply(FloatBuffer logits, int index, int length,
      UniformRandomProvider random) {
    Objects.requireNonNull(random, "random");
    Candidates c = candidates(length);
    c.reset(logits, index);
    c.takeRandomFrom(random);
    return run(c);
  }

  /**
   * Runs the chain with {@code randomBits} as the step's random value, as
   * {@link #apply(float[], int, int, UniformRandomProvider)}.
   *
   * @param logits the logits
   * @param offset index of token 0's logit
   * @param length the vocabulary size
   * @param randomBits the step's 64 random bits
   * @return the candidates after the stages, validated, until the next step
   * @throws NullPointerException if {@code logits} is null
   * @throws IndexOutOfBoundsException if the range does not fit the array
   * @throws IllegalArgumentException as {@link #apply(float[], int, int, UniformRandomProvider)}
   */
  public Candidates apply(float[] logits, int offset, int length, long randomBits) {
    Candidates c = candidates(length);
    c.reset(logits, offset);
    c.useRandomBits(randomBits);
    return run(c);
  }

  /**
   * Runs the chain without randomness, for a processed distribution: a stage that asks for the
   * step's random value (XTC below probability 1, mirostat) throws, and so does {@link #draw}.
   *
   * @param logits the logits
   * @param offset index of token 0's logit
   * @param length the vocabulary size
   * @return the candidates after the stages, validated, until the next step
   * @throws NullPointerException if {@code logits} is null
   * @throws IndexOutOfBoundsException if the range does not fit the array
   * @throws IllegalArgumentException as {@link #apply(float[], int, int, UniformRandomProvider)}
   */
  public Candidates apply(float[] logits, int offset, int length) {
    Candidates c = candidates(length);
    c.reset(logits, offset);
    return run(c);
  }

  /**
   * Runs the chain without randomness on {@code length} floats of a buffer from the absolute
   * index {@code index}, as {@link #apply(float[], int, int)}.
   *
   * @param logits the buffer
   * @param index the absolute index of token 0's logit
   * @param length the vocabulary size
   * @return the candidates after the stages, validated, until the next step
   * @throws NullPointerException if {@code logits} is null
   * @throws IndexOutOfBoundsException if the floats do not fit below the limit
   * @throws IllegalArgumentException as {@link #apply(float[], int, int, UniformRandomProvider)}
   */
  public Candidates apply(FloatBuffer logits, int index, int length) {
    Candidates c = candidates(length);
    c.reset(logits, index);
    return run(c);
  }

  private Candidates run(Candidates c) {
    int applied = 0;
    try {
      while (applied < stages.length) {
        c.running(stages[applied], applied);
        stages[applied++].apply(c);
        if (c.isSelected()) {
          break;
        }
      }
      c.running(null, -1);
      c.validate();
    } catch (RuntimeException | Error e) {
      c.running(null, -1);
      undoStep(applied);
      throw e;
    }
    return c;
  }

  /**
   * A failed step: the first {@code applied} stages undo what their apply changed (of the
   * built-in stages only {@code MinNewTokens} changes state in apply before the step can still
   * fail; the mirostats update {@code mu} as they select, which ends the stages and skips the
   * validation, and the other stages change state in accept).
   */
  private void undoStep(int applied) {
    for (int i = 0; i < applied; i++) {
      if (stages[i] instanceof StepUndo) {
        ((StepUndo) stages[i]).undoStep();
      }
    }
  }

  /**
   * The token of the step that {@link #apply} ran: the selected one, or one drawn from the
   * candidates with the step's random value (see {@link Candidates#randomBits()}), which is taken
   * in either case. Does not {@link #accept} it. Reading the candidates before this call may change
   * which token the random value draws (from the same distribution; see the class comment).
   *
   * @return the token id
   * @throws IllegalStateException before the first step, or if the step has no random value
   */
  public int draw() {
    if (candidates == null) {
      throw new IllegalStateException("no step to draw from: call apply first");
    }
    Candidates c = candidates;
    return c.draw(c.randomBits());
  }

  /**
   * Tells every stage the chosen token (or a prompt token), in order.
   *
   * @param token the token id
   */
  public void accept(int token) {
    for (Stage stage : stages) {
      stage.accept(token);
    }
  }

  /** Tells every stage to forget what {@link #accept} told it. */
  public void reset() {
    for (Stage stage : stages) {
      stage.reset();
    }
  }

  /**
   * Writes the state of every stage ({@link Stage#saveState}), in order: for each, an
   * {@code int n}, then {@code n} bytes.
   *
   * @param out where the state goes
   * @throws IOException if {@code out} or a stage fails
   */
  public void saveState(DataOutput out) throws IOException {
    for (int i = 0; i < stages.length; i++) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try {
        stages[i].saveState(new DataOutputStream(bytes));
      } catch (IOException e) {
        throw new IOException("stage " + i + " (" + Excerpt.of(stages[i].toString())
            + ") failed to save its state: " + Excerpt.of(e.toString()), e);
      }
      out.writeInt(bytes.size());
      out.write(bytes.toByteArray());
    }
  }

  /**
   * Replaces the state of every stage with one written by {@link #saveState} of a chain of the
   * same stages. Reads everything into new copies first: on failure, this chain is unchanged.
   *
   * @param in where the state comes from
   * @throws IOException if {@code in} fails, ends early, or a stage rejects its state (e.g. a
   *     token id in a history not below the vocabulary size fixed by the first step) or leaves
   *     some of it unread
   */
  public void restoreState(DataInput in) throws IOException {
    restoreState(in, vocabularySize());
  }

  /**
   * As {@link #restoreState(DataInput)}, with the token ids in the built-in stages' histories
   * checked against {@code vocabularySize} (not at all if 0, the size not being known yet).
   *
   * @param in where the state comes from
   * @param vocabularySize the vocabulary size V the state is for, or 0 if not known
   * @return the largest token id the built-in stages' restored histories hold, or -1, for a
   *     check once V is known
   * @throws IOException as {@link #restoreState(DataInput)}, and if a history holds an id not
   *     below a non-zero {@code vocabularySize}
   */
  public int restoreState(DataInput in, int vocabularySize) throws IOException {
    Stage[] restored = new Stage[stages.length];
    int largestToken = -1;
    for (int i = 0; i < stages.length; i++) {
      byte[] state = readBytes(in, i);
      Stage copy = stages[i].copy();
      StageStateInput stageIn = new StageStateInput(state, vocabularySize);
      try {
        copy.restoreState(stageIn);
      } catch (IOException | RuntimeException e) {
        throw new IOException("state of stage " + i + " (" + Excerpt.of(stages[i].toString())
            + ") is truncated or malformed: " + Excerpt.of(e.toString()), e);
      }
      if (stageIn.available() != 0) {
        throw new IOException("state of stage " + i + " (" + Excerpt.of(stages[i].toString())
            + ") has " + stageIn.available() + " unread bytes");
      }
      restored[i] = copy;
      largestToken = Math.max(largestToken, stageIn.largestToken());
    }
    stages = restored;
    return largestToken;
  }

  /** A length, then that many bytes, reading at most what the input holds (never trusting n). */
  private static byte[] readBytes(DataInput in, int stage) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      throw new IOException("state of stage " + stage + " has length " + n);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.min(n, 1 << 12));
    byte[] chunk = new byte[Math.min(n, 1 << 12)];
    for (int left = n; left > 0; left -= chunk.length) {
      int m = Math.min(left, chunk.length);
      in.readFully(chunk, 0, m);
      bytes.write(chunk, 0, m);
      if (m < chunk.length) {
        break;
      }
    }
    return bytes.toByteArray();
  }

  private Candidates candidates(int length) {
    if (candidates == null) {
      if (length < 1) {
        throw new IllegalArgumentException("logits must not be empty, got length " + length);
      }
      candidates = new Candidates(length);
    } else if (length != candidates.vocabularySize()) {
      throw new IllegalArgumentException(
          "logits length " + length + " differs from the vocabulary size "
              + candidates.vocabularySize() + " of the first call");
    }
    return candidates;
  }
}
