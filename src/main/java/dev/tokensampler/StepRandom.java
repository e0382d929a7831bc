package dev.tokensampler;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * A sampler's generator as its steps see it: the value a step takes is held until the step
 * succeeds ({@link #commit}), so a step that throws leaves it for the next one, and a failed call
 * takes no random number. Not thread-safe.
 */
final class StepRandom implements UniformRandomProvider {
  private final UniformRandomProvider source;
  private long value;
  private boolean held;

  StepRandom(UniformRandomProvider source) {
    this.source = source;
  }

  /** The held value, or the source's next one, which is then held. */
  @Override
  public long nextLong() {
    if (!held) {
      value = source.nextLong();
      held = true;
    }
    return value;
  }

  /** The step succeeded: its value is spent. */
  void commit() {
    held = false;
  }

  /** Whether a failed step left a value for the next one. */
  boolean isHeld() {
    return held;
  }

  /** The held value; meaningful only if {@link #isHeld()}. */
  long heldValue() {
    return value;
  }

  /** Replaces the held value (a restored state), or drops it when {@code isHeld} is false. */
  void hold(boolean isHeld, long heldValue) {
    this.held = isHeld;
    this.value = heldValue;
  }
}
