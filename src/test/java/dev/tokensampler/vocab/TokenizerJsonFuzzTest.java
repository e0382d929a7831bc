package dev.tokensampler.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Tag;

/**
 * Fuzz targets for {@link TokenizerJson#parse}: arbitrary text, and tokenizer files made of
 * fuzzed tokens, ids, added tokens and decoder steps (which get past the JSON syntax to the
 * checks). Only {@link IllegalArgumentException} may come out; a vocabulary that parses is sized
 * to its largest id + 1 (or the size asked for), and its padding is special and empty.
 *
 * <p>Without {@code JAZZER_FUZZ=1} these run their saved inputs as regression tests;
 * {@code .ci/fuzz} fuzzes them for a bounded time.
 */
@Tag("fuzz")
class TokenizerJsonFuzzTest {
  private static final String[] DECODERS = {
    "{\"type\":\"ByteLevel\"}",
    "{\"type\":\"ByteFallback\"}",
    "{\"type\":\"Fuse\"}",
    "{\"type\":\"Replace\",\"pattern\":{\"String\":\"\u2581\"},\"content\":\" \"}",
    "{\"type\":\"Strip\",\"content\":\" \",\"start\":1,\"stop\":0}",
    "{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"first\"}",
    "{\"type\":\"WordPiece\"}",
    "{\"type\":\"Strip\",\"content\":\"ab\",\"start\":1,\"stop\":1}",
  };

  @FuzzTest(maxDuration = "30s")
  void parseArbitraryText(String json) {
    if (json == null) {
      assertThrows(NullPointerException.class, () -> TokenizerJson.parse(null));
      return;
    }
    try {
      TokenizerJson.parse(json);
    } catch (IllegalArgumentException rejected) {
      // the only exception allowed
    }
  }

  @FuzzTest(maxDuration = "30s")
  void parseFuzzedTokenizer(FuzzedDataProvider data) {
    JsonObject vocab = new JsonObject();
    int maxId = -1;
    int tokens = data.consumeInt(0, 12);
    for (int i = 0; i < tokens; i++) {
      vocab.addProperty(data.consumeString(8), data.consumeInt(-2, 40));
    }
    for (String token : vocab.keySet()) {
      maxId = Math.max(maxId, vocab.get(token).getAsInt());
    }
    JsonArray added = new JsonArray();
    int addedCount = data.consumeInt(0, 4);
    for (int i = 0; i < addedCount; i++) {
      JsonObject a = new JsonObject();
      int id = data.consumeInt(-1, 50);
      a.addProperty("id", id);
      a.addProperty("content", data.consumeString(6));
      a.addProperty("special", data.consumeBoolean());
      added.add(a);
      maxId = Math.max(maxId, id);
    }
    StringBuilder decoders = new StringBuilder();
    int steps = data.consumeInt(0, 4);
    for (int i = 0; i < steps; i++) {
      decoders.append(i == 0 ? "" : ",").append(data.pickValue(DECODERS));
    }
    JsonObject model = new JsonObject();
    model.addProperty("type", "BPE");
    model.add("vocab", vocab);
    String json = "{\"model\":" + model + ",\"added_tokens\":" + added
        + ",\"decoder\":{\"type\":\"Sequence\",\"decoders\":[" + decoders + "]}}";
    int size = data.consumeBoolean() ? -1 : data.consumeInt(0, 60);
    TokenVocabulary v;
    try {
      v = size < 0 ? TokenizerJson.parse(json) : TokenizerJson.parse(json, size);
    } catch (IllegalArgumentException rejected) {
      return;
    }
    assertEquals(size < 0 ? maxId + 1 : size, v.size());
    for (int id = maxId + 1; id < v.size(); id++) {
      assertTrue(v.isSpecial(id) && v.tokenLength(id) == 0, "padding id " + id);
    }
  }
}
