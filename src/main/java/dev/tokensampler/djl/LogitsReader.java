package dev.tokensampler.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.util.Objects;

/**
 * Reads the last-position logits of each batch row of one {@link NDArray} into float arrays.
 *
 * <p>{@link #open} checks the data type and shape and takes the tensor's bytes once with
 * {@code toByteBuffer(true)} (on the PyTorch engine a view of a contiguous CPU tensor's memory,
 * with no copy; a non-contiguous tensor is made contiguous by the engine first). {@link #copyRow}
 * then copies one row, widening 16-bit values. One reader is reused for every call: it keeps no
 * reference to the tensor after {@link #close}, and allocates nothing itself.
 */
final class LogitsReader {
  private FloatBuffer floats;
  private ShortBuffer shorts;
  private DataType type;
  private int rows;
  private int positions;
  private int vocabulary;

  /**
   * Checks {@code logits} and maps its bytes; nothing is mapped when a check fails.
   *
   * @param logits float32, float16 or bfloat16; shape {@code [V]}, {@code [B, V]} or
   *     {@code [B, T, V]} with every dimension at least 1
   * @param samplers the batch size B required, or 0 for any
   * @throws NullPointerException if {@code logits} is null
   * @throws IllegalArgumentException for a closed tensor, another data type, shape or batch size,
   *     or a tensor of more than {@code Integer.MAX_VALUE} bytes
   */
  void open(NDArray logits, int samplers) {
    Objects.requireNonNull(logits, "logits");
    if (logits.isReleased()) {
      throw new IllegalArgumentException(
          "logits NDArray is closed: sample before closing it or its NDManager (or NDScope)");
    }
    DataType dataType = logits.getDataType();
    if (dataType != DataType.FLOAT32 && dataType != DataType.FLOAT16
        && dataType != DataType.BFLOAT16) {
      throw new IllegalArgumentException(
          "logits data type must be float32, float16 or bfloat16, got " + dataType);
    }
    Shape shape = logits.getShape();
    int dimensions = shape.dimension();
    if (dimensions < 1 || dimensions > 3) {
      throw new IllegalArgumentException(
          "logits shape must be [V], [B, V] or [B, T, V], got " + shape);
    }
    long b = dimensions == 1 ? 1 : shape.get(0);
    long t = dimensions == 3 ? shape.get(1) : 1;
    long v = shape.get(dimensions - 1);
    if (b < 1 || t < 1 || v < 1) {
      throw new IllegalArgumentException("logits shape must have no empty dimension, got " + shape);
    }
    if (samplers != 0 && b != samplers) {
      throw new IllegalArgumentException(
          "logits batch size " + b + " differs from the number of samplers " + samplers);
    }
    if (b * t * v > Integer.MAX_VALUE / dataType.getNumOfBytes()) {
      throw new IllegalArgumentException(
          "logits of shape " + shape + " exceed " + Integer.MAX_VALUE
              + " bytes; pass the last position only, e.g. logits.get(\":, -1, :\")");
    }
    ByteBuffer mapped = logits.toByteBuffer(true).order(ByteOrder.nativeOrder());
    type = dataType;
    rows = (int) b;
    positions = (int) t;
    vocabulary = (int) v;
    if (dataType == DataType.FLOAT32) {
      floats = mapped.asFloatBuffer();
    } else {
      shorts = mapped.asShortBuffer();
    }
  }

  /** Drops the references to the last tensor's bytes. */
  void close() {
    floats = null;
    shorts = null;
  }

  /**
   * The batch size B of the open tensor (1 for shape {@code [V]}).
   *
   * @return B
   */
  int rows() {
    return rows;
  }

  /**
   * The vocabulary size V of the open tensor (its last dimension).
   *
   * @return V
   */
  int vocabularySize() {
    return vocabulary;
  }

  /**
   * Copies the logits of batch row {@code row} at the last position into {@code out[0, V)}.
   *
   * @param row the batch row, {@code 0 <= row < rows()}
   * @param out at least V floats
   */
  void copyRow(int row, float[] out) {
    int start = (row * positions + positions - 1) * vocabulary;
    int v = vocabulary;
    if (type == DataType.FLOAT32) {
      floats.get(start, out, 0, v);
    } else if (type == DataType.FLOAT16) {
      ShortBuffer in = shorts;
      for (int i = 0; i < v; i++) {
        out[i] = HalfFloats.float16ToFloat(in.get(start + i));
      }
    } else {
      ShortBuffer in = shorts;
      for (int i = 0; i < v; i++) {
        out[i] = HalfFloats.bfloat16ToFloat(in.get(start + i));
      }
    }
  }
}
