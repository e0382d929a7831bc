package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Greedy;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.Temperature;
import dev.tokensampler.stage.TopK;
import dev.tokensampler.stage.TopP;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * User-written stages compose with the built-in ones in any order: a stage that bans a token with
 * {@link Candidates#setLogit}, one that masks every odd id, one that raises a logit, and one that
 * picks a token itself with {@link Candidates#probability} and {@link Candidates#select}.
 */
class CustomStageTest {
  private static final int V = 3000;
  /** The five largest logits, largest first: the banned token, then four others. */
  private static final int BANNED = 1234;
  private static final int[] TOP = {BANNED, 2999, 17, 1025, 640};
  private static final int SAMPLES = 100;

  /** Gaussian logits (sigma 1) with {@link #TOP} at 8.0, 7.8, 7.6, 7.4, 7.2. */
  private static float[] logits() {
    float[] x = TestLogits.gaussian(V, 1, 77);
    for (int j = 0; j < TOP.length; j++) {
      x[TOP[j]] = 8.0f - 0.2f * j;
    }
    return x;
  }

  /** Bans one token by giving it the logit {@code -Infinity}. */
  static final class Ban implements Stage {
    private final int token;

    Ban(int token) {
      this.token = token;
    }

    @Override
    public void apply(Candidates c) {
      for (int i = 0, n = c.size(); i < n; i++) {
        if (c.id(i) == token) {
          c.setLogit(i, Float.NEGATIVE_INFINITY);
          return;
        }
      }
    }

    @Override
    public String toString() {
      return "ban(" + token + ")";
    }
  }

  /** Keeps only even ids by masking the others. */
  static final class EvenIdsOnly implements Stage {
    @Override
    public void apply(Candidates c) {
      for (int i = 0, n = c.size(); i < n; i++) {
        if ((c.id(i) & 1) != 0) {
          c.setLogit(i, Float.NEGATIVE_INFINITY);
        }
      }
    }

    @Override
    public String toString() {
      return "even_ids";
    }
  }

  /** Selects the most probable candidate with an even id (the first one on ties), if any. */
  static final class MostProbableEvenId implements Stage {
    @Override
    public void apply(Candidates c) {
      int best = -1;
      float bestProbability = -1f;
      for (int i = 0, n = c.size(); i < n; i++) {
        if ((c.id(i) & 1) == 0 && c.probability(i) > bestProbability) {
          best = i;
          bestProbability = c.probability(i);
        }
      }
      if (best >= 0) {
        c.select(best);
      }
    }

    @Override
    public String toString() {
      return "most_probable_even";
    }
  }

  /** Adds a constant to the logit of one token (a logit bias). */
  static final class Raise implements Stage {
    private final int token;
    private final float bias;

    Raise(int token, float bias) {
      this.token = token;
      this.bias = bias;
    }

    @Override
    public void apply(Candidates c) {
      for (int i = 0, n = c.size(); i < n; i++) {
        if (c.id(i) == token) {
          c.setLogit(i, c.logit(i) + bias);
          return;
        }
      }
    }

    @Override
    public String toString() {
      return "raise(" + token + ", " + bias + ")";
    }
  }

  /** Every order of {@code stages}, each optionally followed by {@code last}. */
  private static Stream<List<Stage>> orders(List<Stage> stages, Stage... last) {
    List<List<Stage>> all = new ArrayList<>();
    permute(new ArrayList<>(stages), 0, all);
    List<List<Stage>> result = new ArrayList<>(all);
    for (Stage tail : last) {
      for (List<Stage> order : all) {
        List<Stage> withTail = new ArrayList<>(order);
        withTail.add(tail);
        result.add(withTail);
      }
    }
    return result.stream();
  }

  private static void permute(List<Stage> stages, int from, List<List<Stage>> out) {
    if (from == stages.size()) {
      out.add(new ArrayList<>(stages));
      return;
    }
    for (int i = from; i < stages.size(); i++) {
      Collections.swap(stages, from, i);
      permute(stages, from + 1, out);
      Collections.swap(stages, from, i);
    }
  }

  private static SamplerConfig chain(List<Stage> stages) {
    SamplerConfig.Builder builder = SamplerConfig.builder();
    stages.forEach(builder::stage);
    return builder.build();
  }

  private static boolean selects(List<Stage> stages) {
    Stage last = stages.get(stages.size() - 1);
    return last == Greedy.INSTANCE
        || (last instanceof Temperature && ((Temperature) last).isGreedy());
  }

  static Stream<Arguments> banOrders() {
    List<Stage> stages =
        List.of(new Ban(BANNED), new Temperature(0.7f), new TopK(5), new TopP(0.9f));
    return orders(stages, Greedy.INSTANCE, new Temperature(0f)).map(s -> Arguments.of(chain(s),
        selects(s)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("banOrders")
  void aBannedTokenIsNeverReturned(SamplerConfig config, boolean greedy) {
    Sampler sampler = config.newSampler(5L);
    float[] x = logits();
    Set<Integer> seen = new TreeSet<>();
    for (int n = 0; n < SAMPLES; n++) {
      int token = sampler.sample(x);
      assertNotEquals(BANNED, token, config.toString());
      seen.add(token);
    }
    if (greedy) {
      assertEquals(Set.of(TOP[1]), seen, "greedy takes the best token not banned");
    } else {
      assertTrue(seen.size() >= 2, "sampling is not degenerate: " + seen);
    }
  }

  static Stream<Arguments> evenOrders() {
    List<Stage> stages =
        List.of(new EvenIdsOnly(), new Temperature(1.5f), new TopK(6), new TopP(0.9f));
    return orders(stages, Greedy.INSTANCE).map(s -> Arguments.of(chain(s), selects(s)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("evenOrders")
  void onlyEvenIdsAreReturned(SamplerConfig config, boolean greedy) {
    Sampler sampler = config.newSampler(6L);
    float[] x = logits();
    Set<Integer> seen = new TreeSet<>();
    for (int n = 0; n < SAMPLES; n++) {
      int token = sampler.sample(x);
      assertEquals(0, token & 1, config + " returned " + token);
      seen.add(token);
    }
    if (greedy) {
      assertEquals(Set.of(BANNED), seen, "the best even id");
    } else {
      assertTrue(seen.size() >= 2, "sampling is not degenerate: " + seen);
    }
  }

  static Stream<Arguments> selectingOrders() {
    List<Stage> stages = List.of(new MostProbableEvenId(), new TopK(3), new Temperature(0.5f));
    return orders(stages).map(s -> Arguments.of(chain(s)));
  }

  /**
   * The selecting stage picks among the candidates left when it runs: the top 3 (whose only even
   * id is 1234) or the whole vocabulary (whose most probable even id is 1234), and the stages
   * after it are skipped.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("selectingOrders")
  void aSelectingStageEndsTheChain(SamplerConfig config) {
    Sampler sampler = config.newSampler(7L);
    float[] x = logits();
    for (int n = 0; n < 20; n++) {
      assertEquals(BANNED, sampler.sample(x), config.toString());
    }
  }

  @Test
  void aSelectingStageSeesOnlyTheSurvivors() {
    // With 1234 banned first, none of the top 3 left (2999, 17, 1025) is even: the stage picks
    // nothing and the chain draws from those three.
    SamplerConfig config = SamplerConfig.builder().stage(new Ban(BANNED)).topK(3)
        .stage(new MostProbableEvenId()).build();
    Sampler sampler = config.newSampler(8L);
    float[] x = logits();
    Set<Integer> seen = new TreeSet<>();
    for (int n = 0; n < SAMPLES; n++) {
      seen.add(sampler.sample(x));
    }
    assertEquals(Set.of(2999, 17, 1025), seen);

    // A bias of +5 makes 640 the most probable even id of the whole vocabulary.
    SamplerConfig raised = SamplerConfig.builder().stage(new Raise(640, 5f))
        .stage(new MostProbableEvenId()).build();
    assertEquals(640, raised.newSampler(9L).sample(x));
  }

  /**
   * A truncation after a custom stage sees the changed logits: after top-5, banning the best token
   * and keeping the top 2 leaves the 2nd and 3rd best (not the banned one and the 2nd).
   */
  @Test
  void aTruncationAfterABanSeesTheBannedTokenGone() {
    SamplerConfig config = SamplerConfig.builder().topK(5).stage(new Ban(BANNED)).topK(2).build();
    assertEquals(Set.of(TOP[1], TOP[2]), tokens(config, 10L));
    SamplerConfig direct = SamplerConfig.builder().stage(new Ban(BANNED)).topK(2).build();
    assertEquals(Set.of(TOP[1], TOP[2]), tokens(direct, 11L));
  }

  /**
   * A truncation after a logit bias sees the new order: after top-5, raising the 5th best above
   * all others and keeping the top 1 keeps the raised token.
   */
  @Test
  void aTruncationAfterARaiseSeesTheNewOrder() {
    SamplerConfig topK = SamplerConfig.builder().topK(5).stage(new Raise(TOP[4], 3f)).topK(1)
        .build();
    assertEquals(Set.of(TOP[4]), tokens(topK, 12L));
    SamplerConfig topP = SamplerConfig.builder().topK(5).stage(new Raise(TOP[4], 10f))
        .topP(0.5f).build();
    assertEquals(Set.of(TOP[4]), tokens(topP, 13L));
    SamplerConfig greedy = SamplerConfig.builder().topK(5).stage(new Raise(TOP[4], 3f)).greedy()
        .build();
    assertEquals(Set.of(TOP[4]), tokens(greedy, 14L));
  }

  private static Set<Integer> tokens(SamplerConfig config, long seed) {
    Sampler sampler = config.newSampler(seed);
    float[] x = logits();
    return Stream.generate(() -> sampler.sample(x)).limit(SAMPLES)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** A NaN or +Infinity a custom stage writes is reported as that stage's, not the caller's. */
  @Test
  void anInvalidValueAStageWritesNamesTheStage() {
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
      Stage overflow = new Stage() {
        @Override
        public void apply(Candidates c) {
          c.setLogit(1, bad);
        }

        @Override
        public String toString() {
          return "boost";
        }
      };
      Sampler sampler = SamplerConfig.builder().topK(40).stage(overflow).build().newSampler(1L);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> sampler.sample(new float[] {0f, 1f, 2f}));
      assertTrue(e.getMessage().startsWith("the value that stage 1 (boost) set for candidate 1 is "
          + (bad != bad ? "NaN" : "+Infinity")), e.getMessage());
    }
  }
}
