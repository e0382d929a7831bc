package dev.tokensampler.samples.model;

import ai.djl.MalformedModelException;
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
 * Loads the word-level Brown-corpus language model ({@code samples/models/brown-gpt}) the way DJL
 * loads any local model: a {@link Criteria} with the model directory, the block class and a
 * translator.
 */
public final class BrownGpt {
  /** The model directory, relative to the project root. */
  public static final Path DIRECTORY = Paths.get("samples", "models", TrainTinyGpt.MODEL_NAME);

  private BrownGpt() {}

  /**
   * Loads a {@link TinyGpt} from a directory holding {@code config.properties} and
   * {@code brown-gpt-0000.params} on the PyTorch engine.
   *
   * @param directory the model directory
   * @return the model; its predictors are {@code Predictor<NDList, CausalLMOutput>}
   * @throws IOException if a file cannot be read
   * @throws ModelNotFoundException if the directory holds no such model
   * @throws MalformedModelException if the weights do not fit the block
   */
  public static ZooModel<NDList, CausalLMOutput> load(Path directory)
      throws IOException, ModelNotFoundException, MalformedModelException {
    TinyGptConfig config = TinyGptConfig.load(directory);
    Criteria<NDList, CausalLMOutput> criteria =
        Criteria.builder()
            .setTypes(NDList.class, CausalLMOutput.class)
            .optModelPath(directory)
            .optModelName(TrainTinyGpt.MODEL_NAME)
            .optEngine("PyTorch")
            .optBlock(new TinyGpt(config))
            .optTranslator(new CausalLMTranslator())
            .build();
    return criteria.loadModel();
  }
}
