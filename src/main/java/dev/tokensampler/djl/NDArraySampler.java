package dev.tokensampler.djl;

import ai.djl.ndarray.NDArray;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.TokenLogprobs;
import java.util.List;
import java.util.Objects;

/**
 * Samples the next token of each batch row from a DJL {@link NDArray} of logits, with one
 * {@link Sampler} per row.
 *
 * <p><b>Input.</b> Data type float32, float16 or bfloat16; shape {@code [V]} (one row),
 * {@code [B, V]}, or {@code [B, T, V]} (a causal language model's output, whose last position
 * {@code T - 1} is used). Row {@code r} goes to the sampler of row {@code r}; B must equal the
 * number of samplers.
 *
 * <p><b>Cost.</b> The tensor's bytes are taken once per call with {@code toByteBuffer(true)}: on
 * the PyTorch engine, a view of a contiguous CPU tensor's memory (no copy, whatever T). Each row
 * is then copied once into a float array that this object reuses for every row and token; 16-bit
 * values are widened exactly on the way ({@code float16} as IEEE 754 binary16, {@code bfloat16}
 * as the upper half of a float32), without asking the engine to convert. The sampler reads that
 * array in place. The adapter allocates no arrays after the first call; the engine's
 * {@code toByteBuffer} returns a small new buffer object per call. A non-contiguous tensor (e.g.
 * the slice {@code logits.get(":, -1, :")} of a batch larger than 1) is first copied whole by the
 * PyTorch engine into a new tensor of the same manager; pass the model's output as it is instead.
 * Engines that cannot map memory copy the whole tensor: with those, slice the last position
 * before a long prompt's first token.
 *
 * <p><b>Randomness.</b> Each row draws from its own sampler, so a row's tokens never depend on
 * the other rows: row {@code r} of {@link #create(SamplerConfig, long, int)} gives the tokens
 * of {@code config.newSampler(seed, r)} fed the same logits.
 *
 * <p><b>Errors.</b> {@link IllegalArgumentException} for another data type or shape, a batch
 * size that differs from the number of samplers, a vocabulary size that differs from a row's
 * sampler's (both sizes named), and for logits a sampler rejects ({@code NaN}, {@code +Infinity},
 * all {@code -Infinity}), then naming the batch row as well as the sampler's index and value.
 * Shapes and sizes are checked before any row is sampled; rows before a row with rejected logits
 * have already been sampled.
 *
 * <p>Not thread-safe: one instance is driven by one thread at a time.
 */
@SuppressWarnings("exports")
public final class NDArraySampler {
  private final Sampler[] rows;
  private final LogitsReader reader = new LogitsReader();
  private float[] row = new float[0];

  private NDArraySampler(Sampler[] rows) {
    this.rows = rows;
  }

  /**
   * An adapter over {@code batchSize} new samplers, row {@code r} drawing from stream {@code r}
   * of {@code seed} ({@link SamplerConfig#newSampler(long, long)}).
   *
   * @param config the chain of every row
   * @param seed the seed
   * @param batchSize the number of rows B, at least 1
   * @return a new adapter
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  public static NDArraySampler create(SamplerConfig config, long seed, int batchSize) {
    return create(config, seed, 0, batchSize);
  }

  /**
   * An adapter over {@code batchSize} new samplers, row {@code r} drawing from stream
   * {@code firstSequence + r} of {@code seed} ({@link SamplerConfig#newSampler(long, long)}).
   *
   * @param config the chain of every row
   * @param seed the seed
   * @param firstSequence the stream of row 0
   * @param batchSize the number of rows B, at least 1
   * @return a new adapter
   * @throws NullPointerException if {@code config} is null
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  public static NDArraySampler create(
      SamplerConfig config, long seed, long firstSequence, int batchSize) {
    Objects.requireNonNull(config, "config");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    Sampler[] samplers = new Sampler[batchSize];
    for (int r = 0; r < batchSize; r++) {
      samplers[r] = config.newSampler(seed, firstSequence + r);
    }
    return new NDArraySampler(samplers);
  }

  /**
   * An adapter over one existing sampler (batch size 1).
   *
   * @param sampler the sampler
   * @return a new adapter
   * @throws NullPointerException if {@code sampler} is null
   */
  public static NDArraySampler of(Sampler sampler) {
    return of(List.of(Objects.requireNonNull(sampler, "sampler")));
  }

