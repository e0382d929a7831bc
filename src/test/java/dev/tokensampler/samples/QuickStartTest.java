package dev.tokensampler.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.kernel.KernelProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the samples' {@code main} methods with standard output captured and checks that what they
 * print is right, so the samples cannot rot.
 */
class QuickStartTest {
  private static String output;

  @BeforeAll
  static void runQuickStart() {
    output = run(() -> QuickStart.main(new String[0]));
  }

  @Test
  void printsTheKernelsInUse() {
    assertTrue(output.contains("in use:  " + KernelProvider.description()), output);
  }

  @Test
  void printsTheWorkedSoftmaxExamples() {
    float[] three = {2.0f, 1.0f, 0.1f};
    float[] four = {3.0f, 2.0f, 1.0f, 4.0f};
    assertRow(three, 1.0, referenceSoftmax(three, 1.0));
    assertRow(three, 2.0, referenceSoftmax(three, 2.0));
    assertRow(three, 0.5, referenceSoftmax(three, 0.5));
    assertRow(four, 1.0, referenceSoftmax(four, 1.0));
    assertRow(four, 5.0, referenceSoftmax(four, 5.0));
    // The textbook values, as a check of the reference itself.
    assertRow(three, 1.0, new double[] {0.659, 0.242, 0.099});
  }

  @Test
  void printsTheGreedyLimitAtTemperatureZero() {
    assertRow(new float[] {2.0f, 1.0f, 0.1f}, 0.0, new double[] {1, 0, 0});
  }

  @Test
  void printsLogProbabilities() {
    float[] three = {2.0f, 1.0f, 0.1f};
    double[] p = referenceSoftmax(three, 1.0);
    double[] log = Arrays.stream(p).map(Math::log).toArray();
    assertRow(three, 1.0, log);
  }

  @Test
  void everyConfigurationReproducesItsStreamFromTheSameSeed() {
    assertEquals(6, occurrences(output, "identical: true"), output);
    assertFalse(output.contains("identical: false"), output);
  }

  @Test
  void greedyDrawsTheWordWithTheLargestLogitEveryTime() {
    int best = 0;
    for (int i = 1; i < QuickStart.LOGITS.length; i++) {
      if (QuickStart.LOGITS[i] > QuickStart.LOGITS[best]) {
        best = i;
      }
    }
    List<List<String>> streams = streamsUnder("greedy");
    assertEquals(2, streams.size(), output);
    for (List<String> stream : streams) {
      assertEquals(QuickStart.STREAM_LENGTH, stream.size(), stream.toString());
      for (String word : stream) {
        assertEquals(QuickStart.WORDS[best], word, stream.toString());
      }
    }
  }

  @Test
  void topKThreeDrawsOnlyTheThreeMostLikelyWords() {
    List<String> allowed = mostLikely(QuickStart.LOGITS, 3).stream()
        .map(id -> QuickStart.WORDS[id])
        .collect(Collectors.toList());
    List<List<String>> streams = streamsUnder("top-k 3, temperature 0.8");
    assertEquals(2, streams.size(), output);
    for (List<String> stream : streams) {
      assertEquals(QuickStart.STREAM_LENGTH, stream.size(), stream.toString());
      assertTrue(allowed.containsAll(stream), stream + " not within " + allowed);
    }
  }

  @Test
  void theTwoSeedsGiveDifferentStreamsWhenSampling() {
    List<List<String>> streams = streamsUnder("temperature 1.5");
    assertEquals(2, streams.size(), output);
    assertFalse(streams.get(0).equals(streams.get(1)), streams.toString());
  }

  @Test
  void theLargeVocabularyDrawsStayWithinTopK() {
    Matcher rows = Pattern.compile("(?m)^\\s+(\\d+)\\s+(\\d+)\\s+(-?\\d+\\.\\d{3})\\s+(\\d+)$")
        .matcher(output.substring(output.indexOf("4. A real-size vocabulary")));
    int count = 0;
    while (rows.find()) {
      count++;
      int token = Integer.parseInt(rows.group(2));
      int rank = Integer.parseInt(rows.group(4));
      assertTrue(token >= 0 && token < QuickStart.LARGE_VOCABULARY, rows.group());
      assertTrue(rank >= 1 && rank <= 40, rows.group());
    }
    assertEquals(8, count, output);
  }

  @Test
  void takesTheSeedFromTheCommandLine() {
    String seven = run(() -> QuickStart.main(new String[] {"--seed", "7"}));
    assertTrue(seven.contains("seed 7 "), seven);
    assertTrue(seven.contains("seed 8 "), seven);
    assertFalse(seven.contains("seed 42"), seven);
  }

  @Test
  void rejectsOtherArguments() {
    assertThrows(IllegalArgumentException.class, () -> QuickStart.main(new String[] {"--bogus"}));
    assertThrows(IllegalArgumentException.class,
        () -> QuickStart.main(new String[] {"--seed", "x"}));
  }

