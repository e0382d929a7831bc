package dev.tokensampler.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.djl.NDArraySampler;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * From a DJL {@link NDArray} of logits on the PyTorch engine to a token id, per token: the
 * library's {@link NDArraySampler} (which maps the tensor, copies the row once and samples)
 * against the same chain written with the engine's own operators ({@link EngineOperatorSampler}),
 * in the same run, plus the library on a Java {@code float[]} holding the same logits (the cost
 * without the tensor read).
 *
 * <p>Input: a ring of {@value #RING} tensors of shape {@code [1, 1, V]} (one sequence, one
 * position: a decoding step), Gaussian logits with sigma 3 from a fixed seed, in float32 or
 * float16. Chains ({@code config}): {@code temperature} (T = 0.8), {@code topk50} (T = 0.8, top-k
 * 50), {@code topp90} (T = 0.8, top-p 0.9). The uniform number of the engine route comes from a
 * {@link SplittableRandom}. PyTorch runs its operators on its own intra-op threads.
 *
 * <p>Forks get {@code --add-modules jdk.incubator.vector} and {@code -Dai.djl.offline=true}.
 * Warm-up is longer than elsewhere (5 x 2 s): until C2 compiles the Vector API kernels, a call
 * at V = 128,256 takes milliseconds, so a short warm-up measures the interpreter.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector", "-Dai.djl.offline=true"})
@State(Scope.Thread)
public class DjlAdapterBenchmark {
  static final int RING = 8;
  private static final long SEED = 0x5EED_2024L;
  private static final double SIGMA = 3;
  private static final float TEMPERATURE = 0.8f;

  /** V: the shipped sample model's vocabulary size and Llama 3's. */
  @Param({"8192", "128256"})
  public int vocabulary;

  /** {@code temperature}, {@code topk50} or {@code topp90}. */
  @Param({"temperature", "topk50", "topp90"})
  public String config;

  /** The tensor's data type: {@code float32} or {@code float16}. */
  @Param({"float32", "float16"})
  public String dtype;

  private NDManager manager;
  private NDArray[] tensors;
  private float[][] arrays;
  private NDArraySampler adapter;
  private Sampler arraySampler;
  private EngineOperatorSampler engine;
  private final SplittableRandom uniform = new SplittableRandom(7);
  private int cursor;

  /** Makes the tensors and samplers, and samples once with each (first-call allocations). */
  @Setup(Level.Trial)
  public void setup() {
    manager = Engine.getEngine("PyTorch").newBaseManager();
    DataType type = DataType.valueOf(dtype.toUpperCase(Locale.ROOT));
    SplittableRandom random = new SplittableRandom(SEED);
    tensors = new NDArray[RING];
    arrays = new float[RING][];
    for (int i = 0; i < RING; i++) {
      float[] logits = new float[vocabulary];
      for (int j = 0; j < vocabulary; j++) {
        logits[j] = (float) (SIGMA * random.nextGaussian());
      }
      NDArray floats = manager.create(logits, new Shape(1, 1, vocabulary));
      tensors[i] = type == DataType.FLOAT32 ? floats : floats.toType(type, false);
      // The Java array holds the tensor's values (after any rounding to 16 bits).
      arrays[i] = tensors[i].toType(DataType.FLOAT32, false).toFloatArray();
    }
    SamplerConfig chain;
    switch (config) {
      case "temperature":
        chain = SamplerConfig.builder().temperature(TEMPERATURE).build();
        engine = new EngineOperatorSampler(TEMPERATURE, 0, 1f);
        break;
      case "topk50":
        chain = SamplerConfig.builder().temperature(TEMPERATURE).topK(50).build();
        engine = new EngineOperatorSampler(TEMPERATURE, 50, 1f);
        break;
      case "topp90":
        chain = SamplerConfig.builder().temperature(TEMPERATURE).topP(0.9f).build();
        engine = new EngineOperatorSampler(TEMPERATURE, 0, 0.9f);
        break;
      default:
        throw new IllegalArgumentException("unknown config " + config);
    }
    adapter = NDArraySampler.create(chain, 42L, 1);
    arraySampler = chain.newSampler(42L);
    adapter.sample(tensors[0]);
    arraySampler.sample(arrays[0]);
    engine.sample(tensors[0], 0.5);
  }

  /** Frees the tensors. */
  @TearDown(Level.Trial)
  public void tearDown() {
    manager.close();
  }

  private int next() {
    int i = cursor;
    cursor = (cursor + 1) & (RING - 1);
    return i;
  }

  /**
   * The library through the adapter: tensor to token, the tensor read included.
   *
   * @return the token id
   */
  @Benchmark
  public int adapter() {
    return adapter.sample(tensors[next()]);
  }

  /**
   * The same chain with the engine's operators.
   *
   * @return the token id
   */
  @Benchmark
  public int engineOperators() {
    return engine.sample(tensors[next()], uniform.nextDouble());
  }

  /**
   * The library on a {@code float[]} of the same values: the adapter's cost without the read.
   *
   * @return the token id
   */
  @Benchmark
  public int floatArray() {
    return arraySampler.sample(arrays[next()]);
  }
}
