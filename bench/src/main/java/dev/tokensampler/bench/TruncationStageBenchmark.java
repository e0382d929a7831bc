package dev.tokensampler.bench;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.stage.AdaptiveP;
import dev.tokensampler.stage.DynamicTemperature;
import dev.tokensampler.stage.EpsilonCutoff;
import dev.tokensampler.stage.EtaCutoff;
import dev.tokensampler.stage.FrequencyPresencePenalty;
import dev.tokensampler.stage.MinP;
import dev.tokensampler.stage.MirostatV1;
import dev.tokensampler.stage.MirostatV2;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.TopH;
import dev.tokensampler.stage.TopNSigma;
import dev.tokensampler.stage.TypicalP;
import dev.tokensampler.stage.Xtc;
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
 * One {@link Sampler#sample(float[])} call with each truncating stage alone on the whole
 * vocabulary ({@code none} is the plain softmax draw), the same after top-k 40 ({@code topk40_*};
 * {@code topk40} alone is the baseline), and a chain of eight stages after top-k 40
 * ({@code topk40_eight}: top-n-sigma, typical, min-p, epsilon, eta, XTC, dynamic temperature,
 * mirostat 2), which should cost little more than {@code topk40}. {@code top_h} (0.4),
 * {@code adaptive_p} (target 0.3, decay 0.9) and {@code min_p_adaptive_p} (min-p 0.05 then
 * adaptive-p, the chain llama.cpp suggests for it) measure the stages taken from transformers and
 * llama.cpp in 2026. The penalty options are measured the same way, on the whole vocabulary in
 * front of the draw, each against its plain form: {@code repetition_penalty} (1.1 over the last 64
 * tokens) and {@code repetition_penalty_normalize} (the same on log-probabilities), {@code
 * frequency_presence} (0.1 and 0.1 over the last 64 tokens) and {@code
 * frequency_presence_generated} (the same, counting generated tokens only). Every call accepts its
 * token, so after the first 64 calls each penalty sees a full window of 64 tokens, all generated.
 *
 * <p>For the vocabularies of the issue run it with {@code -p vocabulary=128256,256000} (the
 * {@link LogitsRing} default also includes 32000). The Vector API module is prepended to the
 * fork's JVM arguments, as in {@link SamplerBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class TruncationStageBenchmark {
  /** The chain: a stage name, optionally after {@code topk40_}. */
  @Param({
    "none", "min_p", "typical", "top_n_sigma", "epsilon", "eta", "xtc", "dynatemp",
    "mirostat_v1", "mirostat_v2", "top_h", "adaptive_p", "min_p_adaptive_p",
    "topk40", "topk40_min_p", "topk40_typical", "topk40_top_n_sigma", "topk40_epsilon",
    "topk40_eta", "topk40_xtc", "topk40_dynatemp", "topk40_mirostat_v1", "topk40_mirostat_v2",
    "topk40_top_h", "topk40_adaptive_p",
    "topk40_eight",
    "repetition_penalty", "repetition_penalty_normalize", "frequency_presence",
    "frequency_presence_generated"
  })
  public String chain;

  private Sampler sampler;

  /**
   * Builds the sampler and makes its first 64 calls, which allocate the sampler's buffers and fill
   * the penalties' windows.
   *
   * @param ring the input vectors
   */
  @Setup(Level.Trial)
  public void setup(LogitsRing ring) {
    sampler = config(chain).newSampler(42L);
    for (int i = 0; i < 64; i++) {
      sampler.sample(ring.next());
    }
  }

  /**
   * Samples one token.
   *
   * @param ring the input vectors
   * @return the token id
   */
  @Benchmark
  public int sample(LogitsRing ring) {
    return sampler.sample(ring.next());
  }

  static SamplerConfig config(String name) {
    SamplerConfig.Builder builder = SamplerConfig.builder();
    String stage = name;
    if (name.startsWith("topk40")) {
      builder.topK(40);
      stage = name.equals("topk40") ? "none" : name.substring("topk40_".length());
    }
    if (stage.equals("eight")) {
      for (String s : new String[] {
          "top_n_sigma", "typical", "min_p", "epsilon", "eta", "xtc", "dynatemp", "mirostat_v2"}) {
        builder.stage(stage(s));
      }
    } else if (stage.equals("min_p_adaptive_p")) {
      builder.stage(stage("min_p")).stage(stage("adaptive_p"));
    } else if (!stage.equals("none")) {
      builder.stage(stage(stage));
    }
    return builder.build();
  }

  private static Stage stage(String name) {
    switch (name) {
      case "min_p":
        return new MinP(0.05f);
      case "typical":
        return new TypicalP(0.95f);
      case "top_n_sigma":
        return new TopNSigma(2f);
      case "epsilon":
        return new EpsilonCutoff(3e-4f);
      case "eta":
        return new EtaCutoff(1e-3f);
      case "xtc":
        return new Xtc(0.5f, 0.1f);
      case "dynatemp":
        return new DynamicTemperature(0.8f, 0.3f, 1f);
      case "mirostat_v1":
        return new MirostatV1(5f, 0.1f);
      case "mirostat_v2":
        return new MirostatV2(5f, 0.1f);
      case "top_h":
        return new TopH(0.4f);
      case "adaptive_p":
        return new AdaptiveP(0.3f, 0.9f);
      case "repetition_penalty":
        return new RepetitionPenalty(1.1f, 64);
      case "repetition_penalty_normalize":
        return new RepetitionPenalty(1.1f, 64, true, 0);
      case "frequency_presence":
        return new FrequencyPresencePenalty(0.1f, 0.1f, 64);
      case "frequency_presence_generated":
        return new FrequencyPresencePenalty(0.1f, 0.1f, 64, true);
      default:
        throw new IllegalArgumentException("unknown stage " + name);
    }
  }
}
