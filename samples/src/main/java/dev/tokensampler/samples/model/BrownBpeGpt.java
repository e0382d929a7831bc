package dev.tokensampler.samples.model;

import ai.djl.MalformedModelException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import dev.tokensampler.djl.CausalLMTranslator;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The shipped language model on GPT-2's vocabulary ({@code samples/models/brown-bpe}: a
 * {@link TinyGpt} trained by {@link TrainBpeGpt} on the Brown corpus) and its tokenizer, loaded
 * the way DJL loads any local model: a {@link Criteria} with the model directory, the block and a
 * translator, and a Hugging Face tokenizer from the directory's {@code tokenizer.json}. Closing
 * it closes both.
 */
public final class BrownBpeGpt implements AutoCloseable {
  /** The model directory, relative to the project root. */
  public static final Path DIRECTORY = Paths.get("samples", "models", TrainBpeGpt.MODEL_NAME);

  /** The end-of-text id, GPT-2's {@code <|endoftext|>}. */
  public static final int END_OF_TEXT_ID = Gpt2TokenizerJson.END_OF_TEXT_ID;

  private final ZooModel<NDList, CausalLMOutput> model;
  private final HuggingFaceTokenizer tokenizer;
  private final TinyGptConfig config;
  private final Path directory;

  private BrownBpeGpt(
      ZooModel<NDList, CausalLMOutput> model,
      HuggingFaceTokenizer tokenizer,
      TinyGptConfig config,
      Path directory) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.config = config;
    this.directory = directory;
  }

  /**
   * Loads the model on the PyTorch engine and the tokenizer from a directory holding
   * {@code config.properties}, {@code brown-bpe-0000.params} and {@code tokenizer.json}.
   *
   * @param directory the model directory
   * @return the model and tokenizer; close it when done
   * @throws IOException if a file cannot be read
   * @throws ModelNotFoundException if the directory holds no such model
   * @throws MalformedModelException if the weights do not fit the block
   */
  public static BrownBpeGpt load(Path directory)
      throws IOException, ModelNotFoundException, MalformedModelException {
    TinyGptConfig config = TinyGptConfig.load(directory);
    Criteria<NDList, CausalLMOutput> criteria =
        Criteria.builder()
            .setTypes(NDList.class, CausalLMOutput.class)
            .optModelPath(directory)
            .optModelName(TrainBpeGpt.MODEL_NAME)
            .optEngine("PyTorch")
            .optBlock(new TinyGpt(config))
            .optTranslator(new CausalLMTranslator())
            .build();
    HuggingFaceTokenizer tokenizer = tokenizer(directory);
    try {
      return new BrownBpeGpt(criteria.loadModel(), tokenizer, config, directory);
    } catch (IOException | ModelNotFoundException | MalformedModelException | RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  /**
   * Loads the Hugging Face tokenizer of a model directory: no special tokens added, no
   * truncation.
   *
   * @param directory a directory holding {@code tokenizer.json}
   * @return the tokenizer; close it when done
   * @throws IOException if the file cannot be read
   */
  public static HuggingFaceTokenizer tokenizer(Path directory) throws IOException {
    return HuggingFaceTokenizer.builder()
        .optTokenizerPath(directory.resolve("tokenizer.json"))
        .optAddSpecialTokens(false)
        .optTruncation(false)
        .build();
  }

  /** @return the model; its predictors are {@code Predictor<NDList, CausalLMOutput>} */
  public ZooModel<NDList, CausalLMOutput> model() {
    return model;
  }

  /** @return the tokenizer of the model's vocabulary */
  public HuggingFaceTokenizer tokenizer() {
    return tokenizer;
  }

  /** @return the shape of the model */
  public TinyGptConfig config() {
    return config;
  }

  /** @return the directory the model was loaded from */
  public Path directory() {
    return directory;
  }

  /**
   * Encodes text as the model's prompt ids.
   *
   * @param text the text
   * @return its token ids
   */
  public int[] encode(String text) {
    long[] ids = tokenizer.encode(text).getIds();
    int[] out = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      out[i] = Math.toIntExact(ids[i]);
    }
    return out;
  }

  /**
   * Decodes a run of token ids as text, {@code <|endoftext|>} left out (a
   * {@link dev.tokensampler.djl.Detokenizer}). A run that ends inside a UTF-8 character ends in
   * U+FFFD.
   *
   * @param ids token ids in {@code [0, 50257)}
   * @param offset the index of the first id decoded
   * @param length the number of ids decoded
   * @return the text
   */
  public String decode(int[] ids, int offset, int length) {
    long[] longs = new long[length];
    for (int i = 0; i < length; i++) {
      longs[i] = ids[offset + i];
    }
    return tokenizer.decode(longs, true);
  }

  /**
   * Decodes token ids as text, {@code <|endoftext|>} left out.
   *
   * @param ids token ids in {@code [0, 50257)}
   * @return the text
   */
  public String decode(int[] ids) {
    return decode(ids, 0, ids.length);
  }

  @Override
  public void close() {
    try {
      model.close();
    } finally {
      tokenizer.close();
    }
  }
}
