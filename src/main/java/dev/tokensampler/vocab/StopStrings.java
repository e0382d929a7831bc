package dev.tokensampler.vocab;

import java.util.List;
import java.util.Objects;

/**
 * Finds stop strings in a text that arrives in pieces, and releases the text before the first
 * one: the text a service returns when generation stops on a string (vLLM's and OpenAI's
 * {@code stop}, without the stop string itself).
 *
 * <p>Each {@link #append(String)} returns the part of the text so far that is known to come
 * before any stop string: a suffix that could be the start of a stop string is held back until
 * the next piece shows whether it is. When a stop string is complete, {@link #stopped()} becomes
 * true, {@link #append} returns the text up to where the stop string begins, and the rest is
 * dropped. A stop string may span any number of pieces (tokens). When a piece completes several
 * stop strings, the text ends where the first of them begins (the longest, between two that begin
 * at the same place); one that is not complete yet does not count.
 * Matching is on UTF-16 text, exact and case-sensitive. {@link #finish()} releases the held-back
 * suffix when the text ends without a stop string. Not thread-safe.
 */
public final class StopStrings {
  private final String[] stops;
  private final StringBuilder held = new StringBuilder();
  private boolean stopped;

  /**
   * A matcher at the start of a text.
   *
   * @param stopStrings the stop strings, each non-empty
   * @throws NullPointerException if the list or a string is null
   * @throws IllegalArgumentException if a string is empty
   */
  public StopStrings(List<String> stopStrings) {
    Objects.requireNonNull(stopStrings, "stop_strings");
    this.stops = new String[stopStrings.size()];
    for (int i = 0; i < stops.length; i++) {
      stops[i] = Objects.requireNonNull(stopStrings.get(i), "stop_strings[" + i + "]");
      if (stops[i].isEmpty()) {
        throw new IllegalArgumentException("stop_strings[" + i + "] must not be empty");
      }
    }
  }

  /**
   * Adds the next piece of text.
   *
   * @param piece the text that follows the text so far
   * @return the text now known to come before any stop string (possibly empty); after a stop,
   *     always empty
   * @throws NullPointerException if {@code piece} is null
   */
  public String append(String piece) {
    Objects.requireNonNull(piece, "piece");
    if (stopped || piece.isEmpty()) {
      return "";
    }
    held.append(piece);
    int first = -1;
    int firstLength = 0;
    for (String stop : stops) {
      int at = held.indexOf(stop);
      if (at >= 0 && (first < 0 || at < first || at == first && stop.length() > firstLength)) {
        first = at;
        firstLength = stop.length();
      }
    }
    if (first >= 0) {
      stopped = true;
      String text = held.substring(0, first);
      held.setLength(0);
      return text;
    }
    int keep = 0;
    for (String stop : stops) {
      keep = Math.max(keep, partialMatch(held, stop));
    }
    String text = held.substring(0, held.length() - keep);
    held.delete(0, held.length() - keep);
    return text;
  }

  /** @return whether a stop string has been found */
  public boolean stopped() {
    return stopped;
  }

  /**
   * Ends the text.
   *
   * @return the held-back text if no stop string was found, else an empty string
   */
  public String finish() {
    String text = held.toString();
    held.setLength(0);
    return text;
  }

  /** The length of the longest proper prefix of {@code stop} that ends {@code text}. */
  private static int partialMatch(CharSequence text, String stop) {
    int n = text.length();
    for (int k = Math.min(stop.length() - 1, n); k > 0; k--) {
      boolean match = true;
      for (int j = 0; j < k; j++) {
        if (text.charAt(n - k + j) != stop.charAt(j)) {
          match = false;
          break;
        }
      }
      if (match) {
        return k;
      }
    }
    return 0;
  }
}
