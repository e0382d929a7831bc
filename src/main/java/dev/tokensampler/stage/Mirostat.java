package dev.tokensampler.stage;

import java.io.DataInput;
import java.io.IOException;

/** The running target {@code mu} that both mirostat stages share: its checks and its update. */
final class Mirostat {
  private Mirostat() {}

  static float checkParameter(String name, float value) {
    if (!(value >= 0f) || value == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(name + " must be finite and >= 0, got " + value);
    }
    return value + 0f;
  }

  /**
   * {@code mu - eta * (-log2 q - tau)} in float, as llama.cpp computes it, kept finite: {@code q}
   * is at least {@code Float.MIN_VALUE}, and the result is clamped to the finite floats.
   */
  static float updatedMu(float mu, float tau, float eta, float q) {
    float surprise = (float) (-Math.log(Math.max(q, Float.MIN_VALUE)) / Math.log(2));
    return finite(mu - eta * (surprise - tau));
  }

  /** The starting {@code mu}, {@code 2 * tau}, clamped to the finite floats. */
  static float startMu(float tau) {
    return finite(2 * tau);
  }

  private static float finite(float mu) {
    return Math.max(-Float.MAX_VALUE, Math.min(Float.MAX_VALUE, mu));
  }

  static float readMu(DataInput in) throws IOException {
    float mu = in.readFloat();
    if (!Float.isFinite(mu)) {
      throw new IOException("mirostat mu must be finite, got " + mu);
    }
    return mu;
  }
}
