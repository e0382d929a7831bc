package dev.tokensampler.stage;

import static dev.tokensampler.stage.StageRun.byId;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link TokenMask}: allowed and banned sets, both forms of the candidates, both removal styles. */
class TokenMaskTest {
  private static final float NEG = Float.NEGATIVE_INFINITY;

  private static BitSet bits(int... ids) {
    BitSet set = new BitSet();
    for (int id : ids) {
      set.set(id);
    }
    return set;
  }

  private static float[] ramp(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (i % 7) * 0.25f;
    }
    return x;
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void aFewAllowedTokensBecomeTheCandidates(CandidatePath path) {
    float[] logits = ramp(64);
    Candidates c = StageRun.apply(path, logits, TokenMask.allowing(bits(3, 10, 40)));
    assertArrayEquals(new int[] {3, 10, 40}, CandidatePath.survivors(c));
    assertFalse(c.isWholeVocabulary());
    double sum = Math.exp(logits[3]) + Math.exp(logits[10]) + Math.exp(logits[40]);
    assertEquals(Math.exp(logits[10]) / sum, CandidatePath.probabilityOf(c, 10), 1e-6);
    assertArrayEquals(ramp(64), logits, "the caller's logits are not written");
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void aPendingTemperatureCarriesOverToTheAllowedTokens(CandidatePath path) {
    float[] logits = ramp(64);
    Candidates c = StageRun.apply(path, logits, new Temperature(0.5f),
        TokenMask.allowing(bits(3, 10, 40)));
    double sum = Math.exp(2 * logits[3]) + Math.exp(2 * logits[10]) + Math.exp(2 * logits[40]);
    assertEquals(Math.exp(2 * logits[3]) / sum, CandidatePath.probabilityOf(c, 3), 1e-6);
    assertEquals(2 * logits[40], byId(c, 64)[40], 0f);
  }

  @Test
  void aLargeAllowedSetOnTheWholeVocabularyWritesMinusInfinity() {
    float[] logits = ramp(16);
    Candidates c = CandidatePath.WHOLE_VOCABULARY.start(logits);
    TokenMask.allowing(bits(0, 2, 3, 5, 15)).apply(c);
    assertTrue(c.isWholeVocabulary(), "5 of 16 is more than an eighth: masked in place");
    float[] expected = new float[16];
    java.util.Arrays.fill(expected, NEG);
    for (int id : new int[] {0, 2, 3, 5, 15}) {
      expected[id] = logits[id];
    }
    assertArrayEquals(expected, byId(c, 16));
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void bannedTokensGetProbabilityZero(CandidatePath path) {
    float[] logits = ramp(10);
    Candidates c = StageRun.apply(path, logits, TokenMask.banning(bits(1, 4, 9)));
    for (int id = 0; id < 10; id++) {
      boolean banned = id == 1 || id == 4 || id == 9;
      assertEquals(banned, CandidatePath.probabilityOf(c, id) == 0f, "token " + id);
    }
  }

  @ParameterizedTest
  @EnumSource(CandidatePath.class)
  void allowedAndBannedCombine(CandidatePath path) {
    Candidates c = StageRun.apply(path, ramp(64), new TokenMask(bits(2, 5, 6), bits(5, 30)));
    assertArrayEquals(new int[] {2, 6}, CandidatePath.survivors(c));
  }

  @Test
  void explicitCandidatesKeepTheirSortOrder() {
    Candidates c = CandidatePath.EXPLICIT.start(new float[] {0.1f, 3f, 2f, 1f, 0.5f});
    TokenMask.banning(bits(2)).apply(c);
    assertArrayEquals(new int[] {1, 3, 4, 0}, CandidatePath.order(c));
    new TopK(2).apply(c);
    assertArrayEquals(new int[] {1, 3}, CandidatePath.order(c));
  }

  @Test
  void aMaskRemovingEveryCandidateThrows() {
    Candidates explicit = CandidatePath.EXPLICIT.start(new float[] {0f, 1f, 2f});
    new TopK(2).apply(explicit);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TokenMask.banning(bits(1, 2)).apply(explicit));
    assertEquals("the token mask removes every candidate: no token can be sampled", e.getMessage());

    Candidates whole = CandidatePath.WHOLE_VOCABULARY.start(new float[] {0f, 1f});
    TokenMask.banning(bits(0, 1)).apply(whole);
    assertThrows(IllegalArgumentException.class, whole::validate);
  }

  /** Found by fuzzing: a few allowed tokens then greedy drew a token from all -Infinity logits. */
  @Test
  void greedyOverAFewAllowedTokensStillValidatesTheLogits() {
    float[] allMasked = new float[64];
    java.util.Arrays.fill(allMasked, NEG);
    float[] allowedMasked = ramp(64);
    allowedMasked[3] = NEG;
    allowedMasked[10] = NEG;
    float[] nanOutside = ramp(64);
    nanOutside[20] = Float.NaN;
    for (float[] logits : new float[][] {allMasked, allowedMasked, nanOutside}) {
      Candidates c = CandidatePath.WHOLE_VOCABULARY.start(logits);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
        TokenMask.allowing(bits(3, 10)).apply(c);
        Greedy.INSTANCE.apply(c);
      });
      assertTrue(e.getMessage().contains("-Infinity") || e.getMessage().contains("logits[20] is NaN"),
          e.getMessage());
    }
  }

  /**
   * Found by fuzzing: a banned token whose logit was NaN became -Infinity, and a token was drawn
   * from the NaN input. Removed tokens are validated before they are masked, on both removal
   * styles that write -Infinity (a banned set; an allowed set of more than an eighth).
   */
  @Test
  void invalidLogitsAtRemovedTokensAreStillAnError() {
    BitSet many = new BitSet();
    many.set(0, 16);
    float[] nanAtBanned = ramp(64);
    nanAtBanned[39] = Float.NaN;
    float[] infinityAtBanned = ramp(64);
    infinityAtBanned[39] = Float.POSITIVE_INFINITY;
    float[] onlyBannedFinite = new float[64];
    java.util.Arrays.fill(onlyBannedFinite, NEG);
    onlyBannedFinite[39] = 1f;
    for (TokenMask mask : new TokenMask[] {TokenMask.banning(bits(0, 39, 49)),
        TokenMask.allowing(many)}) {
      for (float[] logits : new float[][] {nanAtBanned, infinityAtBanned}) {
        Candidates c = CandidatePath.WHOLE_VOCABULARY.start(logits);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
          mask.apply(c);
          c.validate();
        }, mask.toString());
        assertTrue(e.getMessage().startsWith("logits[39] is "), e.getMessage());
      }
    }
    Candidates c = CandidatePath.WHOLE_VOCABULARY.start(onlyBannedFinite);
    TokenMask.banning(bits(39)).apply(c);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::validate);
    assertTrue(e.getMessage().startsWith("every logit is -Infinity"), e.getMessage());
  }

  @Test
  void anIdOutsideTheVocabularyIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TokenMask.allowing(bits(1, 9)).apply(CandidatePath.WHOLE_VOCABULARY.start(new float[4])));
    assertEquals("allowed token 9 is outside the vocabulary of size 4", e.getMessage());
  }

  @Test
  void theSetsAreCopied() {
    BitSet allowed = bits(1, 2);
    TokenMask mask = TokenMask.allowing(allowed);
    allowed.set(3);
    assertEquals(bits(1, 2), mask.allowed());
    mask.allowed().set(7);
    assertEquals(bits(1, 2), mask.allowed());
    assertEquals(new BitSet(), mask.banned());
    BitSet banned = bits(4);
    TokenMask ban = TokenMask.banning(banned);
    banned.clear();
    assertEquals(bits(4), ban.banned());
    assertEquals(null, ban.allowed());
  }
}
