package dev.tokensampler.djl;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tokensampler.vocab.TextTokenizer;
import dev.tokensampler.vocab.TokenVocabulary;
import dev.tokensampler.vocab.TokenizerJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link TextTokenizer} over the Hugging Face tokenizers library (DJL's {@link
 * HuggingFaceTokenizer}, {@code ai.djl.huggingface:tokenizers}, an optional dependency whose jar
 * holds the native library; run with {@code -Dai.djl.offline=true} to keep DJL from looking for
 * anything online). The tokenizer encodes; the byte strings of the same {@code tokenizer.json},
 * read by {@link TokenizerJson} (which needs Gson), decode. Encoding never truncates or pads.
 *
 * <p>The vocabulary is immutable; encoding from several threads relies on DJL's tokenizer (encoding
 * does not change the native tokenizer). {@link #close()} frees the native tokenizer if this
 * object created it; the adapter must not be used after that.
 */
@SuppressWarnings("exports")
public final class HuggingFaceTextTokenizer implements TextTokenizer, AutoCloseable {
  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");

  private final HuggingFaceTokenizer tokenizer;
  private final TokenVocabulary vocabulary;
  private final boolean owned;

  private HuggingFaceTextTokenizer(
      HuggingFaceTokenizer tokenizer, TokenVocabulary vocabulary, boolean owned) {
    this.tokenizer = tokenizer;
    this.vocabulary = vocabulary;
    this.owned = owned;
  }

  /**
   * Loads a {@code tokenizer.json}, sized to the tokenizer.
   *
   * @param path the {@code tokenizer.json} file, or a directory holding one (and possibly a
   *     {@code tokenizer_config.json} and {@code generation_config.json}, read for the
   *     end-of-sequence ids as {@link TokenizerJson} says)
   * @return the tokenizer; close it when done
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if the file is not a tokenizer that {@link TokenizerJson}
   *     reads
   */
  public static HuggingFaceTextTokenizer load(Path path) throws IOException {
    return load(path, TokenizerJson.read(path));
  }

  /**
   * Loads a {@code tokenizer.json}, padded to a model's logit count.
   *
   * @param path as for {@link #load(Path)}
   * @param vocabularySize the model's logit count, at least the tokenizer's largest id + 1
   * @return the tokenizer; close it when done
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException as for {@link #load(Path)}, or for a size out of range
   */
  public static HuggingFaceTextTokenizer load(Path path, int vocabularySize) throws IOException {
    return load(path, TokenizerJson.read(path, vocabularySize));
  }

  private static HuggingFaceTextTokenizer load(Path path, TokenVocabulary vocabulary)
      throws IOException {
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    return new HuggingFaceTextTokenizer(
        HuggingFaceTokenizer.newInstance(file, OPTIONS), vocabulary, true);
  }

  /**
   * Wraps a tokenizer the caller owns (and closes) with the vocabulary of the same file.
   *
   * @param tokenizer the tokenizer; it should neither truncate nor pad
   * @param vocabulary its byte strings, e.g. {@link TokenizerJson#read(Path)} of its file
   * @return the adapter; its {@link #close()} leaves the tokenizer open
   * @throws NullPointerException if an argument is null
   */
  public static HuggingFaceTextTokenizer of(
      HuggingFaceTokenizer tokenizer, TokenVocabulary vocabulary) {
    return new HuggingFaceTextTokenizer(Objects.requireNonNull(tokenizer, "tokenizer"),
        Objects.requireNonNull(vocabulary, "vocabulary"), false);
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if the tokenizer gives an id outside the vocabulary
   */
  @Override
  public int[] encode(String text) {
    return ids(tokenizer.encode(Objects.requireNonNull(text, "text"), false, false));
  }

  /** Encodes with the special tokens of the tokenizer's post-processor (such as BOS). */
  @Override
  public int[] encodePrompt(String text) {
    return ids(tokenizer.encode(Objects.requireNonNull(text, "text"), true, false));
  }

  @Override
  public TokenVocabulary vocabulary() {
    return vocabulary;
  }

  /** @return the wrapped tokenizer */
  public HuggingFaceTokenizer tokenizer() {
    return tokenizer;
  }

  private int[] ids(Encoding encoding) {
    long[] ids = encoding.getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocabulary.size()) {
        throw new IllegalStateException("the tokenizer gave id " + ids[i]
            + ", outside the vocabulary [0, " + vocabulary.size() + ")");
      }
      out[i] = (int) ids[i];
    }
    return out;
  }

  /** Frees the native tokenizer if {@link #load} created it. */
  @Override
  public void close() {
    if (owned) {
      tokenizer.close();
    }
  }
}
