package dev.tokensampler.samples.lab;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.tokensampler.djl.NDArrayLogits;
import dev.tokensampler.samples.experiments.NextTokenModel;
import dev.tokensampler.vocab.TokenVocabulary;
import java.util.Objects;
import java.util.function.Function;

/**
 * A {@link LabModel} over a DJL model seen through {@link NextTokenModel}: each step runs the
 * prefix in a sub-manager of its own, copies the last position's logits out and closes every
 * array of the step. Text goes through the given encoder and decoder.
 */
public final class DjlLabModel implements LabModel {
  /** Decodes {@code length} ids from {@code offset}. */
  @FunctionalInterface
  public interface Decoder {
    /**
     * @param ids token ids
     * @param offset the first
     * @param length how many
     * @return the text
     */
    String decode(int[] ids, int offset, int length);
  }

  private final String name;
  private final NextTokenModel model;
  private final NDManager manager;
  private final Function<String, int[]> encoder;
  private final Decoder decoder;
  private final TokenVocabulary vocabulary;
  private final AutoCloseable resources;

  /**
   * A model.
   *
   * @param name its name
   * @param model the next-token logits
   * @param manager the parent of each step's arrays
   * @param encoder prompt text to ids
   * @param decoder ids to text
   * @param vocabulary the byte string of every token, with the end-of-sequence id as its first
   *     EOS id (or none)
   * @param resources closed by {@link #close()} (the predictor, model and manager)
   */
  public DjlLabModel(String name, NextTokenModel model, NDManager manager,
      Function<String, int[]> encoder, Decoder decoder, TokenVocabulary vocabulary,
      AutoCloseable resources) {
    this.name = Objects.requireNonNull(name, "name");
    this.model = Objects.requireNonNull(model, "model");
    this.manager = Objects.requireNonNull(manager, "manager");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    this.resources = Objects.requireNonNull(resources, "resources");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int vocabularySize() {
    return model.vocabularySize();
  }

  @Override
  public int[] encode(String text) {
    int[] ids = encoder.apply(text);
    if (ids.length == 0) {
      throw new IllegalArgumentException("prompt encodes to no token: \"" + text + "\"");
    }
    return ids;
  }

  @Override
  public String decode(int[] ids, int offset, int length) {
    return decoder.decode(ids, offset, length);
  }

  @Override
  public String tokenLabel(int id) {
    return model.text(id);
  }

  @Override
  public int endOfSequence() {
    return model.endOfSequence();
  }

  @Override
  public TokenVocabulary vocabulary() {
    return vocabulary;
  }

  @Override
  public void nextTokenLogits(int[] tokens, int length, float[] out) {
    try (NDManager step = manager.newSubManager(); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      float[] logits = NDArrayLogits.lastPosition(model.nextTokenLogits(step, tokens, length), 0);
      System.arraycopy(logits, 0, out, 0, logits.length);
    }
  }

  @Override
  public void close() {
    try {
      resources.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing model " + name + " failed", e);
    }
  }
}
