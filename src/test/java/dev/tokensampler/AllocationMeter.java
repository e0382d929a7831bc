package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The bytes this thread allocates, from HotSpot's per-thread counter
 * ({@link com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes()}): the one way the
 * tests measure allocation. Reading the counter allocates nothing, so no slack is needed. Not a
 * timing measurement.
 */
public final class AllocationMeter {
  private final com.sun.management.ThreadMXBean threads;
  private long checksum;

  private AllocationMeter(com.sun.management.ThreadMXBean threads) {
    this.threads = threads;
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  /**
   * The meter, or a skipped test (an assumption) on a JVM without the counter.
   *
   * @return the meter, counting from now on
   */
  public static AllocationMeter assumeAvailable() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no com.sun.management");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
    return new AllocationMeter(threads);
  }

  /**
   * The meter outside a test (a probe run in a JVM of its own).
   *
   * @return the meter
   * @throws IllegalStateException on a JVM without the counter
   */
  public static AllocationMeter require() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    if (!(bean instanceof com.sun.management.ThreadMXBean)
        || !((com.sun.management.ThreadMXBean) bean).isThreadAllocatedMemorySupported()) {
      throw new IllegalStateException("no per-thread allocation counter in this JVM");
    }
    return new AllocationMeter((com.sun.management.ThreadMXBean) bean);
  }

  /**
   * The bytes this thread has allocated so far.
   *
   * @return the counter
   */
  public long allocatedBytes() {
    return threads.getCurrentThreadAllocatedBytes();
  }

  /**
   * The bytes this thread allocates while {@code action} runs, what it returns included: for
   * bounds on the memory one call takes.
   *
   * @param action the call, returning what it built (kept, so that it cannot be optimised away)
   * @return the bytes allocated by the call
   * @throws org.opentest4j.AssertionFailedError if {@code action} returns null
   */
  public long bytesAllocatedBy(Supplier<?> action) {
    long before = threads.getCurrentThreadAllocatedBytes();
    Object kept = action.get();
    long used = threads.getCurrentThreadAllocatedBytes() - before;
    assertNotNull(kept, "the measured call returned null");
    return used;
  }

  /**
   * Runs {@code window} up to {@code windows} times and returns the bytes each run allocated,
   * stopping after the first run that allocated nothing. Each run returns a checksum of its
   * results, kept so that the work cannot be optimised away.
   *
   * @param windows the most runs
   * @param window one window of calls, returning a checksum
   * @return the bytes of each run made; the last is 0 iff some run allocated nothing
   */
  public long[] windowsUntilNoAllocation(int windows, LongSupplier window) {
    long[] allocated = new long[windows];
    int used = 0;
    while (used < windows) {
      long before = threads.getCurrentThreadAllocatedBytes();
      checksum += window.getAsLong();
      allocated[used] = threads.getCurrentThreadAllocatedBytes() - before;
      if (allocated[used++] == 0) {
        break;
      }
    }
    return Arrays.copyOf(allocated, used);
  }

  /**
   * Asserts that one of {@code windows} runs of {@code window} allocates 0 bytes. More than one
   * run is allowed because the Vector API kernels allocate until C2 has compiled them; a window
   * that allocates on every call, or once in a thousand calls, fails every run.
   *
   * @param windows the most runs
   * @param what the calls of one window, for the failure message
   * @param window one window of calls, returning a checksum
   */
  public void assertSomeWindowAllocatesNothing(int windows, String what, LongSupplier window) {
    long[] allocated = windowsUntilNoAllocation(windows, window);
    if (allocated[allocated.length - 1] != 0) {
      fail("bytes allocated by each window of " + what + ": " + Arrays.toString(allocated)
          + " (checksum " + checksum + ")");
    }
  }

  /**
   * The sum of the checksums of the windows run so far.
   *
   * @return the checksum
   */
  public long checksum() {
    return checksum;
  }
}
