package dev.tokensampler.bench.maskbench;

/**
 * The outcome of one schema, classified as MaskBench does.
 *
 * @param file the data file
 * @param status the class
 * @param ttfmNanos compile time up to the first mask (the timeout for a timeout; -1 for a compile
 *     error or crash)
 * @param validInstances valid instances walked
 * @param invalidInstances invalid instances walked
 * @param validRejected valid instances rejected (a token not allowed, or no end allowed)
 * @param invalidAccepted invalid instances accepted to the end
 * @param masks masks timed (over valid instances)
 * @param maskNanosSum their total time
 * @param maskNanosMax the longest
 * @param detail the first failure or the exception, or empty
 */
record SchemaResult(String file, Status status, long ttfmNanos, int validInstances,
    int invalidInstances, int validRejected, int invalidAccepted, int masks, long maskNanosSum,
    long maskNanosMax, String detail) {

  /** MaskBench's classes. */
  enum Status {
    PASSING("passing"),
    COMPILE_ERROR("compile error"),
    VALIDATION_ERROR("validation error"),
    INVALIDATION_ERROR("invalidation error"),
    CRASH("crash"),
    TIMEOUT("timeout");

    final String label;

    Status(String label) {
      this.label = label;
    }
  }
}
