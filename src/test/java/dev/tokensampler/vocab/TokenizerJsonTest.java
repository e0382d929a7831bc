package dev.tokensampler.vocab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TokenizerJson} on small tokenizer files written here (real ones: the comparison test). */
class TokenizerJsonTest {

  private static final String BYTE_LEVEL = """
      {"model": {"type": "BPE", "vocab": {"Ġhello": 0, "âĢ": 1, "Ļ": 2, "a": 3, "Ċ": 6}},
       "added_tokens": [
         {"id": 4, "content": "<|endoftext|>", "special": true},
         {"id": 5, "content": "<think>", "special": false}],
       "decoder": {"type": "ByteLevel", "add_prefix_space": true}}
      """;

  private static final String SENTENCEPIECE = """
      {"model": {"type": "BPE", "byte_fallback": true,
                 "vocab": {"<unk>": 0, "<s>": 1, "</s>": 2, "<0x0A>": 3, "▁the": 4, "<0xE2>": 5,
                           "▁▁": 6, "é": 7}},
       "added_tokens": [
         {"id": 0, "content": "<unk>", "special": true},
         {"id": 1, "content": "<s>", "special": true},
         {"id": 2, "content": "</s>", "special": true}],
       "decoder": {"type": "Sequence", "decoders": [
         {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
         {"type": "ByteFallback"}, {"type": "Fuse"},
         {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}}
      """;

  @Test
  void byteLevelAlphabetMapsEveryByteToOneCharacterAndBack() {
    boolean[] seen = new boolean[0x144];
    for (int b = 0; b < 256; b++) {
      char c = ByteLevelAlphabet.encode((byte) b);
      assertFalse(seen[c], "one character per byte");
      seen[c] = true;
      assertArrayEquals(new byte[] {(byte) b}, ByteLevelAlphabet.decode(String.valueOf(c)));
    }
    assertEquals('Ġ', ByteLevelAlphabet.encode((byte) ' '));
    assertEquals('Ċ', ByteLevelAlphabet.encode((byte) '\n'));
    assertEquals('ĉ', ByteLevelAlphabet.encode((byte) '\t'));
    assertEquals('!', ByteLevelAlphabet.encode((byte) '!'));
    assertEquals('ÿ', ByteLevelAlphabet.encode((byte) 0xFF));
    // A character outside the map: the whole token stands for its own UTF-8 bytes.
    assertArrayEquals("a€".getBytes(StandardCharsets.UTF_8), ByteLevelAlphabet.decode("a€"));
  }

  @Test
  void byteLevelTokensAreTheirBytes() {
    TokenVocabulary v = TokenizerJson.parse(BYTE_LEVEL, 9);
    assertEquals(9, v.size());
    assertArrayEquals(" hello".getBytes(StandardCharsets.UTF_8), v.tokenBytes(0));
    assertArrayEquals(new byte[] {(byte) 0xE2, (byte) 0x80}, v.tokenBytes(1));
    assertArrayEquals(new byte[] {(byte) 0x99}, v.tokenBytes(2));
    assertArrayEquals(new byte[] {'\n'}, v.tokenBytes(6));
    assertArrayEquals("<|endoftext|>".getBytes(StandardCharsets.UTF_8), v.tokenBytes(4));
    assertTrue(v.isSpecial(4) && v.isAdded(4));
    assertArrayEquals("<think>".getBytes(StandardCharsets.UTF_8), v.tokenBytes(5));
    assertTrue(!v.isSpecial(5) && v.isAdded(5));
    assertTrue(!v.isSpecial(0) && !v.isAdded(0));
    for (int id : new int[] {7, 8}) {
      assertTrue(v.isSpecial(id), "padding is special");
      assertEquals(0, v.tokenLength(id));
    }
    assertArrayEquals(new int[] {4}, v.eosTokenIds());
    assertEquals(7, TokenizerJson.parse(BYTE_LEVEL).size(), "own size: largest id + 1");
  }

  @Test
  void sentencePieceTokensKeepTheirSpaceAndByteFallbackTokensAreOneByte() {
    TokenVocabulary v = TokenizerJson.parse(SENTENCEPIECE);
    assertEquals(8, v.size());
    assertArrayEquals(" the".getBytes(StandardCharsets.UTF_8), v.tokenBytes(4));
    assertArrayEquals("  ".getBytes(StandardCharsets.UTF_8), v.tokenBytes(6));
    assertArrayEquals(new byte[] {'\n'}, v.tokenBytes(3));
    assertArrayEquals(new byte[] {(byte) 0xE2}, v.tokenBytes(5));
    assertArrayEquals("é".getBytes(StandardCharsets.UTF_8), v.tokenBytes(7));
    assertTrue(v.isSpecial(0) && v.isSpecial(1) && v.isSpecial(2));
    assertArrayEquals(new int[] {2}, v.eosTokenIds());
  }

  @Test
  void metaspaceDecoderAndUnigramModel() {
    String json = """
        {"model": {"type": "Unigram", "vocab": [["<unk>", 0.0], ["▁a", -1.5], ["b▁c", -2.0]]},
         "added_tokens": [{"id": 0, "content": "<unk>", "special": true}],
         "decoder": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always"}}
        """;
    TokenVocabulary v = TokenizerJson.parse(json);
    assertEquals(3, v.size());
    assertArrayEquals(" a".getBytes(StandardCharsets.UTF_8), v.tokenBytes(1));
    assertArrayEquals("b c".getBytes(StandardCharsets.UTF_8), v.tokenBytes(2));
    assertEquals(0, v.eosTokenIds().length, "no end marker among the added tokens");
  }

