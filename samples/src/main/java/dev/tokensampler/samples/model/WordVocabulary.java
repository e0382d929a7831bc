package dev.tokensampler.samples.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A word-level vocabulary: lower-cased words and punctuation, one token per line in
 * {@code vocab.txt} (line {@code i} is token id {@code i}), with {@code <unk>} (id 0) for words
 * outside it and {@code <eos>} (id 1) ending each sentence. It encodes text by splitting on white
 * space and peeling punctuation off words, and decodes ids back to text with English spacing
 * and capitals at sentence starts.
 */
public final class WordVocabulary {
  /** The file name of the stored vocabulary. */
  public static final String FILE_NAME = "vocab.txt";
  /** The token for words outside the vocabulary. */
  public static final String UNKNOWN = "<unk>";
  /** The token that ends a sentence. */
  public static final String END_OF_SENTENCE = "<eos>";
  /** The id of {@link #UNKNOWN}. */
  public static final int UNKNOWN_ID = 0;
  /** The id of {@link #END_OF_SENTENCE}. */
  public static final int END_OF_SENTENCE_ID = 1;

  private static final String LEADING_PUNCTUATION = "\"(";
  private static final String TRAILING_PUNCTUATION = ".,;:!?\")";

  private final List<String> tokens;
  private final Map<String, Integer> ids;

  private WordVocabulary(List<String> tokens) {
    this.tokens = List.copyOf(tokens);
    this.ids = new HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      ids.put(tokens.get(i), i);
    }
  }

  /**
   * Builds a vocabulary from word counts: {@code <unk>}, {@code <eos>}, then the most frequent
   * words, ties broken by the word's natural order so the result does not depend on map order.
   *
   * @param counts occurrences of each word
   * @param size total number of tokens, including the two special ones, at least 2
   * @return the vocabulary
   */
  public static WordVocabulary fromCounts(Map<String, Integer> counts, int size) {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(
        Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
            .reversed()
            .thenComparing(Map.Entry::getKey));
    List<String> tokens = new ArrayList<>(size);
    tokens.add(UNKNOWN);
    tokens.add(END_OF_SENTENCE);
    for (Map.Entry<String, Integer> entry : entries) {
      if (tokens.size() == size) {
        break;
      }
      tokens.add(entry.getKey());
    }
    return new WordVocabulary(tokens);
  }

  /**
   * Reads {@code vocab.txt} from a model directory.
   *
   * @param modelDirectory the directory holding the file
   * @return the vocabulary
   * @throws IOException if the file cannot be read
   */
  public static WordVocabulary load(Path modelDirectory) throws IOException {
    return new WordVocabulary(
        Files.readAllLines(modelDirectory.resolve(FILE_NAME), StandardCharsets.UTF_8));
  }

  /**
   * Writes {@code vocab.txt} into a model directory.
   *
   * @param modelDirectory an existing directory
   * @throws IOException if the file cannot be written
   */
  public void store(Path modelDirectory) throws IOException {
    Files.write(modelDirectory.resolve(FILE_NAME), tokens, StandardCharsets.UTF_8);
  }

  /** @return the number of tokens */
  public int size() {
    return tokens.size();
  }

  /**
   * @param id a token id in {@code [0, size())}
   * @return its token text
   */
  public String token(int id) {
    return tokens.get(id);
  }

  /**
   * @param word a lower-cased word or punctuation mark
   * @return its id, or {@link #UNKNOWN_ID} if it is not in the vocabulary
   */
  public int id(String word) {
    return ids.getOrDefault(word, UNKNOWN_ID);
  }

  /**
   * Splits text into token ids: lower-cases it, splits on white space, and peels leading
   * {@code "(} and trailing {@code .,;:!?")} characters off a word unless the whole word is in
   * the vocabulary (so {@code mr.} stays one token).
   *
   * @param text any text
   * @return the token ids, {@link #UNKNOWN_ID} for words outside the vocabulary
   */
  public int[] encode(String text) {
    List<Integer> out = new ArrayList<>();
    for (String chunk : text.toLowerCase(Locale.ROOT).trim().split("\\s+")) {
      if (!chunk.isEmpty()) {
        encodeChunk(chunk, out);
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private void encodeChunk(String chunk, List<Integer> out) {
    int start = 0;
    int end = chunk.length();
    List<Integer> trailing = new ArrayList<>();
    while (start < end && !ids.containsKey(chunk.substring(start, end))) {
      if (LEADING_PUNCTUATION.indexOf(chunk.charAt(start)) >= 0) {
        out.add(id(chunk.substring(start, start + 1)));
        start++;
      } else if (TRAILING_PUNCTUATION.indexOf(chunk.charAt(end - 1)) >= 0) {
        trailing.add(0, id(chunk.substring(end - 1, end)));
        end--;
      } else {
        break;
      }
    }
    if (start < end) {
      out.add(id(chunk.substring(start, end)));
    }
    out.addAll(trailing);
  }

  /**
   * Joins token ids into text: no space before closing punctuation or after an opening bracket
   * or quote, a capital letter at the start of each sentence and for "i", {@code <eos>} as the
   * end of a sentence (written as nothing).
   *
   * @param ids token ids in {@code [0, size())}
   * @param offset index of the first id to decode
   * @param length how many ids to decode
   * @return the text
   */
  public String decode(int[] ids, int offset, int length) {
    StringBuilder text = new StringBuilder();
    boolean sentenceStart = true;
    boolean noSpace = true;
    boolean insideQuote = false;
    for (int i = offset; i < offset + length; i++) {
      if (ids[i] == END_OF_SENTENCE_ID) {
        sentenceStart = true;
        continue;
      }
      String token = tokens.get(ids[i]);
      boolean closing = isClosing(token) || (token.equals("\"") && insideQuote);
      if (!noSpace && !closing && text.length() > 0) {
        text.append(' ');
      }
      if (sentenceStart || token.equals("i") || token.startsWith("i'")) {
        text.append(Character.toUpperCase(token.charAt(0))).append(token, 1, token.length());
      } else {
        text.append(token);
      }
      if (token.equals("\"")) {
        insideQuote = !insideQuote;
      }
      noSpace = token.equals("(") || (token.equals("\"") && insideQuote);
      sentenceStart =
          token.equals(".") || token.equals("?") || token.equals("!")
              || (sentenceStart && token.equals("\""));
    }
    return text.toString();
  }

  /**
   * Joins all the given token ids into text, as {@link #decode(int[], int, int)}.
   *
   * @param ids token ids in {@code [0, size())}
   * @return the text
   */
  public String decode(int[] ids) {
    return decode(ids, 0, ids.length);
  }

  private static boolean isClosing(String token) {
    return token.length() == 1 && ".,;:!?)".indexOf(token.charAt(0)) >= 0;
  }
}
