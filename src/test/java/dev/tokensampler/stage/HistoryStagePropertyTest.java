package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.FixedSeed;
import dev.tokensampler.TestLogits;
import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Invariants of the history stages over generated vocabularies, histories and parameters: what a
 * stage forbids is never sampled, and when a sampler throws because everything is forbidden, the
 * reference rule indeed forbids every token.
 *
 * <p>Each generation property runs a sampler for some steps over logits made from a seed, checks
 * each token against a reference predicate ("token t is forbidden after history h"), and stops
 * at the first {@link IllegalArgumentException}, which must then be justified. A new constraint
 * stage adds a property with its predicate and {@link #generate}.
 */
@AddLifecycleHook(FixedSeed.class)
class HistoryStagePropertyTest {
  private static final int TRIES = 200;
  private static final int STEPS = 40;

  @Provide
  Arbitrary<List<Integer>> history() {
    return Arbitraries.integers().between(0, 40).list().ofMaxSize(60);
  }

  /**
   * A penalty of at least 1 (repetition) or of non-negative frequency and presence never lifts a
   * seen token above an unseen token whose logit was at least as large, on both candidate forms.
   */
  @Property(tries = TRIES)
  void penaltiesNeverLiftASeenTokenAboveAnUnseenOne(
      @ForAll @IntRange(min = 1, max = 300) int v, @ForAll long seed,
      @ForAll("history") List<Integer> history,
      @ForAll @FloatRange(min = 1f, max = 10f) float repetition,
      @ForAll @FloatRange(min = 0f, max = 3f) float frequency,
      @ForAll @FloatRange(min = 0f, max = 3f) float presence,
      @ForAll @IntRange(min = -1, max = 20) int lastN, @ForAll CandidatePath path,
      @ForAll boolean tied) {
    float[] x = TestLogits.make(v,
        tied ? TestLogits.Shape.TIED : TestLogits.Shape.GAUSSIAN_SIGMA_10, seed);
    Stage[] stages = {
        new RepetitionPenalty(repetition, lastN),
        new FrequencyPresencePenalty(frequency, presence, lastN)};
    BitSet seen = new BitSet();
    int from = lastN < 0 ? 0 : Math.max(0, history.size() - lastN);
    for (int i = 0; i < history.size(); i++) {
      for (Stage stage : stages) {
        stage.accept(history.get(i));
      }
      if (i >= from && lastN != 0) {
        seen.set(history.get(i));
      }
    }
    float[] after = StageRun.logitsAfter(path, x, stages);
    for (int s = seen.nextSetBit(0); s >= 0 && s < v; s = seen.nextSetBit(s + 1)) {
      assertTrue(after[s] <= x[s], "seen token " + s + " raised from " + x[s] + " to " + after[s]);
      for (int u = 0; u < v; u++) {
        if (!seen.get(u) && x[s] <= x[u]) {
          assertTrue(after[s] <= after[u], "seen token " + s + " (" + x[s] + " -> " + after[s]
              + ") above unseen token " + u + " (" + x[u] + " -> " + after[u] + ")");
        }
      }
    }
  }

  /**
   * Masked, banned and bad-word-completing tokens are never sampled (ids of the mask and of the
   * bad words taken modulo the vocabulary size, since both reject ids outside it).
   */
  @Property(tries = TRIES)
  void bannedAndMaskedTokensAreNeverSampled(
      @ForAll @IntRange(min = 1, max = 200) int v, @ForAll long seed,
      @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 199) Integer> bannedIds,
      @ForAll @Size(max = 60) List<@IntRange(min = 0, max = 199) Integer> allowedIds,
      @ForAll @Size(min = 1, max = 6)
          List<@Size(min = 1, max = 3) List<@IntRange(min = 0, max = 12) Integer>> badWords,
      @ForAll("history") List<Integer> prompt) {
    BitSet banned = bitSet(bannedIds, v);
    BitSet allowed = bitSet(allowedIds, v);
    allowed.andNot(banned);
    if (allowed.isEmpty()) {
      allowed = null; // a mask must allow something; null allows every token
    } else {
      allowed.or(bitSet(allowedIds, v));
    }
    BitSet finalAllowed = allowed;
    List<int[]> words = new ArrayList<>();
    for (List<Integer> word : badWords) {
      words.add(word.stream().mapToInt(id -> id % v).toArray());
    }
    SamplerConfig config = SamplerConfig.builder()
        .stage(new TokenMask(finalAllowed, banned))
        .stage(new BannedSequences(words))
        .temperature(3f)
        .build();
    generate(config, v, seed, prompt, (history, t) -> (finalAllowed != null && !finalAllowed.get(t))
        || banned.get(t) || completesAny(history, words, t));
  }

  /** No sampled token completes an n-gram that already occurred (prompt included). */
  @Property(tries = TRIES)
  void noRepeatNGramNeverCompletesARepeatedNGram(
      @ForAll @IntRange(min = 1, max = 8) int v, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 4) int n,
      @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 9) Integer> prompt) {
    SamplerConfig config = SamplerConfig.builder()
        .stage(new NoRepeatNGram(n)).temperature(2f).build();
    generate(config, v, seed, prompt, (history, t) -> repeatsAnNGram(history, n, t));
  }

  /** No EOS token among the first {@code min_new_tokens} sampled tokens, even a favoured one. */
  @Property(tries = TRIES)
  void minNewTokensNeverEndsEarly(
      @ForAll @IntRange(min = 1, max = 40) int v, @ForAll long seed,
      @ForAll @IntRange(min = 0, max = 30) int minNewTokens,
      @ForAll @Size(min = 1, max = 3) List<@IntRange(min = 0, max = 45) Integer> eos,
      @ForAll("history") List<Integer> prompt, @ForAll boolean greedy) {
    int[] eosIds = eos.stream().mapToInt(id -> id % v).toArray();
    SamplerConfig.Builder builder = SamplerConfig.builder()
        .stage(new MinNewTokens(minNewTokens, eosIds))
        .stage(new LogitBias(bias(eosIds, 30f)));
    SamplerConfig config = (greedy ? builder.greedy() : builder.temperature(1.5f)).build();
    int start = prompt.size();
    generate(config, v, seed, prompt, (history, t) ->
        history.size() - start < minNewTokens && contains(eosIds, t));
  }

  // ---- helpers ----

  /** Is token {@code t} forbidden after {@code history} (prompt and sampled tokens)? */
  private interface Rule {
    boolean forbids(List<Integer> history, int t);
  }

  /**
   * Feeds the prompt, samples {@value #STEPS} tokens from seeded logits, and checks each against
   * the rule; a sampler that throws must face a vocabulary the rule forbids entirely.
   */
  private static void generate(
      SamplerConfig config, int v, long seed, List<Integer> prompt, Rule rule) {
    Sampler sampler = config.newSampler(seed);
    // Prompt ids are taken modulo V: the sampler rejects ids outside the vocabulary.
    List<Integer> history = new ArrayList<>();
    for (int token : prompt) {
      history.add(token % v);
      sampler.accept(token % v);
    }
    for (int step = 0; step < STEPS; step++) {
      float[] logits = TestLogits.make(v, TestLogits.Shape.GAUSSIAN_SIGMA_1, seed + step);
      int token;
      try {
        token = sampler.sample(logits);
      } catch (IllegalArgumentException e) {
        assertTrue(e.getMessage().contains("-Infinity"), e.getMessage());
        IntPredicate allowed = t -> !rule.forbids(history, t);
        for (int t = 0; t < v; t++) {
          assertFalse(allowed.test(t),
              "step " + step + ": threw \"" + e.getMessage() + "\" but token " + t
                  + " is allowed after " + history);
        }
        return;
      }
      assertTrue(token >= 0 && token < v, "token " + token);
      assertFalse(rule.forbids(history, token),
          "step " + step + ": sampled forbidden token " + token + " after " + history);
      history.add(token);
    }
  }

  private static boolean completesAny(List<Integer> history, List<int[]> words, int t) {
    for (int[] word : words) {
      if (word[word.length - 1] == t && endsWith(history, word, word.length - 1)) {
        return true;
      }
    }
    return false;
  }

  /** Whether the history ends with the first {@code length} tokens of {@code word}. */
  private static boolean endsWith(List<Integer> history, int[] word, int length) {
    if (history.size() < length) {
      return false;
    }
    for (int j = 0; j < length; j++) {
      if (history.get(history.size() - length + j) != word[j]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the last n-1 tokens then t occurred as an n-gram in the history. */
  private static boolean repeatsAnNGram(List<Integer> history, int n, int t) {
    int size = history.size();
    if (size < n - 1) {
      return false;
    }
    for (int start = 0; start + n <= size; start++) {
      boolean same = history.get(start + n - 1) == t;
      for (int j = 0; same && j < n - 1; j++) {
        same = history.get(start + j).equals(history.get(size - (n - 1) + j));
      }
      if (same) {
        return true;
      }
    }
    return false;
  }

  /** The ids modulo {@code v}, as a set. */
  private static BitSet bitSet(List<Integer> ids, int v) {
    BitSet set = new BitSet();
    ids.forEach(id -> set.set(id % v));
    return set;
  }

  private static java.util.Map<Integer, Float> bias(int[] ids, float value) {
    java.util.Map<Integer, Float> map = new java.util.HashMap<>();
    for (int id : ids) {
      map.put(id, value);
    }
    return map;
  }

  private static boolean contains(int[] ids, int t) {
    for (int id : ids) {
      if (id == t) {
        return true;
      }
    }
    return false;
  }
}