  @Test
  void customStagesBanAndForbidRepeats() {
    String custom = run(() -> CustomStage.main(new String[0]));
    String[] words = CustomStage.WORDS;
    String banned = words[CustomStage.MAT];
    float[] allowed = CustomStage.LOGITS.clone();
    allowed[CustomStage.MAT] = Float.NEGATIVE_INFINITY;

    // Banned first, top-k 3 keeps the three best allowed words (20 draws at T = 0.8 see them all).
    String before = section(custom, "ban before top-k");
    assertLine(before, Pattern.quote(banned) + " drawn:\\s+0");
    String bestAllowed = inIdOrder(words, mostLikely(allowed, 3));
    assertLine(before, "words drawn:\\s+" + Pattern.quote(bestAllowed));

    // Banned after top-k 3: two of the three remain.
    List<Integer> topThree = mostLikely(CustomStage.LOGITS, 3);
    topThree.remove(Integer.valueOf(CustomStage.MAT));
    String after = section(custom, "ban after top-k");
    assertLine(after, Pattern.quote(banned) + " drawn:\\s+0");
    assertLine(after, "words drawn:\\s+" + Pattern.quote(inIdOrder(words, topThree)));

    String noRepeat = section(custom, "no immediate repeat");
    assertLine(noRepeat, "immediate repeats:\\s+0");
  }

  /** Asserts that a whole line of {@code text}, after its indent, matches {@code regex}. */
  private static void assertLine(String text, String regex) {
    assertTrue(Pattern.compile("(?m)^\\s*" + regex + "$").matcher(text).find(),
        "no line " + regex + " in\n" + text);
  }

  /** Asserts a softmax row: the logits, the temperature, then the values to 3 decimals. */
  private static void assertRow(float[] logits, double temperature, double[] values) {
    String list = Arrays.stream(toDoubles(logits))
        .mapToObj(x -> String.format(Locale.ROOT, "%.1f", x))
        .collect(Collectors.joining(", ", "[", "]"));
    String expected = Pattern.quote(list) + "\\s+" + Pattern.quote(format1(temperature))
        + Arrays.stream(values)
            .mapToObj(v -> "\\s+" + Pattern.quote(String.format(Locale.ROOT, "%.3f", v)))
            .collect(Collectors.joining())
        + "\\s*$";
    assertTrue(Pattern.compile(expected, Pattern.MULTILINE).matcher(output).find(),
        "no row " + list + " T=" + temperature + " " + Arrays.toString(values) + " in\n" + output);
  }

  /** Softmax in double with Math.exp, independent of the library. */
  private static double[] referenceSoftmax(float[] logits, double temperature) {
    double[] x = toDoubles(logits);
    double max = Arrays.stream(x).max().orElseThrow();
    double[] e = Arrays.stream(x).map(v -> Math.exp((v - max) / temperature)).toArray();
    double sum = Arrays.stream(e).sum();
    return Arrays.stream(e).map(v -> v / sum).toArray();
  }

  private static double[] toDoubles(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static String format1(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** The ids of the {@code k} largest logits, largest first. */
  private static List<Integer> mostLikely(float[] logits, int k) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < logits.length; i++) {
      ids.add(i);
    }
    ids.sort((a, b) -> Float.compare(logits[b], logits[a]));
    return new ArrayList<>(ids.subList(0, k));
  }

  /** The words of {@code ids}, in increasing id order, separated by spaces. */
  private static String inIdOrder(String[] words, List<Integer> ids) {
    return ids.stream().sorted().map(id -> words[id]).collect(Collectors.joining(" "));
  }

  /** The two word streams printed under the configuration {@code title}. */
  private static List<List<String>> streamsUnder(String title) {
    List<List<String>> streams = new ArrayList<>();
    Matcher line = Pattern.compile("(?m)^\\s+seed -?\\d+\\s+(\\D.*?)\\s+\\(\\d+ distinct\\)$")
        .matcher(section(output, title));
    while (line.find()) {
      streams.add(Arrays.asList(line.group(1).trim().split("\\s+")));
    }
    return streams;
  }

  /** The lines of {@code text} from the one starting with {@code title} to the next blank line. */
  private static String section(String text, String title) {
    Matcher start = Pattern.compile("(?m)^  " + Pattern.quote(title) + " ").matcher(text);
    assertTrue(start.find(), "no section " + title + " in\n" + text);
    int end = text.indexOf("\n\n", start.start());
    return text.substring(start.start(), end < 0 ? text.length() : end + 1);
  }

  private static int occurrences(String text, String part) {
    int count = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      count++;
    }
    return count;
  }

  /** Runs {@code main} with standard output captured; restores it afterwards. */
  private static String run(Runnable main) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      main.run();
    } finally {
      System.setOut(original);
    }
    return captured.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }
}
