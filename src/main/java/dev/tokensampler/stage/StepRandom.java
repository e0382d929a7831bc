package dev.tokensampler.stage;

import org.apache.commons.rng.UniformRandomProvider;

/**
 * The one random value of a step: either given when the step starts, or taken from a generator
 * the first time a stage or the draw asks (so that a step that throws on invalid logits before
 * anyone asked takes nothing). Not thread-safe.
 */
final class StepRandom {
  private UniformRandomProvider source;
  private boolean taken;
  private long value;

  /** A step whose value is taken from {@code generator} when first asked for. */
  void start(UniformRandomProvider generator) {
    source = generator;
    taken = false;
  }

  /** A step whose value is {@code bits}. */
  void start(long bits) {
    source = null;
    value = bits;
    taken = true;
  }

  /** A step without randomness: asking for it throws. */
  void startWithout() {
    source = null;
    taken = false;
  }

  long bits() {
    if (!taken) {
      if (source == null) {
        throw new IllegalStateException(
            "no random value in this step: the chain was applied without a generator or bits");
      }
      value = source.nextLong();
      taken = true;
    }
    return value;
  }
}
