package dev.tokensampler.bench;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.stage.BannedSequences;
import dev.tokensampler.stage.Dry;
import dev.tokensampler.stage.FrequencyPresencePenalty;
import dev.tokensampler.stage.LogitBias;
import dev.tokensampler.stage.MinNewTokens;
import dev.tokensampler.stage.NoRepeatNGram;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.TokenMask;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One history, bias or mask stage in front of temperature-0.8 sampling, on the whole vocabulary
 * (where llama.cpp puts logit bias, penalties and DRY), against the same chain without it
 * ({@code none}).
 *
 * <p>Each call resets the sampler, feeds it a fixed 256-token prompt (64 random tokens, four
 * times, so that penalties, DRY and n-grams find repetitions) and samples one token: every stage
 * sees the same history on every call, and the measured time includes the 256 accepts (the
 * {@code none} baseline too). Meant for the large vocabularies:
 * {@code -p vocabulary=128256,256000 -p distribution=gaussian}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class HistoryStageBenchmark {
  private static final int PROMPT_LENGTH = 256;
  private static final int PATTERN = 64;

  /** The stage in front of temperature sampling. */
  @Param({
    "none",
    "logit_bias",
    "repetition_penalty",
    "frequency_presence",
    "dry",
    "no_repeat_ngram",
    "banned_sequences",
    "min_new_tokens",
    "token_mask_allowed",
    "token_mask_banned"
  })
  public String stage;

  private Sampler sampler;
  private int[] prompt;

  /**
   * Builds the sampler and the prompt, and makes one call, which fixes the vocabulary and
   * allocates the buffers.
   *
   * @param ring the input vectors
   */
  @Setup(Level.Trial)
  public void setup(LogitsRing ring) {
    SplittableRandom random = new SplittableRandom(77);
    int v = ring.vocabulary;
    int[] pattern = random.ints(PATTERN, 0, v).toArray();
    prompt = new int[PROMPT_LENGTH];
    for (int i = 0; i < PROMPT_LENGTH; i++) {
      prompt[i] = pattern[i % PATTERN];
    }
    SamplerConfig.Builder builder = SamplerConfig.builder();
    Stage under = stage(stage, v, random);
    if (under != null) {
      builder.stage(under);
    }
    sampler = builder.temperature(0.8f).build().newSampler(42L);
    sample(ring);
  }

  private static Stage stage(String name, int v, SplittableRandom random) {
    switch (name) {
      case "none":
        return null;
      case "logit_bias": {
        Map<Integer, Float> biases = new HashMap<>();
        random.ints(16, 0, v).forEach(id -> biases.put(id, -2f));
        return new LogitBias(biases);
      }
      case "repetition_penalty":
        return new RepetitionPenalty(1.1f, 64);
      case "frequency_presence":
        return new FrequencyPresencePenalty(0.1f, 0.1f, 64);
      case "dry": {
        List<int[]> breakers = new ArrayList<>();
        random.ints(4, 0, v).forEach(id -> breakers.add(new int[] {id}));
        return new Dry(0.8f, 1.75f, 2, -1, breakers);
      }
      case "no_repeat_ngram":
        return new NoRepeatNGram(3);
      case "banned_sequences": {
        List<int[]> sequences = new ArrayList<>();
        for (int s = 0; s < 16; s++) {
          sequences.add(random.ints(1 + s % 3, 0, v).toArray());
        }
        return new BannedSequences(sequences);
      }
      case "min_new_tokens":
        return new MinNewTokens(8, 2);
      case "token_mask_allowed":
        return TokenMask.allowing(bits(random, 512, v));
      case "token_mask_banned":
        return TokenMask.banning(bits(random, 1000, v));
      default:
        throw new IllegalArgumentException("unknown stage " + name);
    }
  }

  private static BitSet bits(SplittableRandom random, int count, int v) {
    BitSet set = new BitSet(v);
    random.ints(count, 0, v).forEach(set::set);
    return set;
  }

  /**
   * Resets, feeds the prompt, samples one token.
   *
   * @param ring the input vectors
   * @return the token id
   */
  @Benchmark
  public int sample(LogitsRing ring) {
    sampler.reset();
    for (int token : prompt) {
      sampler.accept(token);
    }
    return sampler.sample(ring.next());
  }
}
