package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokensampler.Softmax;
import dev.tokensampler.samples.model.WordVocabulary;
import dev.tokensampler.score.SequenceScores;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link NDArrayScorer} on the shipped Brown-corpus model: a sequence's scores are the log-softmax
 * of the model's own logits, bit for bit; the perplexity follows from them; a sentence of the
 * corpus is less perplexing than the same words reversed; float16 tensors are widened exactly.
 */
class NDArrayScorerTest {
  @RegisterExtension
  static final BrownGptFixture BROWN = new BrownGptFixture();

  /** The model's logits over the whole sequence, [T, V], read with toFloatArray. */
  private static float[][] logitsOf(NDManager manager, int[] sequence) throws Exception {
    long[] ids = Arrays.stream(sequence).asLongStream().toArray();
    long[] positions = new long[ids.length];
    Arrays.setAll(positions, i -> i);
    CausalLMOutput output = BROWN.predictor().predict(new NDList(
        manager.create(ids, new Shape(1, ids.length)),
        manager.create(positions, new Shape(1, ids.length)),
        manager.ones(new Shape(1, ids.length), DataType.INT64)));
    float[] flat = output.getLogits().toFloatArray();
    int v = BROWN.config().vocabularySize();
    float[][] rows = new float[sequence.length][];
    for (int t = 0; t < rows.length; t++) {
      rows[t] = Arrays.copyOfRange(flat, t * v, (t + 1) * v);
    }
    return rows;
  }

  @Test
  void sequenceScoresAreTheLogSoftmaxOfTheModelsLogitsBitForBit() throws Exception {
    int[] sequence = BROWN.vocabulary().encode("the president said that the committee would meet");
    NDArrayScorer scorer = new NDArrayScorer(BROWN.config().vocabularySize());
    SequenceScores out = new SequenceScores(sequence.length - 1, 3, 1);
    try (NDManager manager = NDManager.newBaseManager()) {
      scorer.scoreSequence(BROWN.predictor(), manager, sequence, out);
      float[][] rows = logitsOf(manager, sequence);
      assertEquals(sequence.length - 1, out.positions());
      double sum = 0;
      for (int t = 0; t < out.positions(); t++) {
        float[] expected = Softmax.logProbabilities(rows[t], 1f);
        float lp = expected[sequence[t + 1]];
        assertEquals(Float.floatToRawIntBits(lp), Float.floatToRawIntBits(out.logprob(t)),
            "position " + t);
        assertEquals(expected[WordVocabulary.END_OF_SENTENCE_ID], out.extraLogprob(t, 0));
        assertEquals(expected[out.topId(t, 0)], out.topLogprob(t, 0));
        sum += lp;
      }
      double perplexity = Math.exp(-sum / out.positions());
      assertEquals(perplexity, out.perplexity(), 0.0);
      assertEquals(perplexity, scorer.perplexity(BROWN.predictor(), manager, sequence), 0.0);
      assertTrue(perplexity > 1 && perplexity < BROWN.config().vocabularySize(), "" + perplexity);

      int[] reversed = sequence.clone();
      for (int i = 0; i < reversed.length / 2; i++) {
        int swap = reversed[i];
        reversed[i] = reversed[reversed.length - 1 - i];
        reversed[reversed.length - 1 - i] = swap;
      }
      double scrambled = scorer.perplexity(BROWN.predictor(), manager, reversed);
      assertTrue(scrambled > perplexity, perplexity + " (sentence) vs " + scrambled + " (reversed)");
    }
  }

  @Test
  void float16LogitsAreWidenedExactly() {
    int v = 6;
    float[] values = {0.5f, -1.25f, 3f, 2.5f, -7f, 0.125f, 1f, 1f, 1f, 2f, 0f, -0.5f};
    NDArrayScorer scorer = new NDArrayScorer(v);
    SequenceScores out = new SequenceScores(2, 2);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray half = manager.create(values, new Shape(1, 2, v)).toType(DataType.FLOAT16, false);
      scorer.score(half, new int[] {2, 3}, 0, out);
      assertEquals(Softmax.logProbabilities(Arrays.copyOfRange(values, 0, v), 1f)[2],
          out.logprob(0));
      assertEquals(Softmax.logProbabilities(Arrays.copyOfRange(values, v, 2 * v), 1f)[3],
          out.logprob(1), "values exact in float16 give the float32 result");
      assertEquals(3, out.topId(1, 0));
      NDArray wrong = manager.create(values, new Shape(2, 1, v));
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> scorer.score(wrong, new int[] {0}, 0, out));
      assertTrue(e.getMessage().contains("(2, 1, 6)"), e.getMessage());
      IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
          () -> new NDArrayScorer(5).score(half, new int[] {0, 0}, 0, out));
      assertTrue(size.getMessage().contains("6"), size.getMessage());
    }
  }
}
