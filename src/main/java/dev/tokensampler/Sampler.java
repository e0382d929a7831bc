package dev.tokensampler;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Stage;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Objects;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Samples the tokens of one sequence: one call per token, logits in, token id out.
 *
 * <p>Each call runs the config's stages in order on the candidates (the whole vocabulary at
 * first), then draws from what is left, unless a stage selected the token. Then every stage is
 * told the chosen token ({@link Stage#accept}). Every call takes exactly one {@code nextLong()}
 * from the random stream, whatever the chain and the logits, so the randomness of step {@code n}
 * depends only on the seed and {@code n}.
 *
 * <p>The vocabulary size is fixed by the first call; the sampler allocates its buffers then and
 * nothing afterwards. The caller's logits are read, never written. A sampler is not thread-safe:
 * use one per sequence (they are cheap).
 *
 * <p>Errors: {@link NullPointerException} for null logits; {@link IllegalArgumentException},
 * naming the parameter and value, for an empty or mis-sized vector, and for logits that are
 * {@code NaN}, {@code +Infinity} or all {@code -Infinity} (see {@link Candidates}).
 */
public final class Sampler {
  private final SamplerConfig config;
  private final Stage[] stages;
  private final UniformRandomProvider random;
  private Candidates candidates;

  Sampler(SamplerConfig config, UniformRandomProvider random) {
    this.config = config;
    List<Stage> prototypes = config.stages();
    this.stages = new Stage[prototypes.size()];
    for (int i = 0; i < stages.length; i++) {
      stages[i] = Objects.requireNonNull(prototypes.get(i).copy(), "copy() of a stage");
    }
    this.random = random;
  }

  /**
   * Samples the next token.
   *
   * @param logits one logit per token id
   * @return the token id, in {@code [0, logits.length)}
   * @throws NullPointerException if {@code logits} is null
   * @throws IllegalArgumentException if the logits are empty, differ in length from the first
   *     call, or break the input rules
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
   */
  public int sample(float[] logits, int offset, int length) {
    Objects.requireNonNull(logits, "logits");
    Objects.checkFromIndexSize(offset, length, logits.length);
    candidates(length).reset(logits, offset);
    return finish();
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
   */
  public int sample(FloatBuffer logits) {
    Objects.requireNonNull(logits, "logits");
    candidates(logits.remaining()).reset(logits);
    return finish();
  }

  /**
   * Tells the stateful stages about a token that was not sampled here, e.g. each prompt token
   * before the first call to {@code sample}.
   *
   * @param token the token id
   */
  public void accept(int token) {
    for (Stage stage : stages) {
      stage.accept(token);
    }
  }

  /** Forgets the token history of the stateful stages. The random stream is not rewound. */
  public void reset() {
    for (Stage stage : stages) {
      stage.reset();
    }
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
    return candidates == null ? 0 : candidates.vocabularySize();
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

  private int finish() {
    Candidates c = candidates;
    for (Stage stage : stages) {
      stage.apply(c);
      if (c.isSelected()) {
        break;
      }
    }
    long bits = random.nextLong();
    c.validate();
    int token = c.draw(bits);
    accept(token);
    return token;
  }
}
