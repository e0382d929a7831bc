package dev.tokensampler.vocab;

import java.io.ByteArrayOutputStream;
import java.util.Objects;

/**
 * Text to token ids and back: what turns the string forms of parameters (stop strings, bad words,
 * DRY sequence breakers, biases by string) into the id forms the stages take, and generated ids
 * into text.
 *
 * <p>An implementation encodes with its tokenizer and decodes through its {@link #vocabulary()}:
 * the text of a run of ids is the concatenation of their byte strings, special tokens left out,
 * read as UTF-8. That is the text the ids stand for in the middle of a longer text (a
 * SentencePiece decoder's removal of one leading space at the very start of a text is not
 * applied), so the text of a whole is the text of its parts joined, whatever the split.
 * {@code dev.tokensampler.djl.HuggingFaceTextTokenizer} implements it over the Hugging Face
 * tokenizers library. Implementations should be safe to share across threads: the string forms
 * are computed once and the vocabulary is immutable.
 */
public interface TextTokenizer {
  /**
   * Encodes a text as the tokenizer does with no special tokens added ({@code
   * add_special_tokens=False}: no beginning- or end-of-sequence token). A text that spells an added
   * token may still become that token, as the tokenizer decides; a SentencePiece tokenizer may
   * prepend its space marker.
   *
   * @param text any text
   * @return its token ids, each in {@code [0, vocabulary().size())}; empty for an empty text
   * @throws NullPointerException if {@code text} is null
   */
  int[] encode(String text);

  /**
   * Encodes a prompt with the special tokens the tokenizer adds to an input (such as a
   * beginning-of-sequence token); by default the same as {@link #encode(String)}.
   *
   * @param text the prompt
   * @return its token ids
   * @throws NullPointerException if {@code text} is null
   */
  default int[] encodePrompt(String text) {
    return encode(text);
  }

  /** @return the byte string of every id, its special tokens and its end-of-sequence ids */
  TokenVocabulary vocabulary();

  /**
   * The bytes of a run of ids: their byte strings concatenated, special tokens left out.
   *
   * @param ids token ids
   * @param offset index of the first id
   * @param length number of ids
   * @return the bytes
   * @throws IndexOutOfBoundsException if the range is outside the array
   * @throws IllegalArgumentException if an id is outside the vocabulary
   */
  default byte[] decodeBytes(int[] ids, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, ids.length);
    TokenVocabulary vocabulary = vocabulary();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = offset; i < offset + length; i++) {
      if (!vocabulary.isSpecial(ids[i])) {
        out.writeBytes(vocabulary.tokenBytes(ids[i]));
      }
    }
    return out.toByteArray();
  }

  /**
   * The text of a run of ids: {@link #decodeBytes} read as UTF-8, each maximal ill-formed subpart
   * as one U+FFFD (Unicode's recommended practice, as the Hugging Face tokenizers library does).
   *
   * @param ids token ids
   * @param offset index of the first id
   * @param length number of ids
   * @return the text
   * @throws IndexOutOfBoundsException if the range is outside the array
   * @throws IllegalArgumentException if an id is outside the vocabulary
   */
  default String decode(int[] ids, int offset, int length) {
    byte[] bytes = decodeBytes(ids, offset, length);
    return StreamingDecoder.lossy(bytes, 0, bytes.length);
  }
}
