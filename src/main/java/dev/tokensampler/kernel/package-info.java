/**
 * Numeric kernels behind every stage: max, argmax, the fused exponential sum, threshold sums
 * and top-k selection over a {@code float[]}.
 *
 * <p>This package is internal: its types are public only so that the stage package can reach
 * them, and they may change in any release. Two implementations exist, picked once per JVM by
 * {@link dev.tokensampler.kernel.KernelProvider}: {@code VectorKernels} on the JDK Vector API
 * ({@code jdk.incubator.vector}, the only class of the library that imports it) and
 * {@link dev.tokensampler.kernel.ScalarKernels}. Both return bit-identical results for the same
 * input: they share one exponential approximation ({@link dev.tokensampler.kernel.ExpPoly}) and one
 * summation order ({@link dev.tokensampler.kernel.Kernels#LANES} interleaved float lanes per block
 * of {@link dev.tokensampler.kernel.Kernels#BLOCK} elements, blocks added in double), so no result
 * depends on the SIMD width or on whether the Vector API is present.
 */
package dev.tokensampler.kernel;
