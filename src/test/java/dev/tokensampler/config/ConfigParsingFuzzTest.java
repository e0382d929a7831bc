package dev.tokensampler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tokensampler.Sampler;
import java.util.List;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz targets for the text spec ({@link SamplerSpec#parse}) and the {@code
 * generation_config.json} loader ({@link GenerationConfigJson#parse}): arbitrary text, and entries
 * made of known keys with arbitrary values (which reach the range checks behind the key lookup).
 * Only {@link IllegalArgumentException} may come out ({@link NullPointerException} for null). A spec that parses prints as text that
 * parses back to an equal spec, and its chain samples a token of the vocabulary (or rejects the
 * vocabulary with an {@link IllegalArgumentException}, e.g. an EOS id outside it).
 *
 * <p>Without {@code JAZZER_FUZZ=1} these run their saved inputs as regression tests;
 * {@code .ci/fuzz} fuzzes them for a bounded time.
 */
@Tag("fuzz")
class ConfigParsingFuzzTest {
  private static final int V = 64;
  private static final List<String> KEYS = SamplerSpec.keys();
  private static final String[] VALUES = {
    "0", "1", "-1", "0.5", "2", "40", "1e-9", "1e38", "-0.0", "NaN", "Infinity", "-Infinity",
    "[1,2]", "[[3],[4,5]]", "[]", "{1:-1.5}", "{2:-Infinity}", "llama.cpp", "transformers", ""
  };

  @FuzzTest(maxDuration = "30s")
  void parseArbitrarySpec(String text) {
    checkSpec(text);
  }

  @FuzzTest(maxDuration = "30s")
  void parseKnownKeysWithArbitraryValues(FuzzedDataProvider data) {
    StringBuilder text = new StringBuilder();
    int entries = data.consumeInt(1, 6);
    for (int e = 0; e < entries; e++) {
      if (e > 0) {
        text.append(',');
      }
      text.append(KEYS.get(data.consumeInt(0, KEYS.size() - 1))).append('=');
      text.append(data.consumeBoolean()
          ? VALUES[data.consumeInt(0, VALUES.length - 1)]
          : data.consumeString(12));
    }
    checkSpec(text.toString());
  }

  @FuzzTest(maxDuration = "30s")
  void parseArbitraryGenerationConfig(String json) {
    if (json == null) {
      assertThrows(NullPointerException.class, () -> GenerationConfigJson.parse(null));
      return;
    }
    SamplerSpec spec;
    try {
      spec = GenerationConfigJson.parse(json);
    } catch (IllegalArgumentException rejected) {
      return;
    }
    checkParsed(spec);
  }

  private static void checkSpec(String text) {
    if (text == null) {
      assertThrows(NullPointerException.class, () -> SamplerSpec.parse(null));
      return;
    }
    SamplerSpec spec;
    try {
      spec = SamplerSpec.parse(text);
    } catch (IllegalArgumentException rejected) {
      return;
    }
    checkParsed(spec);
  }

  private static void checkParsed(SamplerSpec spec) {
    assertEquals(spec, SamplerSpec.parse(spec.toString()), "round trip of " + spec);
    Sampler sampler = spec.config().newSampler(1L);
    float[] logits = new float[V];
    for (int i = 0; i < V; i++) {
      logits[i] = (float) Math.sin(i * 0.7) * 4;
    }
    try {
      int token = sampler.sample(logits);
      assertTrue(token >= 0 && token < V, () -> "token " + token + " from " + spec);
    } catch (IllegalArgumentException rejected) {
      // e.g. an EOS id or a bias outside this small vocabulary, or every token banned
    }
  }
}
