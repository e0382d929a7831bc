package dev.tokensampler.vocab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every token id of real tokenizers, read by {@link TokenizerJson}, against the Hugging Face
 * tokenizers library (DJL's {@link HuggingFaceTokenizer}, offline) decoding the same id. Needs the
 * files of {@code .ci/fetch-tokenizers}; skipped with a message naming the step when they are
 * absent.
 *
 * <p><b>The comparison rule.</b> The tokenizer's decode of one id is not its byte string: it
 * turns bytes that are not well-formed UTF-8 into U+FFFD, and a SentencePiece decoder drops the
 * leading space of a text. So each id is decoded after an anchor token (the encoding of
 * {@code "a"}, whose decode is {@code "a"}), which keeps a leading space of the id in the middle
 * of the text, and:
 * <ol>
 *   <li>for every id, {@code decode([anchor, id])} with special tokens kept must equal
 *       {@code "a"} followed by the id's bytes decoded with each maximal ill-formed UTF-8 subpart
 *       as one U+FFFD ({@link Utf8Lossy}, the tokenizers' own rule); for well-formed bytes this
 *       is an exact comparison;
 *   <li>for every id whose bytes are not well-formed UTF-8 (a part of a character), the id is
 *       decoded between single-byte tokens that complete its characters (a lead byte before
 *       leading continuation bytes, continuation bytes after an unfinished character), and the
 *       text must equal the completed bytes decoded exactly, so that those ids are compared byte
 *       for byte too; ids that no completion makes well-formed (bytes such as {@code 0xFF}) are
 *       counted and rest on rule 1;
 *   <li>with special tokens skipped, {@code decode([anchor, id])} must be {@code "a"} exactly for
 *       the ids the vocabulary flags special (unused ids and padding included) and equal the
 *       decode of rule 1 for every other id.
 * </ol>
 */
class TokenizerJsonAgainstHuggingFaceTest {

  @ParameterizedTest(name = "{0}, {1} logits")
  @CsvSource({
    "qwen3, 151936, <|im_end|>, 151669",
    "llama3, 128256, <|end_of_text|>, 128256",
    "llama2, 32000, </s>, 32000",
    "gemma, 256000, <eos>, 256000",
  })
  void everyIdDecodesAsTheTokenizerDoes(
      String name, int logits, String eosToken, int tokenizerIds) throws IOException {
    assumeTrue(TokenizerFiles.present(name), TokenizerFiles.missing(name));
    Path dir = TokenizerFiles.folder(name);
    TokenVocabulary vocabulary = TokenizerJson.read(dir.resolve("tokenizer.json"), logits);
    assertEquals(logits, vocabulary.size());
    assertEquals(tokenizerIds, TokenizerJson.read(dir).size(), "the tokenizer's own size");

    try (InputStream in = Files.newInputStream(dir.resolve("tokenizer.json"));
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(in, Map.of())) {
      long[] anchorIds = tokenizer.encode("a", false, false).getIds();
      assertEquals(1, anchorIds.length, "\"a\" is one token");
      long anchor = anchorIds[0];
      assertEquals("a", tokenizer.decode(new long[] {anchor}, false));

      int[] byteIds = singleByteIds(vocabulary);
      List<String> mismatches = new ArrayList<>();
      int wellFormed = 0;
      int completed = 0;
      int uncompletable = 0;
      int special = 0;
      for (int id = 0; id < logits; id++) {
        byte[] bytes = vocabulary.tokenBytes(id);
        long[] ids = {anchor, id};
        String decoded = tokenizer.decode(ids, false);
        String expected = "a" + Utf8Lossy.decode(bytes);
        if (!expected.equals(decoded)) {
          mismatch(mismatches, id, "decode", expected, decoded);
        }
        String skipped = tokenizer.decode(ids, true);
        if (vocabulary.isSpecial(id)) {
          special++;
          if (!skipped.equals("a")) {
            mismatch(mismatches, id, "special, yet not skipped", "a", skipped);
          }
        } else if (!skipped.equals(decoded)) {
          mismatch(mismatches, id, "not special, yet skipped", decoded, skipped);
        }
        if (Utf8Lossy.valid(bytes) || vocabulary.isSpecial(id)) {
          wellFormed++;
          continue;
        }
        byte[][] around = completion(bytes);
        if (around == null) {
          uncompletable++;
          continue;
        }
        completed++;
        long[] sequence = new long[2 + around[0].length + around[1].length];
        int k = 0;
        sequence[k++] = anchor;
        for (byte b : around[0]) {
          sequence[k++] = byteIds[b & 0xFF];
        }
        sequence[k++] = id;
        for (byte b : around[1]) {
          sequence[k++] = byteIds[b & 0xFF];
        }
        String whole =
            "a" + new String(concat(around[0], bytes, around[1]), StandardCharsets.UTF_8);
        String wholeDecoded = tokenizer.decode(sequence, false);
        if (!whole.equals(wholeDecoded)) {
          mismatch(mismatches, id, "completed", whole, wholeDecoded);
        }
      }
      System.out.printf("%s: %d ids checked (%d well-formed or special, %d partial UTF-8 compared "
              + "byte for byte by completion, %d partial not completable), %d special, "
              + "eos %s, %d mismatches%n", name, logits, wellFormed, completed, uncompletable,
          special, java.util.Arrays.toString(vocabulary.eosTokenIds()), mismatches.size());
      assertTrue(mismatches.isEmpty(), mismatches.size() + " mismatches, first: " + mismatches);

      int[] eos = vocabulary.eosTokenIds();
      assertEquals(1, eos.length, "one eos_token in tokenizer_config.json");
      assertEquals(eosToken, tokenizer.decode(new long[] {eos[0]}, false));
      assertTrue(vocabulary.isSpecial(eos[0]));
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "qwen3, <|endoftext|> <|im_end|>",
    "llama3, <|end_of_text|> <|eot_id|>",
    "llama2, </s>",
    "gemma, <eos>",
  })
  void withoutConfigFilesTheEndMarkersAreEos(String name, String markers) throws IOException {
    assumeTrue(TokenizerFiles.present(name), TokenizerFiles.missing(name));
    Path file = TokenizerFiles.folder(name).resolve("tokenizer.json");
    TokenVocabulary vocabulary =
        TokenizerJson.parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
    List<String> contents = new ArrayList<>();
    for (int id : vocabulary.eosTokenIds()) {
      contents.add(new String(vocabulary.tokenBytes(id), StandardCharsets.UTF_8));
    }
    assertEquals(List.of(markers.split(" ")), contents);
  }

  /** The id of each single-byte token (for bytes 0x80 and up, the only tokens holding them). */
  private static int[] singleByteIds(TokenVocabulary vocabulary) {
    int[] ids = new int[256];
    java.util.Arrays.fill(ids, -1);
    for (int id = vocabulary.size() - 1; id >= 0; id--) {
      if (vocabulary.tokenLength(id) == 1 && !vocabulary.isSpecial(id)) {
        ids[vocabulary.byteAt(id, 0) & 0xFF] = id;
      }
    }
    for (int b = 0x80; b < 0x100; b++) {
      assertTrue(ids[b] >= 0, "a token for the byte " + b);
    }
    return ids;
  }

  /**
   * Bytes before and after a partial-UTF-8 token that make it well-formed, or null if none do:
   * a lead byte for 1 to 3 leading continuation bytes, and continuation bytes for an unfinished
   * character at the end.
   */
  static byte[][] completion(byte[] bytes) {
    int leading = 0;
    while (leading < bytes.length && (bytes[leading] & 0xC0) == 0x80) {
      leading++;
    }
    byte[] before;
    switch (Math.min(leading, bytes.length)) {
      case 0: before = new byte[0]; break;
      case 1: before = new byte[] {(byte) 0xC2}; break;
      case 2: before = new byte[] {(byte) 0xE1}; break;
      case 3: before = new byte[] {(byte) 0xF1}; break;
      default: return null;
    }
    byte[] after = new byte[0];
    int last = bytes.length - 1;
    int trailing = 0;
    while (last >= leading && (bytes[last] & 0xC0) == 0x80 && trailing < 3) {
      last--;
      trailing++;
    }
    if (last >= leading) {
      int lead = bytes[last] & 0xFF;
      int need = lead >= 0xC2 && lead <= 0xDF ? 1 : lead >= 0xE0 && lead <= 0xEF ? 2
          : lead >= 0xF0 && lead <= 0xF4 ? 3 : 0;
      if (need > trailing) {
        after = new byte[need - trailing];
        for (int i = 0; i < after.length; i++) {
          boolean second = trailing == 0 && i == 0;
          after[i] = (byte) (!second ? 0x80 : lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80);
        }
      }
    }
    byte[] whole = concat(before, bytes, after);
    return Utf8Lossy.valid(whole) ? new byte[][] {before, after} : null;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.write(p, 0, p.length);
    }
    return out.toByteArray();
  }

  private static void mismatch(
      List<String> mismatches, int id, String what, String expected, String actual) {
    if (mismatches.size() < 1000) {
      mismatches.add("id " + id + " (" + what + "): expected " + quote(expected) + ", tokenizer "
          + quote(actual));
    }
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().limit(40).forEach(c -> {
      if (c < 0x20 || c == 0xFFFD || (c >= 0x7F && c < 0xA0)) {
        b.append(String.format("\\u%04X", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.append('"').toString();
  }
}
