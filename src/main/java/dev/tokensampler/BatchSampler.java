package dev.tokensampler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.FloatBuffer;
import java.util.ConcurrentModificationException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;

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
 * A chunk that the executor has not started by the time the calling thread has sampled its own
 * chunk is sampled by the calling thread instead, and the executor's task for it, if it ever
 * runs, does nothing: an executor that drops queued tasks ({@code shutdownNow}, a discard policy)
 * or is slow never makes a call hang, and no task left over from one call ever samples a row
 * during another. An executor that rejects a chunk ({@code execute} throws) fails the call
 * promptly with a {@link RejectedExecutionException}; the batch stays usable.
 *
 * <p><b>Failed calls.</b> When a call throws (a row's logits rejected, a rejected chunk), the
 * rows that advanced are exactly those whose entry in {@code tokens} holds their token; every
 * other row's entry is -1 and its sampler is unchanged (a row's {@link Sampler} changes nothing
 * when it throws). The exception is the first failure in row order.
 *
 * <p>Not thread-safe: one batch is driven by one thread at a time; a {@code sample} call that
 * starts while another is in progress fails fast with a {@link ConcurrentModificationException}
 * (as does a row's {@link Sampler} used elsewhere meanwhile).
 */
public final class BatchSampler {
  private final Sampler[] rows;
  private final Executor executor;
  private final int chunks;
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

  /** The input of one call, read by every chunk of it. */
  private static final class Input {
    float[][] byRow;
    float[] flat;
    FloatBuffer buffer;
    int vocabulary;
    int[] tokens;
    TokenLogprobs[] logprobs;

    Input set(float[][] byRow, float[] flat, FloatBuffer buffer, int vocabulary, int[] tokens,
        TokenLogprobs[] logprobs) {
      this.byRow = byRow;
      this.flat = flat;
      this.buffer = buffer;
      this.vocabulary = vocabulary;
      this.tokens = tokens;
      this.logprobs = logprobs;
      return this;
    }
  }

  private TokenLogprobs[] logprobsOutput;
  /** The input of a sequential call, reused (that mode allocates nothing) and cleared after it. */
  private final Input sequentialInput = new Input();

  private void start(float[][] byRow, float[] flat, FloatBuffer buffer, int v, int[] tokens) {
    if ((boolean) BUSY.getAndSet(this, true)) {
      throw new ConcurrentModificationException(
          "a BatchSampler is used by two threads at once; drive each batch from one thread");
    }
    try {
      if (executor == null) {
        try {
          sampleRows(sequentialInput.set(byRow, flat, buffer, v, tokens, logprobsOutput),
              0, rows.length);
        } finally {
          sequentialInput.set(null, null, null, 0, null, null);
        }
      } else {
        // A new input per call: a task of this call that runs late finds its chunk claimed and
        // could not read another call's input anyway.
        new ParallelCall(new Input().set(byRow, flat, buffer, v, tokens, logprobsOutput)).run();
      }
    } finally {
      BUSY.setRelease(this, false);
    }
  }

  /**
   * Samples rows {@code [from, to)} in order; on a failure, marks that row and the rest of the
   * range with -1 in {@code tokens} and rethrows.
   */
  private void sampleRows(Input in, int from, int to) {
    int r = from;
    try {
      for (; r < to; r++) {
        int token;
        if (in.byRow != null) {
          token = rows[r].sample(Objects.requireNonNull(in.byRow[r], "logits[r]"));
        } else if (in.flat != null && in.logprobs != null) {
          token = rows[r].sample(in.flat, r * in.vocabulary, in.vocabulary,
              Objects.requireNonNull(in.logprobs[r], "logprobs[r]"));
        } else if (in.flat != null) {
          token = rows[r].sample(in.flat, r * in.vocabulary, in.vocabulary);
        } else {
          token = rows[r].sample(in.buffer, in.buffer.position() + r * in.vocabulary,
              in.vocabulary);
        }
        in.tokens[r] = token;
      }
    } catch (RuntimeException | Error e) {
      for (int q = r; q < to; q++) {
        in.tokens[q] = -1;
      }
      throw e;
    }
  }

  /**
   * One parallel call: chunk 0 on the calling thread, the others offered to the executor. Each
   * chunk is claimed once, by an executor task or by the calling thread, whichever comes first.
   */
  private final class ParallelCall {
    private static final int QUEUED = 0;
    private static final int CLAIMED = 1;
    private static final int DONE = 2;

    private final Input input;
    private final AtomicIntegerArray state = new AtomicIntegerArray(chunks);
    private final Throwable[] failures = new Throwable[chunks];
    /** Whether each chunk was sampled (by whichever thread claimed it). */
    private final boolean[] ran = new boolean[chunks];
    private final Thread caller = Thread.currentThread();

    ParallelCall(Input input) {
      this.input = input;
    }

    void run() {
      int submitted = 1;
      RuntimeException rejected = null;
      for (; submitted < chunks; submitted++) {
        int chunk = submitted;
        try {
          executor.execute(() -> runClaimed(chunk));
        } catch (RuntimeException e) {
          rejected = e;
          break;
        }
      }
      if (rejected != null) {
        failRejected(submitted, rejected);
        return;
      }
      runChunk(0);
      for (int c = 1; c < chunks; c++) {
        if (state.compareAndSet(c, QUEUED, CLAIMED)) {
          runChunk(c);
        }
      }
      awaitChunks(chunks);
      for (int c = 0; c < chunks; c++) {
        if (failures[c] != null) {
          throwUnchecked(failures[c]);
        }
      }
    }

    /** The executor's task: samples the chunk unless the calling thread has claimed it. */
    private void runClaimed(int chunk) {
      if (state.compareAndSet(chunk, QUEUED, CLAIMED)) {
        runChunk(chunk);
        LockSupport.unpark(caller);
      }
    }

    private void runChunk(int chunk) {
      ran[chunk] = true;
      try {
        sampleRows(input, start(chunk), start(chunk + 1));
      } catch (Throwable e) {
        failures[chunk] = e;
      } finally {
        state.set(chunk, DONE);
      }
    }

    /** Waits until every claimed chunk below {@code end} is done. */
    private void awaitChunks(int end) {
      boolean interrupted = false;
      for (int c = 1; c < end; c++) {
        while (state.get(c) == CLAIMED) {
          LockSupport.park(this);
          if (Thread.interrupted()) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        caller.interrupt();
      }
    }

    /**
     * Chunk {@code chunk} was rejected: claims every chunk not yet started, so that none runs,
     * waits for those already running and fails with the rows that advanced.
     */
    private void failRejected(int chunk, RuntimeException cause) {
      for (int c = 1; c < chunks; c++) {
        if (c >= chunk) {
          state.set(c, DONE);
        } else {
          state.compareAndSet(c, QUEUED, DONE);
        }
      }
      awaitChunks(chunk);
      StringBuilder advanced = new StringBuilder();
      for (int r = 0; r < rows.length; r++) {
        int c = chunkOf(r);
        boolean sampled = ran[c] && input.tokens[r] >= 0;
        if (!sampled) {
          input.tokens[r] = -1;
        } else {
          advanced.append(advanced.length() == 0 ? "" : ",").append(r);
        }
      }
      throw new RejectedExecutionException("the executor rejected chunk " + chunk + " of "
          + chunks + " (rows " + start(chunk) + " to " + (start(chunk + 1) - 1) + "); rows "
          + (advanced.length() == 0 ? "none" : "[" + advanced + "]")
          + " advanced, every other row is unchanged (token -1)", cause);
    }
  }
  /** The chunk holding row {@code r}. */
  private int chunkOf(int r) {
    int c = 0;
    while (start(c + 1) <= r) {
      c++;
    }
    return c;
  }

  private static void throwUnchecked(Throwable e) {
    if (e instanceof RuntimeException) {
      throw (RuntimeException) e;
    }
    if (e instanceof Error) {
      throw (Error) e;
    }
    throw new IllegalStateException(e);
  }

  private int start(int chunk) {
    return (int) ((long) rows.length * chunk / chunks);
  }
}
