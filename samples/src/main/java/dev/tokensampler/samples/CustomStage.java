package dev.tokensampler.samples;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Stage;
import java.util.Arrays;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * How to write your own {@link Stage} and plug it into a chain with
 * {@link SamplerConfig.Builder#stage(Stage)}: a stateless stage that bans token ids, and a stateful
 * one that forbids repeating the previous token.
 *
 * <p>Run it with:
 *
 * <pre>
 * mvn -q -B test-compile exec:exec@sample -Dsample.main=dev.tokensampler.samples.CustomStage
 * </pre>
 *
 * <p>A stage sees the {@link Candidates} of one step: at first the whole vocabulary (candidate
 * {@code i} is token {@code i}), fewer after a truncating stage such as top-k (then candidate
 * {@code i} is token {@link Candidates#id(int)}). {@link Candidates#mask(int)} gives a token
 * probability 0: no later stage keeps it and the draw never picks it. Masking validates the
 * logits as the built-in masks do (one pass per step at most), so a banned token whose logit is
 * NaN is reported instead of hidden. To shrink the candidates in one step, use
 * {@link Candidates#keepLargest}, {@link Candidates#keepAtLeast}, {@link Candidates#keepTokens} or
 * an allowed-token bitmask ({@link Candidates#keepAllowed(long[])}).
 */
public final class CustomStage {
  /** Candidates for the next word of "The cat sat on the ...", in token-id order. */
  static final String[] WORDS = {"mat", "sofa", "floor", "chair", "rug", "bed", "roof", "moon"};

  /** Hand-picked logits of {@link #WORDS}. */
  static final float[] LOGITS = {3.2f, 2.6f, 2.4f, 1.9f, 1.7f, 1.5f, 0.9f, -0.5f};

  /** The token banned in the examples. */
  static final int MAT = 0;

  private static final long SEED = 42L;
  private static final int STREAM_LENGTH = 20;

  private CustomStage() {}

  /**
   * Bans a fixed set of token ids by masking them ({@link Candidates#mask(int)}).
   *
   * <p>Stateless and immutable, so the default {@link Stage#copy()} (which returns {@code this})
   * is right, and one instance may serve every sampler made from a config, on any thread.
   */
  static final class BanTokens implements Stage {
    private final int[] banned;

    /**
     * A stage banning the given ids.
     *
     * @param ids token ids, each {@code >= 0}
     * @throws IllegalArgumentException for a negative id
     */
    BanTokens(int... ids) {
      for (int id : ids) {
        if (id < 0) {
          throw new IllegalArgumentException("token ids must be >= 0, got " + id);
        }
      }
      this.banned = ids.clone();
      Arrays.sort(banned);
    }

    @Override
    public void apply(Candidates candidates) {
      if (candidates.isWholeVocabulary()) {
        // Candidate i is token i: touch the banned ids only. The first mask of a step validates
        // the logits and copies them once (the caller's array is never modified).
        for (int id : banned) {
          if (id >= candidates.size()) {
            throw new IllegalArgumentException("banned token " + id
                + " is outside the vocabulary of " + candidates.size() + " tokens");
          }
          candidates.mask(id);
        }
      } else {
        // After a truncating stage: look each candidate's id up.
        for (int i = 0; i < candidates.size(); i++) {
          if (Arrays.binarySearch(banned, candidates.id(i)) >= 0) {
            candidates.mask(i);
          }
        }
      }
    }

    /** Shown in {@link SamplerConfig#toString()}, e.g. {@code ban=[0, 5]}. */
    @Override
    public String toString() {
      return "ban=" + Arrays.toString(banned);
    }
  }

  /**
   * Forbids the token that came just before: a stage with state, so it implements
   * {@link #accept}, {@link #reset} and {@link #copy}.
   *
   * <p>A config holds one prototype; every sampler gets its own {@link #copy()}, so two sequences
   * sampled from the same config never share a history.
   */
  static final class NoRepeat implements Stage {
    private int previous = -1;

    @Override
    public void apply(Candidates candidates) {
      if (previous < 0) {
        return;
      }
      for (int i = 0; i < candidates.size(); i++) {
        if (candidates.id(i) == previous) {
          candidates.mask(i);
          return;
        }
      }
    }

    /** Told every chosen token, and every prompt token given to {@link Sampler#accept(int)}. */
    @Override
    public void accept(int token) {
      previous = token;
    }

    @Override
    public void reset() {
      previous = -1;
    }

    /** An independent stage with the same state. */
    @Override
    public Stage copy() {
      NoRepeat copy = new NoRepeat();
      copy.previous = previous;
      return copy;
    }

    @Override
    public String toString() {
      return "no_repeat";
    }
  }

  /**
   * Prints a few chains with and without the custom stages, and what they drew.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println();
    System.out.println("== Custom stages " + "=".repeat(56));
    System.out.println();
    System.out.println("  Vocabulary: " + String.join(" ", WORDS) + "   (" + WORDS[MAT]
        + " is the most likely; " + STREAM_LENGTH + " draws per chain, seed " + SEED + ")");

    Stage banMat = new BanTokens(MAT);
    show("no custom stage",
        SamplerConfig.builder().temperature(0.8f).topK(3).build());
    // Ban before top-k: top-k then keeps the 3 best tokens that are still allowed.
    show("ban before top-k",
        SamplerConfig.builder().stage(banMat).temperature(0.8f).topK(3).build());
    // Ban after top-k: the banned token took one of the 3 places, so only 2 remain.
    show("ban after top-k",
        SamplerConfig.builder().temperature(0.8f).topK(3).stage(banMat).build());
    show("no immediate repeat",
        SamplerConfig.builder().stage(new NoRepeat()).temperature(0.8f).topK(3).build());
  }

  private static void show(String title, SamplerConfig config) {
    Sampler sampler = config.newSampler(SEED);
    int[] tokens = new int[STREAM_LENGTH];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = sampler.sample(LOGITS);
    }
    StringBuilder words = new StringBuilder();
    for (int token : tokens) {
      words.append(String.format(Locale.ROOT, "%-6s", WORDS[token]));
    }
    System.out.println();
    System.out.printf(Locale.ROOT, "  %s    [chain: %s]%n", title, config);
    System.out.println("    " + words.toString().stripTrailing());
    System.out.printf(Locale.ROOT, "    %-20s %s%n", "words drawn:", wordsDrawn(tokens));
    System.out.printf(Locale.ROOT, "    %-20s %d%n", WORDS[MAT] + " drawn:", count(tokens, MAT));
    System.out.printf(Locale.ROOT, "    %-20s %d%n", "immediate repeats:", repeats(tokens));
  }

  /** The distinct words of a stream, in token-id order. */
  private static String wordsDrawn(int[] tokens) {
    StringJoiner joined = new StringJoiner(" ");
    Arrays.stream(tokens).distinct().sorted().forEach(token -> joined.add(WORDS[token]));
    return joined.toString();
  }

  private static long count(int[] tokens, int token) {
    return Arrays.stream(tokens).filter(t -> t == token).count();
  }

  private static int repeats(int[] tokens) {
    int repeats = 0;
    for (int i = 1; i < tokens.length; i++) {
      if (tokens[i] == tokens[i - 1]) {
        repeats++;
      }
    }
    return repeats;
  }
}
