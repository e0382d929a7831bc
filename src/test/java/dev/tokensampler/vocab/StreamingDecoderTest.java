package dev.tokensampler.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokensampler.djl.HuggingFaceTextTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Streaming text never splits a character: on real byte-level tokenizers, where characters of
 * emoji and CJK text span several tokens, and on byte vocabularies with random and ill-formed
 * bytes.
 */
class StreamingDecoderTest {
  private static final String TEXT =
      "Grüße aus Köln 🎉🦀 — 日本語のテキスト 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 and ﷺ done";

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "qwen3", "llama3", "llama2", "gemma"})
  void charactersSplitAcrossTokensAreNeverReplaced(String name) throws IOException {
    assumeTrue(TestTokenizers.present(name), TestTokenizers.missing(name));
    try (HuggingFaceTextTokenizer tokenizer =
        TestTokenizers.load(name)) {
      int[] ids = tokenizer.encode(TEXT);
      TokenVocabulary vocabulary = tokenizer.vocabulary();
      int partial = 0;
      for (int id : ids) {
        if (!Utf8Lossy.valid(vocabulary.tokenBytes(id))) {
          partial++;
        }
      }
      assertTrue(partial >= 2, name + ": the text has tokens holding part of a character");
      StreamingDecoder decoder = new StreamingDecoder(vocabulary);
      StringBuilder streamed = new StringBuilder();
      for (int id : ids) {
        String piece = decoder.append(id);
        assertFalse(piece.contains("\uFFFD"), name + ": a replacement character mid-stream");
        streamed.append(piece);
      }
      assertEquals("", decoder.finish());
      assertEquals(tokenizer.decode(ids, 0, ids.length), streamed.toString());
      assertTrue(streamed.toString().endsWith(TEXT.substring(1)), name);
    }
  }

  /** Every byte as one token: random bytes, cut anywhere, decode as the whole does. */
  @Test
  void randomBytesStreamAsTheirWholeDecodes() {
    TokenVocabulary bytes = byteVocabulary();
    SplittableRandom random = new SplittableRandom(17);
    for (int round = 0; round < 2000; round++) {
      byte[] text = randomUtf8ish(random, 1 + random.nextInt(40));
      StreamingDecoder decoder = new StreamingDecoder(bytes);
      StringBuilder streamed = new StringBuilder();
      for (byte b : text) {
        streamed.append(decoder.append(b & 0xFF));
      }
      streamed.append(decoder.finish());
      assertEquals(Utf8Lossy.decode(text), streamed.toString(),
          () -> java.util.HexFormat.of().formatHex(text));
    }
  }

  @Test
  void anIllFormedByteIsReplacedAtOnceAnIncompleteCharacterHeldBack() {
    StreamingDecoder decoder = new StreamingDecoder(byteVocabulary());
    assertEquals("a", decoder.append('a'));
    assertEquals("\uFFFD", decoder.append(0x80), "a stray continuation byte");
    assertEquals("", decoder.append(0xF0));
    assertEquals("", decoder.append(0x9F));
    assertEquals("", decoder.append(0x8E));
    assertEquals("🎉", decoder.append(0x89));
    assertEquals("", decoder.append(0xE6));
    assertEquals("\uFFFD", decoder.finish(), "an unfinished character at the end");
    assertEquals("", decoder.append(0xED));
    assertEquals("\uFFFD\uFFFD\uFFFD", decoder.append(0xA0) + decoder.append(0x80),
        "a surrogate encoding is ill-formed from its second byte");
  }

  @Test
  void specialTokensAddNoText() {
    List<byte[]> tokens = new ArrayList<>();
    tokens.add("hi".getBytes(StandardCharsets.UTF_8));
    tokens.add("<|end|>".getBytes(StandardCharsets.UTF_8));
    BitSet special = new BitSet();
    special.set(1);
    StreamingDecoder decoder = new StreamingDecoder(TokenVocabulary.of(tokens, special, 1));
    assertEquals("hi", decoder.append(0));
    assertEquals("", decoder.append(1));
  }

  static TokenVocabulary byteVocabulary() {
    List<byte[]> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(new byte[] {(byte) b});
    }
    return TokenVocabulary.of(tokens, new BitSet());
  }

  /** Mostly well-formed characters of every length, with some random bytes among them. */
  private static byte[] randomUtf8ish(SplittableRandom random, int characters) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < characters; i++) {
      if (random.nextInt(8) == 0) {
        out.write(random.nextInt(256));
        continue;
      }
      int cp;
      do {
        int kind = random.nextInt(4);
        cp = kind == 0 ? random.nextInt(0x80) : kind == 1 ? 0x80 + random.nextInt(0x780)
            : kind == 2 ? 0x800 + random.nextInt(0xF800) : 0x10000 + random.nextInt(0x100000);
      } while (cp >= 0xD800 && cp <= 0xDFFF);
      out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }
}
