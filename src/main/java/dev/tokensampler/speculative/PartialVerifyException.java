package dev.tokensampler.speculative;

/**
 * A {@link SpeculativeSampler#verify} call failed (a stage threw) after it had accepted some
 * draft tokens: those drafts are in {@code out[0, acceptedCount())} and the stateful stages were
 * told them, as by a call that returned them without a final token. The cause is what the stage
 * threw. A call that fails before accepting any draft throws the stage's exception itself and
 * changes nothing.
 */
public final class PartialVerifyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int acceptedCount;

  PartialVerifyException(int acceptedCount, RuntimeException cause) {
    super("verify failed after accepting " + acceptedCount + " draft token"
        + (acceptedCount == 1 ? "" : "s") + " (in out[0, " + acceptedCount
        + "), told to the stages): " + cause, cause);
    this.acceptedCount = acceptedCount;
  }

  /**
   * The number of drafts accepted before the failure.
   *
   * @return at least 1
   */
  public int acceptedCount() {
    return acceptedCount;
  }
}
