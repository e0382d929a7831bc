package dev.tokensampler.djl;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in causal language model for the generation loop: its logits put the next token of a
 * script far ahead of every other (10 against 0), so greedy decoding writes the script. It keeps
 * no cache, so every step feeds the whole sequence, and it records each step's input ids.
 */
final class ScriptedModel extends AbstractBlock {
  private final int vocabularySize;
  private final int promptLength;
  private final int[] script;
  final List<long[]> inputs = new ArrayList<>();

  ScriptedModel(int vocabularySize, int promptLength, int[] script) {
    super((byte) 1);
    this.vocabularySize = vocabularySize;
    this.promptLength = promptLength;
    this.script = script.clone();
  }

  /** A predictor of this block on the default engine; close the model when done. */
  static Model model(ScriptedModel block) {
    Model model = Model.newInstance("scripted");
    model.setBlock(block);
    return model;
  }

  static Predictor<NDList, CausalLMOutput> predictor(Model model) {
    return model.newPredictor(new CausalLMTranslator());
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList in, boolean training, PairList<String, Object> params) {
    NDArray ids = in.get(0);
    inputs.add(ids.toLongArray());
    long length = in.get(2).getShape().get(1);
    int step = (int) (length - promptLength);
    float[] logits = new float[vocabularySize];
    logits[script[Math.min(step, script.length - 1)]] = 10f;
    return new NDList(ids.getManager().create(logits, new Shape(1, 1, vocabularySize)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(1, 1, vocabularySize)};
  }
}
