package dev.tokensampler;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Stage;

/**
 * A stateful user stage: bans the token accepted last by giving it the logit {@code -Infinity},
 * so the same token never comes twice in a row. Each sampler needs its own copy.
 */
final class NoRepeatStage implements Stage {
  private int last = -1;

  @Override
  public void apply(Candidates candidates) {
    if (last < 0) {
      return;
    }
    for (int i = 0, n = candidates.size(); i < n; i++) {
      if (candidates.id(i) == last) {
        candidates.setLogit(i, Float.NEGATIVE_INFINITY);
        return;
      }
    }
  }

  @Override
  public void accept(int token) {
    last = token;
  }

  @Override
  public void reset() {
    last = -1;
  }

  @Override
  public Stage copy() {
    NoRepeatStage copy = new NoRepeatStage();
    copy.last = last;
    return copy;
  }

  @Override
  public String toString() {
    return "no_repeat";
  }
}
