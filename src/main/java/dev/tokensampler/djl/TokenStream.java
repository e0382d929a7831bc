package dev.tokensampler.djl;

import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import dev.tokensampler.Sampler;
import dev.tokensampler.TokenLogprobs;
import dev.tokensampler.vocab.StopStrings;
import dev.tokensampler.vocab.StreamingDecoder;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * The tokens of one generation, computed one per {@link #nextInt()} call (see {@link
 * CausalLMGenerator}). It ends after a stop condition; {@link #stopReason()} then tells which.
 * When it ends it frees its arrays; {@link #close()} frees them earlier. Not thread-safe.
 *
 * <p>With a {@linkplain CausalLMGenerator.Builder#tokenizer tokenizer} the stream also gives the
 * generated text as it grows: after each token, {@link #text()} is the text that token released
 * (see {@link StreamingDecoder}: never part of a character, so never a U+FFFD for a character
 * split across tokens; and see {@link StopStrings}: never text that may be the start of a stop
 * string). Once the stream has ended, the texts joined are {@link #generatedText()}: the text of
 * the generated tokens, cut where the first stop string begins if one ended it.
 */
public final class TokenStream implements PrimitiveIterator.OfInt, AutoCloseable {
  private final CausalLMGenerator generator;
  private final NDArraySampler sampler;
  private final NDManager manager;
  private final int[] sequence;
  private final int promptLength;
  private int length;
  private NDList past;
  private StopReason stopReason;
  private boolean closed;
  private final TokenLogprobs logprobs;
  private double cumulativeLogprob;
  /** Null without a tokenizer. */
  private final StreamingDecoder decoder;
  /** Null without a tokenizer or without stop strings. */
  private final StopStrings stops;
  private final StringBuilder text;
  private String lastText = "";

  TokenStream(CausalLMGenerator generator, int[] promptIds, Sampler sampler) {
    this(generator, promptIds, sampler, null);
  }

  /** A stream that also sums the raw log-probabilities of its tokens when {@code logprobs} is set. */
  TokenStream(CausalLMGenerator generator, int[] promptIds, Sampler sampler,
      TokenLogprobs logprobs) {
    this.logprobs = logprobs;
    this.generator = generator;
    this.sampler = NDArraySampler.of(sampler);
    this.promptLength = promptIds.length;
    long capacity =
        Math.min((long) generator.maxLength, (long) promptLength + generator.maxNewTokens);
    this.sequence = Arrays.copyOf(promptIds, (int) capacity);
    this.length = promptLength;
    this.manager =
        generator.manager != null
            ? generator.manager.newSubManager()
            : NDManager.newBaseManager();
    for (int token : promptIds) {
      sampler.accept(token);
    }
    boolean textual = generator.tokenizer != null;
    this.decoder = textual ? new StreamingDecoder(generator.tokenizer.vocabulary()) : null;
    this.stops = textual && generator.detokenizer == null && generator.stopStrings.length > 0
        ? new StopStrings(java.util.List.of(generator.stopStrings)) : null;
    this.text = textual ? new StringBuilder() : null;
  }

  /** @return true until a stop condition has ended the stream (or it was closed) */
  @Override
  public boolean hasNext() {
    return stopReason == null && !closed;
  }

  /**
   * Runs one model step and samples the next token.
   *
   * @return the token id
   * @throws NoSuchElementException if the stream has ended or was closed
   * @throws IllegalStateException if the model fails (the cause is DJL's exception)
   */
  @Override
  public int nextInt() {
    if (!hasNext()) {
      throw new NoSuchElementException("generation ended: " + stopReason);
    }
    int token;
    try {
      token = step();
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    sequence[length++] = token;
    if (decoder != null) {
      String piece = decoder.append(token);
      lastText = stops == null ? piece : stops.append(piece);
    }
    stopReason = stopCondition(token);
    if (stopReason != null) {
      if (decoder != null && stopReason != StopReason.STOP_STRING) {
        String rest = decoder.finish();
        lastText += stops == null ? rest : stops.append(rest) + stops.finish();
      }
      release();
    }
    if (text != null) {
      text.append(lastText);
    }
    return token;
  }

  private int step() {
    boolean incremental = past != null;
    int start = incremental ? length - 1 : 0;
    int count = length - start;
    NDList newPast = null;
    int token;
    try (NDScope scope = new NDScope()) {
      long[] ids = new long[count];
      long[] positions = new long[count];
      for (int i = 0; i < count; i++) {
        ids[i] = sequence[start + i];
        positions[i] = start + i;
      }
      NDList input =
          new NDList(
              manager.create(ids, new Shape(1, count)),
              manager.create(positions, new Shape(1, count)),
              manager.ones(new Shape(1, length), DataType.INT64));
      if (incremental) {
        input.addAll(past);
      }
      CausalLMOutput output = generator.predictor.predict(input);
      if (logprobs == null) {
        token = sampler.sample(output.getLogits());
      } else {
        token = sampler.sample(output.getLogits(), logprobs);
        cumulativeLogprob += logprobs.rawLogprob();
      }
      NDList returned = output.getPastKeyValuesList();
      if (generator.useCache && returned != null && !returned.isEmpty()) {
        newPast = returned;
        NDScope.unregister(newPast);
      }
    } catch (TranslateException e) {
      throw new IllegalStateException("model step failed at length " + length, e);
    }
    closePast();
    past = newPast;
    return token;
  }

  private StopReason stopCondition(int token) {
    for (int eos : generator.eosTokenIds) {
      if (token == eos) {
        return StopReason.END_OF_SEQUENCE;
      }
    }
    if (stops != null && stops.stopped()) {
      return StopReason.STOP_STRING;
    }
    if (stops == null && generator.detokenizer != null && generator.stopStrings.length > 0) {
      String text = generator.detokenizer.decode(sequence, promptLength, length - promptLength);
      for (String stop : generator.stopStrings) {
        if (text.contains(stop)) {
          return StopReason.STOP_STRING;
        }
      }
    }
    if (length - promptLength >= generator.maxNewTokens) {
      return StopReason.MAX_NEW_TOKENS;
    }
    if (length >= generator.maxLength) {
      return StopReason.MAX_LENGTH;
    }
    return null;
  }

  /** The sum, in double, of the raw log-probabilities of the tokens so far (0 if not recorded). */
  double cumulativeLogprob() {
    return cumulativeLogprob;
  }

  /** @return why the stream ended, or null while it runs (or if it was closed early) */
  public StopReason stopReason() {
    return stopReason;
  }

  /**
   * The text the last {@link #nextInt()} released: what its token completed, and, if the stream
   * ended there, the rest held back (an unfinished character as U+FFFD, a possible start of a
   * stop string that was not one); without the stop string and what follows it.
   *
   * @return the text, possibly empty; empty before the first token
   * @throws IllegalStateException if the generator has no tokenizer
   */
  public String text() {
    requireTokenizer();
    return lastText;
  }

  /**
   * @return the text released so far: every {@link #text()} joined
   * @throws IllegalStateException if the generator has no tokenizer
   */
  public String generatedText() {
    requireTokenizer();
    return text.toString();
  }

  private void requireTokenizer() {
    if (decoder == null) {
      throw new IllegalStateException(
          "the generator has no tokenizer: set one with CausalLMGenerator.Builder#tokenizer");
    }
  }

  /** @return a copy of the tokens generated so far, without the prompt */
  public int[] generatedTokens() {
    return Arrays.copyOfRange(sequence, promptLength, length);
  }

  /** Frees the stream's arrays; after this {@link #hasNext()} is false. Idempotent. */
  @Override
  public void close() {
    closed = true;
    release();
  }

  private void release() {
    closePast();
    manager.close();
  }

  private void closePast() {
    if (past != null) {
      for (NDArray array : past) {
        array.close();
      }
      past = null;
    }
  }
}