  @Test
  void eosIdsComeFromTheConfigFilesBesideTheTokenizer(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("tokenizer.json"), SENTENCEPIECE);
    assertArrayEquals(new int[] {2}, TokenizerJson.read(dir).eosTokenIds(), "end marker");
    Files.writeString(dir.resolve("tokenizer_config.json"),
        "{\"eos_token\": {\"content\": \"<s>\", \"special\": true}}");
    assertArrayEquals(new int[] {1}, TokenizerJson.read(dir).eosTokenIds(), "tokenizer config");
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [2, 0, 2]}");
    assertArrayEquals(new int[] {2, 0},
        TokenizerJson.read(dir.resolve("tokenizer.json"), 10).eosTokenIds(), "generation config");
    Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": 12}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TokenizerJson.read(dir, 10));
    assertTrue(e.getMessage().contains("eos_token_id 12"), e.getMessage());
    Files.writeString(dir.resolve("generation_config.json"), "{\"do_sample\": true}");
    Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<eot>\"}");
    e = assertThrows(IllegalArgumentException.class, () -> TokenizerJson.read(dir));
    assertTrue(e.getMessage().contains("eos_token \"<eot>\" is not a token"), e.getMessage());
  }

  @Test
  void eosIdsCanBeSetExplicitly() {
    TokenVocabulary v = TokenizerJson.parse(BYTE_LEVEL).withEosTokenIds(3, 6);
    assertArrayEquals(new int[] {3, 6}, v.eosTokenIds());
    assertTrue(v.isEos(6) && !v.isEos(4));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> v.withEosTokenIds(7));
    assertTrue(e.getMessage().contains("eosTokenIds holds 7, outside [0, 7)"), e.getMessage());
  }

  @Test
  void badInputNamesTheKeyAndValue() {
    assertMessage("not valid JSON", () -> TokenizerJson.parse("{\"model\": "));
    assertMessage("expected a JSON object", () -> TokenizerJson.parse("[1]"));
    assertMessage("model: expected an object", () -> TokenizerJson.parse("{}"));
    assertMessage("model.vocab is missing",
        () -> TokenizerJson.parse("{\"model\": {\"type\": \"BPE\"}}"));
    assertMessage("model.type Chars is not supported",
        () -> TokenizerJson.parse("{\"model\": {\"type\": \"Chars\", \"vocab\": {}}}"));
    assertMessage("id 1 is given to both \"a\" and \"b\"", () -> TokenizerJson.parse(
        "{\"model\": {\"vocab\": {\"a\": 1, \"b\": 1}}, \"decoder\": {\"type\": \"ByteLevel\"}}"));
    assertMessage("id 99999999999 is outside [0, 16777216)", () -> TokenizerJson.parse(
        "{\"model\": {\"vocab\": {\"a\": 99999999999}}, \"decoder\": {\"type\": \"ByteLevel\"}}"));
    assertMessage("id -1 is outside", () -> TokenizerJson.parse(
        "{\"model\": {\"vocab\": {\"a\": -1}}, \"decoder\": {\"type\": \"ByteLevel\"}}"));
    assertMessage("id 1.5 is not an integer", () -> TokenizerJson.parse(
        "{\"model\": {\"vocab\": {\"a\": 1.5}}, \"decoder\": {\"type\": \"ByteLevel\"}}"));
    assertMessage("decoder is null",
        () -> TokenizerJson.parse("{\"model\": {\"vocab\": {\"a\": 0}}}"));
    assertMessage("decoder type WordPiece is not supported", () -> TokenizerJson.parse(
        "{\"model\": {\"vocab\": {\"a\": 0}}, \"decoder\": {\"type\": \"WordPiece\"}}"));
    assertMessage("only a Replace with a String pattern", () -> TokenizerJson.parse(
        "{\"model\": {\"vocab\": {\"a\": 0}}, \"decoder\": {\"type\": \"Replace\", "
            + "\"pattern\": {\"Regex\": \"x+\"}, \"content\": \"y\"}}"));
    assertMessage("decoder.decoders[1]: a ByteLevel decoder after Fuse", () -> TokenizerJson.parse(
        "{\"model\": {\"vocab\": {\"a\": 0}}, \"decoder\": {\"type\": \"Sequence\", "
            + "\"decoders\": [{\"type\": \"Fuse\"}, {\"type\": \"ByteLevel\"}]}}"));
    assertMessage("vocabularySize is 6, below the tokenizer's 7 ids",
        () -> TokenizerJson.parse(BYTE_LEVEL, 6));
    assertMessage("vocabularySize is 0, expected 1 to 16777216",
        () -> TokenizerJson.parse(BYTE_LEVEL, 0));
    assertMessage("vocabularySize is 16777217",
        () -> TokenizerJson.parse(BYTE_LEVEL, TokenizerJson.MAX_VOCABULARY_SIZE + 1));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), "message \"" + e.getMessage() + "\" names " + part);
  }
}
