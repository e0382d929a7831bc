package dev.tokensampler.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Specs and generation configs as a server receives them from outside. */
class HostileConfigTest {
  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  static long allocation(Supplier<?> action) {
    long before = allocatedBytes();
    Object kept = action.get();
    long used = allocatedBytes() - before;
    assertTrue(kept != null);
    return used;
  }

  @Test
  void hugeTokenIdsCostNoMemory() {
    assertTrue(allocation(() -> SamplerSpec.parse("suppress_tokens=[2147483647]")) < 2_000_000);
    assertTrue(allocation(() -> SamplerSpec.parse("suppress_tokens=[2147483647,5,1000000000]"))
        < 2_000_000);
    assertTrue(allocation(() -> GenerationConfigJson.parse("{\"suppress_tokens\":[2147483647]}"))
        < 2_000_000);
  }

  @Test
  void hugeWindowsCostNoMemory() {
    assertTrue(allocation(() -> SamplerSpec.parse(
        "repetition_penalty=1.1,penalty_last_n=2147483647")) < 2_000_000);
    assertTrue(allocation(() -> SamplerSpec.parse(
        "frequency_penalty=0.5,penalty_last_n=100000000").config().newSampler(1L)) < 2_000_000);
    assertTrue(allocation(() -> SamplerSpec.parse(
        "dry_multiplier=0.8,dry_penalty_last_n=2147483647").config().newSampler(1L))
        < 2_000_000);
  }
}
