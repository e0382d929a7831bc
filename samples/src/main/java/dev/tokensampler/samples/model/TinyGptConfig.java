package dev.tokensampler.samples.model;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The shape of a {@link TinyGpt}: vocabulary size, context length, width, depth and heads. It is
 * stored next to the weights as {@code config.properties}.
 */
public final class TinyGptConfig {
  /** The file name of the stored configuration. */
  public static final String FILE_NAME = "config.properties";

  private final int vocabularySize;
  private final int contextLength;
  private final int dimension;
  private final int layers;
  private final int heads;

  /**
   * Creates a configuration.
   *
   * @param vocabularySize number of token ids, at least 2
   * @param contextLength largest number of positions (prompt plus generated tokens), at least 1
   * @param dimension width of the residual stream, a positive multiple of {@code heads}
   * @param layers number of transformer layers, at least 1
   * @param heads number of attention heads, at least 1
   * @throws IllegalArgumentException if a value is out of range
   */
  public TinyGptConfig(
      int vocabularySize, int contextLength, int dimension, int layers, int heads) {
    check(vocabularySize >= 2, "vocab_size", vocabularySize);
    check(contextLength >= 1, "n_positions", contextLength);
    check(layers >= 1, "n_layer", layers);
    check(heads >= 1, "n_head", heads);
    check(dimension >= heads && dimension % heads == 0, "n_embd", dimension);
    this.vocabularySize = vocabularySize;
    this.contextLength = contextLength;
    this.dimension = dimension;
    this.layers = layers;
    this.heads = heads;
  }

  private static void check(boolean ok, String name, int value) {
    if (!ok) {
      throw new IllegalArgumentException(name + " out of range: " + value);
    }
  }

  /**
   * Reads {@code config.properties} from a model directory (keys named as in Hugging Face's GPT-2
   * config: {@code vocab_size}, {@code n_positions}, {@code n_embd}, {@code n_layer},
   * {@code n_head}).
   *
   * @param modelDirectory the directory holding the file
   * @return the configuration
   * @throws IOException if the file cannot be read
   * @throws IllegalArgumentException if a key is missing or a value is out of range
   */
  public static TinyGptConfig load(Path modelDirectory) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(modelDirectory.resolve(FILE_NAME))) {
      properties.load(reader);
    }
    return new TinyGptConfig(
        intValue(properties, "vocab_size"),
        intValue(properties, "n_positions"),
        intValue(properties, "n_embd"),
        intValue(properties, "n_layer"),
        intValue(properties, "n_head"));
  }

  private static int intValue(Properties properties, String key) {
    String value = properties.getProperty(key);
    if (value == null) {
      throw new IllegalArgumentException("missing key in " + FILE_NAME + ": " + key);
    }
    return Integer.parseInt(value.trim());
  }

  /**
   * Writes {@code config.properties} into a model directory.
   *
   * @param modelDirectory an existing directory
   * @throws IOException if the file cannot be written
   */
  public void store(Path modelDirectory) throws IOException {
    try (Writer writer =
        Files.newBufferedWriter(modelDirectory.resolve(FILE_NAME), StandardCharsets.UTF_8)) {
      writer.write("# TinyGpt shape (keys as in a GPT-2 config.json)\n");
      writer.write("vocab_size=" + vocabularySize + "\n");
      writer.write("n_positions=" + contextLength + "\n");
      writer.write("n_embd=" + dimension + "\n");
      writer.write("n_layer=" + layers + "\n");
      writer.write("n_head=" + heads + "\n");
    }
  }

  /** @return the number of token ids (the logits' last dimension) */
  public int vocabularySize() {
    return vocabularySize;
  }

  /** @return the largest number of positions the model accepts */
  public int contextLength() {
    return contextLength;
  }

  /** @return the width of the residual stream */
  public int dimension() {
    return dimension;
  }

  /** @return the number of transformer layers */
  public int layers() {
    return layers;
  }

  /** @return the number of attention heads */
  public int heads() {
    return heads;
  }

  @Override
  public String toString() {
    return "TinyGptConfig[vocab_size=" + vocabularySize + ", n_positions=" + contextLength
        + ", n_embd=" + dimension + ", n_layer=" + layers + ", n_head=" + heads + "]";
  }
}