  /**
   * An adapter over existing samplers, row {@code r} being {@code rows.get(r)} (e.g. the active
   * sequences of a continuous batch; building one is cheap).
   *
   * @param rows at least one sampler; the same sampler must not appear twice
   * @return a new adapter
   * @throws NullPointerException if {@code rows} or a row is null
   * @throws IllegalArgumentException if {@code rows} is empty or repeats a sampler
   */
  public static NDArraySampler of(List<Sampler> rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("rows must not be empty");
    }
    Sampler[] samplers = rows.toArray(new Sampler[0]);
    for (int r = 0; r < samplers.length; r++) {
      Objects.requireNonNull(samplers[r], "rows[" + r + "]");
      for (int q = 0; q < r; q++) {
        if (samplers[q] == samplers[r]) {
          throw new IllegalArgumentException(
              "rows[" + q + "] and rows[" + r + "] are the same sampler");
        }
      }
    }
    return new NDArraySampler(samplers);
  }

  /**
   * The number of rows B.
   *
   * @return the number of samplers
   */
  public int size() {
    return rows.length;
  }

  /**
   * The sampler of row {@code r} (e.g. to {@link Sampler#accept} prompt tokens or save its state).
   *
   * @param r the row, {@code 0 <= r < size()}
   * @return its sampler
   * @throws IndexOutOfBoundsException if {@code r} is out of range
   */
  public Sampler row(int r) {
    return rows[Objects.checkIndex(r, rows.length)];
  }

  /**
   * Samples the next token of a batch of one.
   *
   * @param logits shape {@code [V]}, {@code [1, V]} or {@code [1, T, V]}
   * @return the token id, in {@code [0, V)}
   * @throws NullPointerException if {@code logits} is null
   * @throws IllegalArgumentException if this adapter has more than one row, or the logits are
   *     rejected (see the class comment)
   */
  public int sample(NDArray logits) {
    if (rows.length != 1) {
      throw new IllegalArgumentException(
          "sample(logits) needs a batch size of 1, this adapter has " + rows.length
              + " rows: use sample(logits, tokens)");
    }
    open(logits);
    try {
      return sampleRow(0);
    } finally {
      reader.close();
    }
  }

  /**
   * Samples the next token of a batch of one and fills {@code out} with its log-probabilities
   * (see {@link Sampler#sample(float[], TokenLogprobs)}).
   *
   * @param logits shape {@code [V]}, {@code [1, V]} or {@code [1, T, V]}
   * @param out receives the token's raw and processed log-probabilities
   * @return the token id, the same as {@link #sample(NDArray)} would return
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException as {@link #sample(NDArray)}
   */
  public int sample(NDArray logits, TokenLogprobs out) {
    Objects.requireNonNull(out, "out");
    if (rows.length != 1) {
      throw new IllegalArgumentException(
          "sample(logits, out) needs a batch size of 1, this adapter has " + rows.length + " rows");
    }
    open(logits);
    try {
      reader.copyRow(0, row);
      return rows[0].sample(row, out);
    } finally {
      reader.close();
    }
  }

  /**
   * Samples the next token of every batch row.
   *
   * @param logits shape {@code [B, V]} or {@code [B, T, V]} (or {@code [V]} when B is 1)
   * @param tokens receives the token of row {@code r} at index {@code r}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if B differs from {@link #size()}, {@code tokens} is shorter
   *     than B, or the logits are rejected (see the class comment)
   */
  public void sample(NDArray logits, int[] tokens) {
    Objects.requireNonNull(tokens, "tokens");
    if (tokens.length < rows.length) {
      throw new IllegalArgumentException(
          "tokens.length must be >= the batch size " + rows.length + ", got " + tokens.length);
    }
    open(logits);
    try {
      for (int r = 0; r < rows.length; r++) {
        tokens[r] = sampleRow(r);
      }
    } finally {
      reader.close();
    }
  }

  /** Checks the shape against every row's sampler, then maps the tensor. */
  private void open(NDArray logits) {
    reader.open(logits, rows.length);
    int v = reader.vocabularySize();
    for (int r = 0; r < rows.length; r++) {
      int expected = rows[r].vocabularySize();
      if (expected != 0 && expected != v) {
        reader.close();
        throw new IllegalArgumentException(
            "logits vocabulary size " + v + " differs from the vocabulary size " + expected
                + " of the sampler of batch row " + r);
      }
    }
    if (row.length != v) {
      row = new float[v];
    }
  }

  private int sampleRow(int r) {
    Sampler sampler = rows[r];
    reader.copyRow(r, row);
    try {
      return sampler.sample(row);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("batch row " + r + ": " + e.getMessage(), e);
    }
  }
}
