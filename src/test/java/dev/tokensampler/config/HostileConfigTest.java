package dev.tokensampler.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.AllocationMeter;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Specs and generation configs as a server receives them from outside. */
class HostileConfigTest {
  static long allocation(Supplier<?> action) {
    return AllocationMeter.assumeAvailable().bytesAllocatedBy(action);
  }

  @Test
  void hugeTokenIdsCostNoMemory() {
    assertTrue(allocation(() -> SamplerSpec.parse("suppress_tokens=[2147483647]")) < 2_000_000);
    assertTrue(allocation(() -> SamplerSpec.parse("suppress_tokens=[2147483647,5,1000000000]"))
        < 2_000_000);
    assertTrue(allocation(() -> GenerationConfigJson.parse("{\"suppress_tokens\":[2147483647]}"))
        < 2_000_000);
  }

  @Test
  void hugeWindowsCostNoMemory() {
    assertTrue(allocation(() -> SamplerSpec.parse(
        "repetition_penalty=1.1,penalty_last_n=2147483647")) < 2_000_000);
    assertTrue(allocation(() -> SamplerSpec.parse(
        "frequency_penalty=0.5,penalty_last_n=100000000").config().newSampler(1L)) < 2_000_000);
    assertTrue(allocation(() -> SamplerSpec.parse(
        "dry_multiplier=0.8,dry_penalty_last_n=2147483647").config().newSampler(1L))
        < 2_000_000);
  }

  private static String spec(String text) {
    return assertThrows(IllegalArgumentException.class, () -> SamplerSpec.parse(text)).getMessage();
  }

  private static String json(String text) {
    return assertThrows(IllegalArgumentException.class, () -> GenerationConfigJson.parse(text))
        .getMessage();
  }

  private static void assertShortAndOneLine(String message) {
    assertTrue(message.length() < 1000, message.length() + " characters: "
        + message.substring(0, Math.min(message.length(), 1000)));
    assertFalse(message.contains("\n") || message.contains("\r"), message);
  }

  @Test
  void messagesQuoteOnlyAnExcerptWithControlsEscaped() {
    String big = "x".repeat(10_000_000);
    assertShortAndOneLine(spec("temperature=" + big));
    assertShortAndOneLine(spec(big + "=1"));
    assertShortAndOneLine(spec("top_k=5,top_k=" + big));
    assertShortAndOneLine(spec("bad_words_ids=[[1],[" + "2,".repeat(500_000) + "x]]"));
    assertShortAndOneLine(spec("temperature=0.5\nINFO forged line"));
    StringBuilder array = new StringBuilder("{\"top_q\": [");
    for (int i = 0; i < 1_000_000; i++) {
      array.append(i == 0 ? "" : ",").append(i);
    }
    String message = json(array.append("]}").toString());
    assertShortAndOneLine(message);
    assertTrue(message.contains("unknown key top_q (= [0,1,2,"), message);
    assertShortAndOneLine(json("{\"do_sample\": \"" + big + "\"}"));
    assertShortAndOneLine(json("{\"num_beams\": 2, \"early_stopping\": \"" + big + "\"}"));
    assertShortAndOneLine(json("{\"num_beams\": 2, \"early_stopping\": \"a\\nINFO forged\"}"));
    assertShortAndOneLine(spec("num_beams=2,early_stopping=" + big));
    assertShortAndOneLine(
        assertThrows(IllegalArgumentException.class, () -> dev.tokensampler.search.EarlyStopping
            .parse("early_stopping", big)).getMessage());
    assertShortAndOneLine(json("{\"top\\nq\": \"a\\nINFO forged\"}"));
    assertShortAndOneLine(json("{\"eos_token_id\": [1, 2, \"x\\n\"]}"));
  }

  @Test
  void specControlCharactersAndByteOrderMark() {
    assertEquals(SamplerSpec.parse("temperature=0.7"), SamplerSpec.parse("\uFEFFtemperature=0.7"));
    String nul = spec("temp\u0000erature=0.7");
    assertTrue(nul.contains("\\u0000") && nul.contains("index 4"), nul);
    String controls = spec("\u0001\u0002\u0003");
    assertTrue(controls.contains("\\u0001") && controls.contains("index 0"), controls);
    assertTrue(spec("temperature=0.7,\uFEFFtop_k=4").contains("\\uFEFF"));
    assertEquals("", SamplerSpec.parse(" \t\r\n ").toString());
    assertEquals(0, SamplerSpec.parse("").config().stages().size());
  }

