package dev.tokensampler.stage;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * The input of one stage's {@link Stage#restoreState}, from {@link Chain#restoreState}: it knows
 * the vocabulary size, so the token histories it restores check every id against it, and records
 * the largest id for a check once the size is known.
 */
final class StageStateInput extends DataInputStream {
  private final int vocabularySize;
  private int largestToken = -1;

  /**
   * @param state the stage's bytes
   * @param vocabularySize V, or 0 if not known yet
   */
  StageStateInput(byte[] state, int vocabularySize) {
    super(new ByteArrayInputStream(state));
    this.vocabularySize = vocabularySize;
  }

  /**
   * Checks a token id read from a state against V, if known, and records it.
   *
   * @param token a non-negative token id
   * @throws IOException if it is not below a known V
   */
  void checkToken(int token) throws IOException {
    if (vocabularySize > 0 && token >= vocabularySize) {
      throw new IOException("token " + token + " in the history is outside the vocabulary of size "
          + vocabularySize);
    }
    largestToken = Math.max(largestToken, token);
  }

  /** The largest token id checked, or -1. */
  int largestToken() {
    return largestToken;
  }
}
