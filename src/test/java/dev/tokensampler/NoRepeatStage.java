package dev.tokensampler;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Stage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A stateful user stage: bans the token accepted last by giving it the logit {@code -Infinity},
 * so the same token never comes twice in a row. Each sampler needs its own copy. Its state, the
 * last token, is saved and restored with the sampler's.
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
  public void saveState(DataOutput out) throws IOException {
    out.writeInt(last);
  }

  @Override
  public void restoreState(DataInput in) throws IOException {
    int value = in.readInt();
    if (value < -1) {
      throw new IOException("token out of range: " + value);
    }
    last = value;
  }

  @Override
  public String toString() {
    return "no_repeat";
  }
}
