package dev.tokensampler.stage;

import dev.tokensampler.kernel.KernelProvider;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * Skips a property that compares the kernel implementations when the JVM has only scalar ones
 * (a run that asked for a vector width fails in {@code KernelAgreementTest} instead).
 */
final class VectorKernelsOnly implements SkipExecutionHook {
  @Override
  public SkipResult shouldBeSkipped(LifecycleContext context) {
    return KernelProvider.isVectorized()
        ? SkipResult.doNotSkip()
        : SkipResult.skip("no vector kernels, nothing to compare: " + KernelProvider.description());
  }
}
