package dev.tokensampler.djl;

import ai.djl.inference.Predictor;
import ai.djl.modality.nlp.generate.CausalLMOutput;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import dev.tokensampler.score.LogitScorer;
import dev.tokensampler.score.SequenceScores;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.util.Objects;

/**
 * Scores tokens under a DJL logits tensor or a causal model with a {@link LogitScorer}: the same
 * raw log-probabilities, ranks, alternatives and entropy as for arrays, bit for bit.
 *
 * <p>A float32 tensor is read in place ({@code toByteBuffer(true)}, a view of a contiguous CPU
 * tensor on the PyTorch engine); float16 and bfloat16 are widened exactly into a scratch array
 * that grows to the largest matrix seen and is then reused. Not thread-safe.
 */
@SuppressWarnings("exports")
public final class NDArrayScorer {
  private final LogitScorer scorer;
  private float[] widened = new float[0];

  /**
   * A scorer for a vocabulary of {@code vocabularySize} tokens.
   *
   * @param vocabularySize V, at least 1
   * @throws IllegalArgumentException if {@code vocabularySize < 1}
   */
  public NDArrayScorer(int vocabularySize) {
    this.scorer = new LogitScorer(vocabularySize);
  }

  /**
   * Scores the rows of {@code logits} against {@code tokens[tokensOffset + t]}.
   *
   * @param logits float32, float16 or bfloat16, shape {@code [T, V]} or {@code [1, T, V]}
   * @param tokens the token of row {@code t} at {@code tokens[tokensOffset + t]}
   * @param tokensOffset the index of row 0's token
   * @param out receives T positions; {@code out.capacity() >= T}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException for another data type, shape or vocabulary size, and as
   *     {@link LogitScorer#score(float[], int, int[], int, int, SequenceScores)}
   */
  public void score(NDArray logits, int[] tokens, int tokensOffset, SequenceScores out) {
    Objects.requireNonNull(logits, "logits");
    int rows = rows(logits);
    int v = scorer.vocabularySize();
    DataType type = logits.getDataType();
    ByteBuffer bytes = logits.toByteBuffer(true).order(ByteOrder.nativeOrder());
    if (type == DataType.FLOAT32) {
      scorer.score(bytes.asFloatBuffer(), 0, tokens, tokensOffset, rows, out);
      return;
    }
    int n = rows * v;
    if (widened.length < n) {
      widened = new float[n];
    }
    ShortBuffer halves = bytes.asShortBuffer();
    for (int i = 0; i < n; i++) {
      widened[i] = type == DataType.FLOAT16
          ? HalfFloats.float16ToFloat(halves.get(i))
          : HalfFloats.bfloat16ToFloat(halves.get(i));
    }
    scorer.score(widened, 0, tokens, tokensOffset, rows, out);
  }

  /**
   * Runs {@code predictor} once over a whole sequence and scores every token after the first
   * under the logits of the position before it (what vLLM reports as {@code prompt_logprobs};
   * the first token has no score). Position {@code t} of {@code out} scores
   * {@code sequence[t + 1]}.
   *
   * @param predictor the model, in the convention of {@link CausalLMGenerator}
   * @param manager where the input arrays are made (closed with a sub-manager)
   * @param sequence the token ids, at least 2, within the model's context
   * @param out receives {@code sequence.length - 1} positions
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException for a sequence shorter than 2, a holder too small, or bad
   *     logits
   * @throws IllegalStateException if the model fails (the cause is DJL's exception)
   */
  public void scoreSequence(Predictor<NDList, CausalLMOutput> predictor, NDManager manager,
      int[] sequence, SequenceScores out) {
    Objects.requireNonNull(predictor, "predictor");
    Objects.requireNonNull(manager, "manager");
    Objects.requireNonNull(sequence, "sequence");
    Objects.requireNonNull(out, "out");
    int length = sequence.length;
    if (length < 2) {
      throw new IllegalArgumentException(
          "sequence must hold at least 2 tokens to score one, got " + length);
    }
    if (out.capacity() < length - 1) {
      throw new IllegalArgumentException("out.capacity() must be at least sequence.length - 1 = "
          + (length - 1) + ", got " + out.capacity());
    }
    long[] ids = new long[length];
    long[] positions = new long[length];
    for (int i = 0; i < length; i++) {
      ids[i] = sequence[i];
      positions[i] = i;
    }
    try (NDManager step = manager.newSubManager()) {
      NDList input = new NDList(step.create(ids, new Shape(1, length)),
          step.create(positions, new Shape(1, length)),
          step.ones(new Shape(1, length), DataType.INT64));
      CausalLMOutput output = predictor.predict(input);
      try (NDArray logits = output.getLogits()) {
        NDArray rows = logits.get("0, :-1, :");
        try {
          score(rows, sequence, 1, out);
        } finally {
          rows.close();
        }
      } finally {
        for (NDArray past : output.getPastKeyValuesList()) {
          past.close();
        }
      }
    } catch (TranslateException e) {
      throw new IllegalStateException("model step failed on a sequence of " + length, e);
    }
  }

  /**
   * The perplexity of a sequence under the model: {@code exp(-(1 / (n - 1)) * sum_t ln p(s_t |
   * s_<t))} over tokens {@code 1 .. n-1}, with the raw log-probabilities of
   * {@link #scoreSequence}.
   *
   * @param predictor the model
   * @param manager where the input arrays are made
   * @param sequence the token ids, at least 2, within the model's context
   * @return the perplexity, at least 1 up to rounding
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException for a sequence shorter than 2 or bad logits
   * @throws IllegalStateException if the model fails
   */
  public double perplexity(Predictor<NDList, CausalLMOutput> predictor, NDManager manager,
      int[] sequence) {
    Objects.requireNonNull(sequence, "sequence");
    SequenceScores out = new SequenceScores(Math.max(1, sequence.length - 1), 0);
    scoreSequence(predictor, manager, sequence, out);
    return out.perplexity();
  }

  private int rows(NDArray logits) {
    DataType type = logits.getDataType();
    if (type != DataType.FLOAT32 && type != DataType.FLOAT16 && type != DataType.BFLOAT16) {
      throw new IllegalArgumentException(
          "logits data type must be float32, float16 or bfloat16, got " + type);
    }
    Shape shape = logits.getShape();
    int d = shape.dimension();
    if (d < 2 || d > 3 || (d == 3 && shape.get(0) != 1)) {
      throw new IllegalArgumentException("logits shape must be [T, V] or [1, T, V], got " + shape);
    }
    long v = shape.get(d - 1);
    long t = shape.get(d - 2);
    if (v != scorer.vocabularySize()) {
      throw new IllegalArgumentException("logits vocabulary size " + v
          + " differs from the scorer's " + scorer.vocabularySize() + " (shape " + shape + ")");
    }
    if (t < 1 || t * v > Integer.MAX_VALUE / 4) {
      throw new IllegalArgumentException("logits shape must have 1 to "
          + (Integer.MAX_VALUE / 4 / v) + " positions, got " + shape);
    }
    return (int) t;
  }
}
