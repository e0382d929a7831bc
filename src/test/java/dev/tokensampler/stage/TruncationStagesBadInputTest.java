package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every invalid parameter of the truncating stages is rejected by the constructor with an
 * {@link IllegalArgumentException} whose message names the parameter (transformers' or
 * llama.cpp's name) and the value.
 */
class TruncationStagesBadInputTest {
  private static final float NAN = Float.NaN;
  private static final float INF = Float.POSITIVE_INFINITY;

  static Stream<Arguments> invalid() {
    return Stream.of(
        bad("min_p", "-0.1", () -> new MinP(-0.1f)),
        bad("min_p", "1.5", () -> new MinP(1.5f)),
        bad("min_p", "NaN", () -> new MinP(NAN)),
        bad("min_tokens_to_keep", "0", () -> new MinP(0.1f, 0)),
        bad("typical_p", "0.0", () -> new TypicalP(0f)),
        bad("typical_p", "1.01", () -> new TypicalP(1.01f)),
        bad("typical_p", "NaN", () -> new TypicalP(NAN)),
        bad("min_tokens_to_keep", "-2", () -> new TypicalP(0.5f, -2)),
        bad("epsilon_cutoff", "0.0", () -> new EpsilonCutoff(0f)),
        bad("epsilon_cutoff", "1.0", () -> new EpsilonCutoff(1f)),
        bad("epsilon_cutoff", "NaN", () -> new EpsilonCutoff(NAN)),
        bad("min_tokens_to_keep", "0", () -> new EpsilonCutoff(0.1f, 0)),
        bad("eta_cutoff", "-1.0E-4", () -> new EtaCutoff(-1e-4f)),
        bad("eta_cutoff", "1.0", () -> new EtaCutoff(1f)),
        bad("eta_cutoff", "NaN", () -> new EtaCutoff(NAN)),
        bad("min_tokens_to_keep", "0", () -> new EtaCutoff(0.1f, 0)),
        bad("top_n_sigma", "-1.0", () -> new TopNSigma(-1f)),
        bad("top_n_sigma", "NaN", () -> new TopNSigma(NAN)),
        bad("top_n_sigma", "Infinity", () -> new TopNSigma(INF)),
        bad("xtc_probability", "-0.5", () -> new Xtc(-0.5f, 0.1f)),
        bad("xtc_probability", "1.5", () -> new Xtc(1.5f, 0.1f)),
        bad("xtc_probability", "NaN", () -> new Xtc(NAN, 0.1f)),
        bad("xtc_threshold", "0.0", () -> new Xtc(0.5f, 0f)),
        bad("xtc_threshold", "2.0", () -> new Xtc(0.5f, 2f)),
        bad("xtc_threshold", "NaN", () -> new Xtc(0.5f, NAN)),
        bad("min_tokens_to_keep", "0", () -> new Xtc(0.5f, 0.1f, 0)),
        bad("mirostat_tau", "-1.0", () -> new MirostatV1(-1f, 0.1f)),
        bad("mirostat_tau", "Infinity", () -> new MirostatV1(INF, 0.1f)),
        bad("mirostat_eta", "NaN", () -> new MirostatV1(5f, NAN)),
        bad("mirostat_m", "1", () -> new MirostatV1(5f, 0.1f, 1)),
        bad("mirostat_tau", "NaN", () -> new MirostatV2(NAN, 0.1f)),
        bad("mirostat_eta", "-0.1", () -> new MirostatV2(5f, -0.1f)),
        bad("mirostat_eta", "Infinity", () -> new MirostatV2(5f, INF)),
        bad("temperature", "-1.0", () -> new DynamicTemperature(-1f, 0.5f, 1f)),
        bad("temperature", "Infinity", () -> new DynamicTemperature(INF, 0.5f, 1f)),
        bad("dynatemp_range", "-0.5", () -> new DynamicTemperature(1f, -0.5f, 1f)),
        bad("dynatemp_range", "NaN", () -> new DynamicTemperature(1f, NAN, 1f)),
        bad("dynatemp_exponent", "-1.0", () -> new DynamicTemperature(1f, 0.5f, -1f)),
        bad("dynatemp_exponent", "Infinity", () -> new DynamicTemperature(1f, 0.5f, INF)));
  }

  private static Arguments bad(String parameter, String value, Executable constructor) {
    return Arguments.of(parameter, value, constructor);
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("invalid")
  void rejectedWithTheParameterAndValue(String parameter, String value, Executable constructor) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, constructor);
    assertTrue(e.getMessage().startsWith(parameter + " ") && e.getMessage().endsWith(value),
        e.getMessage());
  }
}
