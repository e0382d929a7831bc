package dev.tokensampler.kernel;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Picks the kernel implementation once per JVM, as Lucene's {@code VectorizationProvider} does.
 *
 * <ul>
 *   <li>{@code VectorKernels} when the module {@code jdk.incubator.vector} is in the boot layer
 *       (the JVM was started with {@code --add-modules jdk.incubator.vector}) and the machine has
 *       vectors of at least 128 bits;
 *   <li>{@link ScalarKernels} otherwise, or when the system property
 *       {@value #KERNELS_PROPERTY} is {@code scalar}.
 * </ul>
 *
 * <p>The choice is logged once on the {@code System.Logger} named {@code dev.tokensampler}: at
 * {@code DEBUG} when the Vector API kernels are in use or the scalar kernels were asked for; as
 * one {@code INFO} line saying how to enable SIMD when the module is absent; and at
 * {@code WARNING} when the module is there but its kernels cannot be used (for instance a width
 * asked for with {@value #VECTOR_BITS_PROPERTY} that the machine lacks). Both give the same
 * results.
 */
public final class KernelProvider {
  /** System property: {@code scalar} forces the scalar kernels; {@code vector} (default) prefers SIMD. */
  public static final String KERNELS_PROPERTY = "dev.tokensampler.kernels";
  /** System property: the vector width in bits, 128, 256 or 512 (default: widest, at most 512). */
  public static final String VECTOR_BITS_PROPERTY = "dev.tokensampler.vectorBits";

  private static final System.Logger LOG = System.getLogger("dev.tokensampler");
  /** Why the Vector API kernels could not be used although the module is present. */
  private static String unusableReason = "";
  private static final MethodHandle VECTOR_CONSTRUCTOR = lookupVectorKernels();
  private static final String DESCRIPTION = describe();

  private KernelProvider() {}

  /**
   * A new kernel instance of the implementation picked for this JVM.
   *
   * @return fresh kernels with their own scratch
   */
  public static Kernels newKernels() {
    if (VECTOR_CONSTRUCTOR == null) {
      return new ScalarKernels();
    }
    try {
      return (Kernels) VECTOR_CONSTRUCTOR.invoke();
    } catch (Throwable t) {
      throw new IllegalStateException("cannot create the Vector API kernels", t);
    }
  }

  /**
   * Whether the Vector API kernels are in use.
   *
   * @return true for SIMD kernels, false for scalar
   */
  public static boolean isVectorized() {
    return VECTOR_CONSTRUCTOR != null;
  }

  /**
   * What was picked and why, e.g. {@code "vector-512 (jdk.incubator.vector)"}.
   *
   * @return a one-line description
   */
  public static String description() {
    return DESCRIPTION;
  }

  private static String describe() {
    String name = newKernels().name();
    String text;
    System.Logger.Level level = System.Logger.Level.INFO;
    if (VECTOR_CONSTRUCTOR != null) {
      text = name + " (jdk.incubator.vector)";
      level = System.Logger.Level.DEBUG;
    } else if ("scalar".equalsIgnoreCase(System.getProperty(KERNELS_PROPERTY, ""))) {
      text = name + " (forced by -D" + KERNELS_PROPERTY + "=scalar)";
      level = System.Logger.Level.DEBUG;
    } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      text = name + " (start the JVM with --add-modules jdk.incubator.vector for SIMD kernels)";
    } else {
      text = name + " (Vector API present but unusable here: " + unusableReason + ")";
      level = System.Logger.Level.WARNING;
    }
    LOG.log(level, "tokensampler kernels: " + text);
    return text;
  }

  private static MethodHandle lookupVectorKernels() {
    if ("scalar".equalsIgnoreCase(System.getProperty(KERNELS_PROPERTY, ""))) {
      return null;
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      Class<?> type = Class.forName("dev.tokensampler.kernel.VectorKernels");
      MethodHandle constructor =
          MethodHandles.lookup().findConstructor(type, MethodType.methodType(void.class));
      constructor.invoke();
      return constructor;
    } catch (Throwable t) {
      Throwable cause = t instanceof ExceptionInInitializerError && t.getCause() != null
          ? t.getCause() : t;
      unusableReason = String.valueOf(cause.getMessage());
      return null;
    }
  }
}
