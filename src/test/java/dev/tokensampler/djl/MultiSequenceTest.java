package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.samples.model.WordVocabulary;
import dev.tokensampler.score.SequenceScores;
import dev.tokensampler.search.BeamSearchSettings;
import dev.tokensampler.search.EarlyStopping;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Several sequences per prompt on the shipped Brown-corpus model: {@code n} samples are the
 * single-sequence streams of one seed, {@code best_of} keeps the best cumulative log-probability
 * (equal to a scoring pass over the sequence), beam search with one beam is greedy decoding, and
 * beam search gives the same sequences with the key/value cache (reordered per beam) as without.
 */
class MultiSequenceTest {
  @RegisterExtension
  static final BrownGptFixture BROWN = new BrownGptFixture();

  private static CausalLMGenerator.Builder generator() {
    return CausalLMGenerator.builder(BROWN.predictor()).maxLength(BROWN.config().contextLength());
  }

  private static int[] prompt() {
    return BROWN.vocabulary().encode("the president said that");
  }

  @Test
  void nSamplesAreTheStreamsOfOneSeedAndBestOfKeepsTheMostLikely() {
    CausalLMGenerator g = generator().maxNewTokens(8)
        .eosTokenIds(WordVocabulary.END_OF_SENTENCE_ID).build();
    SamplerConfig chain = SamplerConfig.builder().temperature(1.2f).topK(50).build();
    List<ScoredSequence> five = g.sample(prompt(), chain, 42L, 5, 5);
    assertEquals(5, five.size());
    for (int i = 0; i < 5; i++) {
      assertArrayEquals(g.generate(prompt(), chain.newSampler(42L, i)).tokens(),
          five.get(i).tokens(), "stream " + i);
    }
    assertNotEquals(List.of(five.get(0).tokens()), List.of(five.get(1).tokens()));

    NDArrayScorer scorer = new NDArrayScorer(BROWN.config().vocabularySize());
    try (NDManager manager = NDManager.newBaseManager()) {
      for (ScoredSequence s : five) {
        int[] p = prompt();
        int[] all = new int[p.length + s.tokens().length];
        System.arraycopy(p, 0, all, 0, p.length);
        System.arraycopy(s.tokens(), 0, all, p.length, s.tokens().length);
        SequenceScores scores = new SequenceScores(all.length - 1, 0);
        scorer.scoreSequence(BROWN.predictor(), manager, all, scores);
        double sum = 0;
        for (int t = p.length - 1; t < all.length - 1; t++) {
          sum += scores.logprob(t);
        }
        assertEquals(sum, s.score(), 1e-3, "the cumulative log-probability of " + s);
      }
    }

    List<ScoredSequence> best = g.sample(prompt(), chain, 42L, 2, 5);
    List<ScoredSequence> sorted = new java.util.ArrayList<>(five);
    sorted.sort((a, b) -> Double.compare(b.score(), a.score()));
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(sorted.get(i).tokens(), best.get(i).tokens(), "rank " + i);
      assertEquals(sorted.get(i).score(), best.get(i).score());
    }
    assertThrows(IllegalArgumentException.class, () -> g.sample(prompt(), chain, 1L, 3, 2));
  }

  @Test
  void specsAndGenerationConfigsRouteToTheLoop() {
    CausalLMGenerator g = generator().maxNewTokens(5).build();
    List<ScoredSequence> fromJson = g.generateSequences(prompt(),
        dev.tokensampler.config.GenerationConfigJson.parse("{\"num_beams\": 3,"
            + " \"num_return_sequences\": 2, \"early_stopping\": \"never\","
            + " \"length_penalty\": 0.5}"));
    List<ScoredSequence> direct = g.beamSearch(prompt(), BeamSearchSettings.builder().numBeams(3)
        .numReturnSequences(2).earlyStopping(EarlyStopping.NEVER).lengthPenalty(0.5f).build());
    assertEquals(2, fromJson.size());
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(direct.get(i).tokens(), fromJson.get(i).tokens());
      assertEquals(direct.get(i).score(), fromJson.get(i).score());
    }
    dev.tokensampler.config.SamplerSpec spec = dev.tokensampler.config.SamplerSpec.parse(
        "temperature=1.1,top_p=0.9,seed=5,num_return_sequences=2");
    List<ScoredSequence> samples = g.generateSequences(prompt(), spec);
    List<ScoredSequence> expected = g.sample(prompt(), spec.config(), 5L, 2, 2);
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(expected.get(i).tokens(), samples.get(i).tokens());
    }
  }

  @Test
  void oneBeamIsGreedyDecoding() {
    CausalLMGenerator g = generator().maxNewTokens(12).build();
    int[] greedy = g.generate(prompt(), SamplerConfig.greedy().newSampler(0)).tokens();
    List<ScoredSequence> beam = g.beamSearch(prompt(), BeamSearchSettings.builder().build());
    assertEquals(1, beam.size());
    assertArrayEquals(greedy, beam.get(0).tokens());
    assertEquals(StopReason.MAX_NEW_TOKENS, beam.get(0).stopReason());
  }

  @Test
  void beamSearchReusesTheCacheWithTheSameResult() {
    BeamSearchSettings settings = BeamSearchSettings.builder().numBeams(4)
        .numReturnSequences(3).earlyStopping(EarlyStopping.NEVER).build();
    List<ScoredSequence> cached = generator().maxNewTokens(6)
        .eosTokenIds(WordVocabulary.END_OF_SENTENCE_ID).build().beamSearch(prompt(), settings);
    List<ScoredSequence> recomputed = generator().maxNewTokens(6).useCache(false)
        .eosTokenIds(WordVocabulary.END_OF_SENTENCE_ID).build().beamSearch(prompt(), settings);
    assertEquals(3, cached.size());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(recomputed.get(i).tokens(), cached.get(i).tokens(), "rank " + i);
      assertEquals(recomputed.get(i).score(), cached.get(i).score(), 1e-4);
      assertTrue(i == 0 || cached.get(i - 1).score() >= cached.get(i).score());
    }
    List<ScoredSequence> diverse = generator().maxNewTokens(6).build().beamSearch(prompt(),
        BeamSearchSettings.builder().numBeams(4).groups(2, 5f).numReturnSequences(4).build());
    assertEquals(4, diverse.size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> generator().stopStrings((ids, from, count) -> "", ".").build()
            .beamSearch(prompt(), settings));
    assertTrue(e.getMessage().contains("stop_strings"), e.getMessage());
  }
}