  @Test
  void generationConfigIsStrictJson() {
    for (String bad : new String[] {
        "{'do_sample': true}", "{/* c */ \"do_sample\": true}", "{do_sample: true}",
        "{\"do_sample\": true,}", "{\"do_sample\": true} {}", "{\"top_k\": NaN}",
        "{\"do_sample\": true} // c"}) {
      String message = json(bad);
      assertTrue(message.startsWith("generation_config.json: not valid JSON"), bad + ": " + message);
    }
    assertEquals("generation_config.json: key top_k is given twice",
        json("{\"do_sample\": true, \"top_k\": 5, \"top_k\": 6}"));
    assertEquals(GenerationConfigJson.parse("{\"do_sample\": true}"),
        GenerationConfigJson.parse("\uFEFF{\"do_sample\": true}"));
  }

  @Test
  void generationConfigNumbersNameTheKeyAndKeepTheirText() {
    String huge = json("{\"do_sample\": true, \"temperature\": 1e999999999}");
    assertTrue(huge.contains("temperature") && huge.contains("1e999999999"), huge);
    String tiny = json("{\"do_sample\": true, \"temperature\": 1e-50}");
    assertTrue(tiny.contains("temperature") && tiny.contains("1e-50"), tiny);
    String digits = json("{\"do_sample\": true, \"top_k\": " + "9".repeat(1024) + "}");
    assertTrue(digits.contains("top_k"), digits);
    assertShortAndOneLine(digits);
    String zero = json("{\"do_sample\": true, \"temperature\": 0.0}");
    assertTrue(zero.endsWith("got 0.0"), zero);
  }

  /**
   * The allocation allowed per character of a large valid config. The bound holds whether the
   * parser runs interpreted (the test alone) or compiled (after other tests); before the streaming
   * reader, 1M bad words took 71 bytes per character.
   */
  private static final long BYTES_PER_CHARACTER = 64;

  @Test
  void largeValidConfigsCostMemoryInProportionToTheirSize() {
    StringBuilder lists = new StringBuilder("{\"bad_words_ids\": [");
    for (int i = 0; i < 1_000_000; i++) {
      lists.append(i == 0 ? "[" : ",[").append(i % 50_000).append(']');
    }
    String text = lists.append("]}").toString();
    long used = allocation(() -> GenerationConfigJson.parse(text));
    assertTrue(used < BYTES_PER_CHARACTER * text.length(),
        used + " bytes for " + text.length() + " characters");
    StringBuilder spec = new StringBuilder("bad_words_ids=[");
    for (int i = 0; i < 1_000_000; i++) {
      spec.append(i == 0 ? "[" : ",[").append(i % 50_000).append(']');
    }
    String specText = spec.append(']').toString();
    used = allocation(() -> SamplerSpec.parse(specText));
    assertTrue(used < BYTES_PER_CHARACTER * specText.length(), used + " bytes for " + specText.length());
    StringBuilder bias = new StringBuilder("logit_bias={");
    for (int i = 0; i < 1_000_000; i++) {
      bias.append(i == 0 ? "" : ",").append(i).append(":-1.5");
    }
    String biasText = bias.append('}').toString();
    used = allocation(() -> SamplerSpec.parse(biasText));
    assertTrue(used < BYTES_PER_CHARACTER * biasText.length(), used + " bytes for " + biasText.length());
  }

  @Test
  void valuesAboveTheTokenIdLimitAreRefusedBeforeTheyAreRead() {
    StringBuilder bias = new StringBuilder("logit_bias={");
    for (int i = 0; i <= SamplerSpec.MAX_TOKEN_IDS; i++) {
      bias.append(i == 0 ? "" : ",").append(i).append(":0.5");
    }
    String text = bias.append('}').toString();
    AllocationMeter meter = AllocationMeter.assumeAvailable();
    long[] used = new long[1];
    String message = assertThrows(IllegalArgumentException.class, () -> {
      long before = meter.bytesAllocatedBy(() -> "");
      used[0] = meter.bytesAllocatedBy(() -> SamplerSpec.parse(text)) - before;
    }).getMessage();
    assertEquals("logit_bias holds more than 1048576 token ids", message);
    StringBuilder ids = new StringBuilder("{\"suppress_tokens\": [");
    for (int i = 0; i <= SamplerSpec.MAX_TOKEN_IDS; i++) {
      ids.append(i == 0 ? "" : ",").append(i);
    }
    assertEquals("generation_config.json: suppress_tokens holds more than 1048576 token ids",
        json(ids.append("]}").toString()));
    assertEquals(1_048_576, SamplerSpec.MAX_TOKEN_IDS);
  }
}
