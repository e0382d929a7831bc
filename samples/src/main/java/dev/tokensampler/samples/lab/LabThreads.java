package dev.tokensampler.samples.lab;

/**
 * Pins the PyTorch engine's threads before it starts, for sampling times that are comparable: an
 * engine's intra-op (OpenMP) threads keep spinning after a forward pass and compete with the
 * sampling call on a small machine (see the README's strategy-experiments section). Sets the DJL
 * system properties {@value #INTRA_OP_PROPERTY} and {@value #INTER_OP_PROPERTY} unless they are
 * already set; {@code OMP_NUM_THREADS} must be set in the environment of the JVM, by the caller.
 */
public final class LabThreads {
  /** DJL's property for PyTorch's intra-op threads. */
  public static final String INTRA_OP_PROPERTY = "ai.djl.pytorch.num_threads";
  /** DJL's property for PyTorch's inter-op threads. */
  public static final String INTER_OP_PROPERTY = "ai.djl.pytorch.num_interop_threads";

  private LabThreads() {}

  /**
   * Sets both properties to {@code threads} where they are not set.
   *
   * @param threads at least 1
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public static void pin(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("--intra-op-threads must be >= 1, got " + threads);
    }
    if (System.getProperty(INTRA_OP_PROPERTY) == null) {
      System.setProperty(INTRA_OP_PROPERTY, Integer.toString(threads));
    }
    if (System.getProperty(INTER_OP_PROPERTY) == null) {
      System.setProperty(INTER_OP_PROPERTY, Integer.toString(threads));
    }
  }
}
