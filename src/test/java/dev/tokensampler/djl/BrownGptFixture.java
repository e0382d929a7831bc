package dev.tokensampler.djl;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.ZooModel;
import dev.tokensampler.samples.model.BrownGpt;
import dev.tokensampler.samples.model.TinyGptConfig;
import dev.tokensampler.samples.model.WordVocabulary;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shipped Brown-corpus model ({@code samples/models/brown-gpt}, offline on the PyTorch engine)
 * for a test class: its vocabulary, configuration, model and one predictor, loaded before the
 * class's first test and closed after its last. Register it as a static field:
 * {@code @RegisterExtension static final BrownGptFixture BROWN = new BrownGptFixture();}. The
 * accessors throw {@link IllegalStateException} outside that span.
 */
final class BrownGptFixture implements BeforeAllCallback, AfterAllCallback {
  private WordVocabulary vocabulary;
  private TinyGptConfig config;
  private ZooModel<NDList, CausalLMOutput> model;
  private Predictor<NDList, CausalLMOutput> predictor;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    vocabulary = WordVocabulary.load(BrownGpt.DIRECTORY);
    config = TinyGptConfig.load(BrownGpt.DIRECTORY);
    model = BrownGpt.load(BrownGpt.DIRECTORY);
    predictor = model.newPredictor();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (predictor != null) {
        predictor.close();
      }
    } finally {
      if (model != null) {
        model.close();
      }
      predictor = null;
      model = null;
    }
  }

  /** @return the model's word vocabulary */
  WordVocabulary vocabulary() {
    return loaded(vocabulary);
  }

  /** @return the model's configuration ({@code config.json}) */
  TinyGptConfig config() {
    return loaded(config);
  }

  /** @return the loaded model */
  ZooModel<NDList, CausalLMOutput> model() {
    return loaded(model);
  }

  /** @return the predictor of the model, shared by the class's tests */
  Predictor<NDList, CausalLMOutput> predictor() {
    return loaded(predictor);
  }

  private static <T> T loaded(T value) {
    if (value == null) {
      throw new IllegalStateException("the Brown-corpus model is loaded only while its class runs");
    }
    return value;
  }
}
