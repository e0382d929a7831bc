package dev.tokensampler.stage;

/**
 * A built-in stage whose {@link Stage#apply} changes its state before the step can still fail:
 * the {@link Chain} calls {@link #undoStep()} when the step fails (a later stage or the
 * validation throws), so a failed step leaves the stage as it was. Package-private, so the
 * public API gains nothing.
 */
abstract class StepUndo {
  /** Undoes what the last {@link Stage#apply} changed; nothing if it changed nothing. */
  abstract void undoStep();
}
