package dev.tokensampler.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrayAdapter;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * An {@link NDArray} that only holds bytes, as the arrays of engines without tensor operators do
 * (DJL's {@link NDArrayAdapter}). Used for bfloat16: the PyTorch engine of DJL 0.36.0 aborts the
 * JVM when asked to create or convert to a bfloat16 tensor, so bfloat16 logits are served this way.
 */
final class RawNDArray extends NDArrayAdapter {
  private final ByteBuffer data;

  /**
   * An array over {@code data}, read in native byte order.
   *
   * @param manager the manager it belongs to (its device is the array's)
   * @param data the elements, row-major
   * @param shape the shape
   * @param dataType the element type
   */
  RawNDArray(NDManager manager, ByteBuffer data, Shape shape, DataType dataType) {
    super(manager, manager, shape, dataType, UUID.randomUUID().toString());
    this.data = data;
  }

  /**
   * bfloat16 logits: the upper 16 bits of each float, which must already be a bfloat16 value.
   *
   * @param manager the manager
   * @param values values representable in bfloat16
   * @param shape the shape
   * @return the array
   */
  static RawNDArray bfloat16(NDManager manager, float[] values, Shape shape) {
    ByteBuffer bytes = ByteBuffer.allocateDirect(values.length * 2).order(ByteOrder.nativeOrder());
    for (float value : values) {
      int bits = Float.floatToRawIntBits(value);
      if ((bits & 0xffff) != 0) {
        throw new IllegalArgumentException(value + " is not a bfloat16 value");
      }
      bytes.putShort((short) (bits >>> 16));
    }
    bytes.flip();
    return new RawNDArray(manager, bytes, shape, DataType.BFLOAT16);
  }

  @Override
  public ByteBuffer toByteBuffer(boolean tryDirect) {
    return data.duplicate().order(ByteOrder.nativeOrder());
  }

  @Override
  public void intern(NDArray replaced) {
    throw new UnsupportedOperationException("intern");
  }

  @Override
  public void detach() {
    getManager().detachInternal(getUid());
  }
}
