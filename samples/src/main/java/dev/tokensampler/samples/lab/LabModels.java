package dev.tokensampler.samples.lab;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import dev.tokensampler.samples.experiments.PredictorModel;
import dev.tokensampler.samples.model.BrownBpeGpt;
import dev.tokensampler.samples.model.BrownGpt;
import dev.tokensampler.samples.model.TinyGptConfig;
import dev.tokensampler.samples.model.WordVocabulary;
import dev.tokensampler.vocab.TokenVocabulary;
import dev.tokensampler.vocab.TokenizerJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The models the lab can load, by name: {@code brown-bpe} (the shipped model on GPT-2's
 * vocabulary, {@link #DEFAULT}), {@code brown-gpt} (the earlier word-level model) and
 * {@value FakeLabModel#NAME} ({@link FakeLabModel}, for tests and dry runs). Another model is one
 * more case in {@link #open}.
 */
public final class LabModels {
  /** The model used when none is named: the one in {@code samples/models}. */
  public static final String DEFAULT = "brown-bpe";

  private LabModels() {}

  /**
   * Opens a model by name.
   *
   * @param name {@code brown-bpe}, {@code brown-gpt} or {@value FakeLabModel#NAME}
   * @return the model; close it when done
   * @throws IOException if its files cannot be read
   * @throws IllegalArgumentException if the name is unknown
   */
  public static LabModel open(String name) throws IOException {
    switch (name) {
      case FakeLabModel.NAME:
        return new FakeLabModel();
      case "brown-gpt":
        return brownGpt();
      case "brown-bpe":
        return brownBpe();
      default:
        throw new IllegalArgumentException(
            "--model must be brown-bpe, brown-gpt or " + FakeLabModel.NAME + ", got " + name);
    }
  }

  /**
   * The shipped model on GPT-2's vocabulary ({@code samples/models/brown-bpe}), its prompts
   * encoded and its continuations decoded by the Hugging Face tokenizer of its
   * {@code tokenizer.json}; constraints read the token byte strings of the same file.
   *
   * @return the model
   * @throws IOException if its files cannot be read or do not fit
   */
  static LabModel brownBpe() throws IOException {
    BrownBpeGpt loaded;
    try {
      loaded = BrownBpeGpt.load(BrownBpeGpt.DIRECTORY);
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IOException("cannot load " + BrownBpeGpt.DIRECTORY + ": " + e.getMessage(), e);
    }
    TinyGptConfig config = loaded.config();
    TokenVocabulary vocabulary = TokenizerJson.read(
        BrownBpeGpt.DIRECTORY.resolve("tokenizer.json"), config.vocabularySize())
        .withEosTokenIds(BrownBpeGpt.END_OF_TEXT_ID);
    Predictor<NDList, CausalLMOutput> predictor = loaded.model().newPredictor();
    NDManager manager = loaded.model().getNDManager().newSubManager();
    PredictorModel next = new PredictorModel(predictor, config.vocabularySize(),
        config.contextLength(), id -> label(vocabulary.tokenBytes(id)),
        BrownBpeGpt.END_OF_TEXT_ID);
    return new DjlLabModel("brown-bpe", next, manager, loaded::encode, loaded::decode,
        vocabulary, () -> {
          manager.close();
          predictor.close();
          loaded.close();
        });
  }

  /** A token's bytes as a chart label: UTF-8 (lossy), control characters escaped, trimmed. */
  static String label(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8).replace("\n", "\\n")
        .replace("\t", "\\t");
    return text.isBlank() ? "'" + text + "'" : text.strip();
  }

  /**
   * The word-level model ({@code samples/models/brown-gpt}). A token's bytes are the word
   * with a leading space ({@code <unk>} and {@code <eos>} are special), so a constraint reads the
   * continuation as {@code " the cat sat ."}.
   *
   * @return the model
   * @throws IOException if its files cannot be read or do not fit
   */
  static LabModel brownGpt() throws IOException {
    WordVocabulary words = WordVocabulary.load(BrownGpt.DIRECTORY);
    TinyGptConfig config = TinyGptConfig.load(BrownGpt.DIRECTORY);
    List<byte[]> bytes = new ArrayList<>();
    for (int id = 0; id < words.size(); id++) {
      bytes.add((" " + words.token(id)).getBytes(StandardCharsets.UTF_8));
    }
    BitSet special = new BitSet();
    special.set(WordVocabulary.UNKNOWN_ID);
    special.set(WordVocabulary.END_OF_SENTENCE_ID);
    TokenVocabulary vocabulary =
        TokenVocabulary.of(bytes, special, WordVocabulary.END_OF_SENTENCE_ID);
    ZooModel<NDList, CausalLMOutput> model;
    try {
      model = BrownGpt.load(BrownGpt.DIRECTORY);
    } catch (ModelNotFoundException | MalformedModelException e) {
      throw new IOException("cannot load " + BrownGpt.DIRECTORY + ": " + e.getMessage(), e);
    }
    Predictor<NDList, CausalLMOutput> predictor = model.newPredictor();
    NDManager manager = model.getNDManager().newSubManager();
    PredictorModel next = new PredictorModel(predictor, config.vocabularySize(),
        config.contextLength(), words::token, WordVocabulary.END_OF_SENTENCE_ID);
    return new DjlLabModel("brown-gpt", next, manager, words::encode, words::decode, vocabulary,
        () -> {
          manager.close();
          predictor.close();
          model.close();
        });
  }
}
