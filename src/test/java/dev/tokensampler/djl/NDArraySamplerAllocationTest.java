package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokensampler.AllocationMeter;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.TestLogits;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * After warm-up, the adapter copies no row into new memory: the bytes allocated per call on the
 * calling thread stay far below one row ({@code 4 V} bytes as floats) at V = 128,256, whatever the
 * batch size and data type. What is left is the engine's buffer object from
 * {@code toByteBuffer(true)} and its typed view (120 bytes per call on JDK 17 and the PyTorch
 * engine). Measured with
 * HotSpot's per-thread allocation counter (skipped where it is not supported); not a timing test.
 */
class NDArraySamplerAllocationTest {
  private static final int V = 128_256;
  private static final int WARM_UP = 2000;
  private static final int MEASURED = 500;
  /** Per call: far below a row of floats (513,024 bytes) or of 16-bit values (256,512 bytes). */
  private static final long BYTES_PER_CALL_LIMIT = 256;

  private static AllocationMeter meter;
  private static NDManager manager;

  @BeforeAll
  static void setUp() {
    meter = AllocationMeter.assumeAvailable();
    manager = Engine.getEngine("PyTorch").newBaseManager();
  }

  @AfterAll
  static void tearDown() {
    if (manager != null) {
      manager.close();
    }
  }

  @ParameterizedTest(name = "B={0} T={1} {2}")
  @CsvSource({"1, 1, float32", "1, 1, float16", "4, 1, float32", "2, 3, float16"})
  void bytesPerCallStayFarBelowOneRow(int b, int t, String type) {
    DataType dataType = DataType.valueOf(type.toUpperCase());
    NDArray[] ring = new NDArray[4];
    for (int i = 0; i < ring.length; i++) {
      NDArray floats =
          manager.create(TestLogits.gaussian(b * t * V, 3, 40 + i), new Shape(b, t, V));
      ring[i] = dataType == DataType.FLOAT32 ? floats : floats.toType(dataType, false);
    }
    NDArraySampler adapter = NDArraySampler.create(
        SamplerConfig.builder().temperature(0.8f).topK(50).build(), 5L, b);
    int[] tokens = new int[b];
    long checksum = run(adapter, ring, tokens, WARM_UP);
    long before = meter.allocatedBytes();
    checksum += run(adapter, ring, tokens, MEASURED);
    long perCall = (meter.allocatedBytes() - before) / MEASURED;
    assertTrue(perCall < BYTES_PER_CALL_LIMIT,
        perCall + " bytes per call (checksum " + checksum + ", tokens " + Arrays.toString(tokens)
            + ")");
  }

  private static long run(NDArraySampler adapter, NDArray[] ring, int[] tokens, int calls) {
    long checksum = 0;
    for (int n = 0; n < calls; n++) {
      adapter.sample(ring[n % ring.length], tokens);
      checksum += tokens[0];
    }
    return checksum;
  }
}
