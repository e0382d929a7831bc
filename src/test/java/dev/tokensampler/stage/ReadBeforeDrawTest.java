package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.TestLogits;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Reading the candidates after {@link Chain#draw} changes no token; reading them before draws
 * from the same nucleus (the token for given bits may differ, as {@link Chain} documents).
 */
class ReadBeforeDrawTest {
  private static final int STEPS = 400;
  private static final int V = 8192;

  private enum Read { NONE, BEFORE_DRAW, AFTER_DRAW }

  @Test
  void readingAfterTheDrawLeavesEveryTokenAsItWas() {
    float[] logits = TestLogits.gaussian(V, 3.0, 11L);
    assertArrayEquals(draws(logits, Read.NONE), draws(logits, Read.AFTER_DRAW));
  }

  @Test
  void readingBeforeTheDrawStillDrawsFromTheNucleus() {
    float[] logits = TestLogits.gaussian(V, 3.0, 11L);
    Chain chain = new Chain(List.of(new Temperature(0.7f), new TopP(0.9f)));
    Candidates c = chain.apply(logits, 0, V);
    boolean[] inNucleus = new boolean[V];
    for (int i = 0; i < c.size(); i++) {
      inNucleus[c.id(i)] = c.probability(i) > 0f;
    }
    for (int token : draws(logits, Read.BEFORE_DRAW)) {
      assertTrue(inNucleus[token], "token " + token + " is outside the nucleus");
    }
    for (int token : draws(logits, Read.NONE)) {
      assertTrue(inNucleus[token], "token " + token + " is outside the nucleus");
    }
  }

  private static int[] draws(float[] logits, Read read) {
    Chain chain = new Chain(List.of(new Temperature(0.7f), new TopP(0.9f)));
    float[] buffer = new float[logits.length];
    SplittableRandom bits = new SplittableRandom(5L);
    int[] tokens = new int[STEPS];
    for (int s = 0; s < STEPS; s++) {
      Candidates c = chain.apply(logits, 0, logits.length, bits.nextLong());
      if (read == Read.BEFORE_DRAW) {
        c.writeLogProbabilities(buffer);
      }
      tokens[s] = chain.draw();
      if (read == Read.AFTER_DRAW) {
        c.writeLogProbabilities(buffer);
      }
    }
    return tokens;
  }
}
