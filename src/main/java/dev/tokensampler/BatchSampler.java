package dev.tokensampler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.FloatBuffer;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Samples one token for each row of a batch, with one {@link Sampler} per row.
 *
 * <p>Every row keeps its own sampler, random stream and stage state, so a row's tokens depend
 * only on its own sampler and logits: never on the batch size, the order of the rows, which other
 * rows share the batch, or how many threads run it. Sequences may join and leave between calls
 * (continuous batching): build a new batch over the samplers that are active, which is cheap.
 *
 * <p>By default rows are sampled one after the other on the calling thread, allocating nothing.
 * With {@link #parallel(Executor, int)}, rows are split into contiguous chunks run on the caller's
 * executor (the library never starts threads); that mode allocates a few small objects per call.
 * Not thread-safe: one batch is driven by one thread at a time; a {@code sample} call that starts
 * while another is in progress fails fast with a {@link ConcurrentModificationException} (as does
 * a row's {@link Sampler} used elsewhere meanwhile).
 */
public final class BatchSampler {
  private final Sampler[] rows;
  private final Executor executor;
  private final int chunks;
  private final CompletableFuture<?>[] pending;
  private final Runnable[] chunkTasks;
  /** Set for the duration of a {@code sample} call. */
  private volatile boolean busy;

  private static final VarHandle BUSY;

  static {
    try {
      BUSY = MethodHandles.lookup().findVarHandle(BatchSampler.class, "busy", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private BatchSampler(Sampler[] rows, Executor executor, int chunks) {
    this.rows = rows;
    this.executor = executor;
    this.chunks = chunks;
    this.pending = new CompletableFuture<?>[chunks];
    this.chunkTasks = new Runnable[chunks];
    for (int c = 0; c < chunks; c++) {
      int from = start(c);
      int to = start(c + 1);
      chunkTasks[c] = () -> sampleRows(from, to);
    }
  }

  /**
   * A batch over existing samplers, row {@code r} being {@code rows.get(r)}.
   *
   * @param rows at least one sampler; the same sampler must not appear twice
   * @return a sequential batch
   * @throws NullPointerException if {@code rows} or a row is null
   * @throws IllegalArgumentException if {@code rows} is empty or repeats a sampler
   */
  public static BatchSampler of(List<Sampler> rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("rows must not be empty");
    }
    Sampler[] array = rows.toArray(new Sampler[0]);
    for (int r = 0; r < array.length; r++) {
      Objects.requireNonNull(array[r], "rows[" + r + "]");
      for (int q = 0; q < r; q++) {
        if (array[q] == array[r]) {
          throw new IllegalArgumentException(
              "rows[" + q + "] and rows[" + r + "] are the same sampler");
        }
      }
    }
    return new BatchSampler(array, null, 1);
  }

  /**
   * A batch of {@code batchSize} new samplers, row {@code r} drawing from stream
   * {@code firstSequence + r} of {@code seed} (see {@link SamplerConfig#newSampler(long, long)}).
   *
   * @param config the chain of every row
   * @param seed the seed of the experiment
   * @param firstSequence the stream of row 0
   * @param batchSize the number of rows, at least 1
   * @return a sequential batch
   * @throws IllegalArgumentException if {@code batchSize < 1}
   */
  public static BatchSampler create(
      SamplerConfig config, long seed, long firstSequence, int batchSize) {
    Objects.requireNonNull(config, "config");
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    Sampler[] rows = new Sampler[batchSize];
    for (int r = 0; r < batchSize; r++) {
      rows[r] = config.newSampler(seed, firstSequence + r);
    }
    return new BatchSampler(rows, null, 1);
  }

  /**
   * The same rows, sampled in {@code chunks} contiguous chunks on {@code executor}; the calling
   * thread runs the first chunk and waits for the others.
   *
   * @param executor runs the chunks after the first
   * @param chunks how many chunks, from 1 (sequential) to the number of rows
   * @return a new batch over the same samplers
   * @throws IllegalArgumentException if {@code chunks} is out of range
   */
  public BatchSampler parallel(Executor executor, int chunks) {
    Objects.requireNonNull(executor, "executor");
    if (chunks < 1 || chunks > rows.length) {
      throw new IllegalArgumentException(
          "chunks must be in [1, " + rows.length + "], got " + chunks);
    }
    return new BatchSampler(rows, executor, chunks);
  }

  /**
   * The number of rows.
   *
   * @return B
   */
  public int size() {
    return rows.length;
  }

  /**
   * The sampler of row {@code r}.
   *
   * @param r the row, {@code 0 <= r < size()}
   * @return its sampler
   */
  public Sampler row(int r) {
    return rows[Objects.checkIndex(r, rows.length)];
  }

  /**
   * Samples one token per row from {@code logits[r]}.
   *
   * @param logits one vector per row
   * @param tokens receives the token of row {@code r} at index {@code r}
   * @throws IllegalArgumentException if the number of rows or tokens differs from {@link #size()},
   *     or a row's logits are rejected by its sampler
   * @throws ConcurrentModificationException if another call on this batch is in progress
   */
  public void sample(float[][] logits, int[] tokens) {
    Objects.requireNonNull(logits, "logits");
    checkRows("logits.length", logits.length, tokens);
    start(logits, null, null, 0, tokens);
  }

  /**
   * Samples one token per row from a row-major {@code B x V} array: row {@code r} is
   * {@code logits[r * V, (r + 1) * V)}.
   *
   * @param logits the batch, {@code B * V} floats
   * @param vocabularySize V
   * @param tokens receives the token of row {@code r} at index {@code r}
   * @throws IllegalArgumentException if {@code logits.length != B * V} or a row is rejected
   * @throws ConcurrentModificationException if another call on this batch is in progress
   */
  public void sample(float[] logits, int vocabularySize, int[] tokens) {
    Objects.requireNonNull(logits, "logits");
    checkFlat(logits.length, vocabularySize);
    checkRows("rows", rows.length, tokens);
    start(null, logits, null, vocabularySize, tokens);
  }

  /**
   * {@link #sample(float[], int, int[])}, also filling {@code logprobs[r]} with row {@code r}'s
   * log-probabilities (see {@link Sampler#sample(float[], TokenLogprobs)}); the tokens are the
   * same as without them.
   *
   * @param logits the batch, {@code B * V} floats
   * @param vocabularySize V
   * @param tokens receives the token of row {@code r} at index {@code r}
   * @param logprobs one holder per row, at least {@code B}; distinct holders when run in parallel
   * @throws NullPointerException if an array or a used holder is null
   * @throws IllegalArgumentException if {@code logits.length != B * V}, {@code logprobs} is
   *     shorter than the batch, or a row is rejected
   */
  public void sample(float[] logits, int vocabularySize, int[] tokens, TokenLogprobs[] logprobs) {
    Objects.requireNonNull(logits, "logits");
    checkFlat(logits.length, vocabularySize);
    checkRows("rows", rows.length, tokens);
    checkLogprobs(logprobs);
    logprobsOutput = logprobs;
    try {
      start(null, logits, null, vocabularySize, tokens);
    } finally {
      logprobsOutput = null;
    }
  }

  /**
   * Samples one token per row from a row-major {@code B x V} buffer: row {@code r} is the
   * {@code V} floats from {@code position + r * V}. The buffer's position is left unchanged.
   *
   * @param logits the batch, {@code B * V} floats remaining
   * @param vocabularySize V
   * @param tokens receives the token of row {@code r} at index {@code r}
   * @throws IllegalArgumentException if {@code logits.remaining() != B * V} or a row is rejected
   * @throws ConcurrentModificationException if another call on this batch is in progress
   */
  public void sample(FloatBuffer logits, int vocabularySize, int[] tokens) {
    Objects.requireNonNull(logits, "logits");
    checkFlat(logits.remaining(), vocabularySize);
    checkRows("rows", rows.length, tokens);
    start(null, null, logits, vocabularySize, tokens);
  }

  private void checkFlat(int length, int vocabularySize) {
    if (vocabularySize < 1) {
      throw new IllegalArgumentException("vocabularySize must be >= 1, got " + vocabularySize);
    }
    if ((long) rows.length * vocabularySize != length) {
      throw new IllegalArgumentException(
          "logits hold " + length + " floats, expected rows " + rows.length + " x vocabularySize "
              + vocabularySize);
    }
  }

  private void checkLogprobs(TokenLogprobs[] logprobs) {
    Objects.requireNonNull(logprobs, "logprobs");
    if (logprobs.length < rows.length) {
      throw new IllegalArgumentException("logprobs.length must be >= the batch size "
          + rows.length + ", got " + logprobs.length);
    }
  }

  private void checkRows(String name, int count, int[] tokens) {
    Objects.requireNonNull(tokens, "tokens");
    if (count != rows.length) {
      throw new IllegalArgumentException(
          name + " must equal the batch size " + rows.length + ", got " + count);
    }
    if (tokens.length < rows.length) {
      throw new IllegalArgumentException(
          "tokens.length must be >= the batch size " + rows.length + ", got " + tokens.length);
    }
  }

  // The input of the call in progress, read by every chunk.
  private float[][] rowInput;
  private float[] flatInput;
  private FloatBuffer bufferInput;
  private int vocabulary;
  private int[] output;
  private TokenLogprobs[] logprobsOutput;

  private void start(float[][] byRow, float[] flat, FloatBuffer buffer, int v, int[] tokens) {
    if ((boolean) BUSY.getAndSet(this, true)) {
      throw new ConcurrentModificationException(
          "a BatchSampler is used by two threads at once; drive each batch from one thread");
    }
    rowInput = byRow;
    flatInput = flat;
    bufferInput = buffer;
    vocabulary = v;
    output = tokens;
    try {
      if (executor == null) {
        sampleRows(0, rows.length);
      } else {
        runChunks();
      }
    } finally {
      rowInput = null;
      flatInput = null;
      bufferInput = null;
      output = null;
      BUSY.setRelease(this, false);
    }
  }

  private void sampleRows(int from, int to) {
    for (int r = from; r < to; r++) {
      int token;
      if (rowInput != null) {
        token = rows[r].sample(Objects.requireNonNull(rowInput[r], "logits[r]"));
      } else if (flatInput != null && logprobsOutput != null) {
        token = rows[r].sample(flatInput, r * vocabulary, vocabulary,
            Objects.requireNonNull(logprobsOutput[r], "logprobs[r]"));
      } else if (flatInput != null) {
        token = rows[r].sample(flatInput, r * vocabulary, vocabulary);
      } else {
        token = rows[r].sample(bufferInput, bufferInput.position() + r * vocabulary, vocabulary);
      }
      output[r] = token;
    }
  }

  private void runChunks() {
    for (int c = 1; c < chunks; c++) {
      pending[c] = CompletableFuture.runAsync(chunkTasks[c], executor);
    }
    RuntimeException failure = null;
    try {
      sampleRows(0, start(1));
    } catch (RuntimeException e) {
      failure = e;
    }
    for (int c = 1; c < chunks; c++) {
      try {
        pending[c].join();
      } catch (CompletionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
        }
      } finally {
        pending[c] = null;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private int start(int chunk) {
    return (int) ((long) rows.length * chunk / chunks);
  }
}
