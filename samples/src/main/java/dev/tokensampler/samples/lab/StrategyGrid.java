package dev.tokensampler.samples.lab;

import dev.tokensampler.config.SamplerSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands grid lines into strategies. A grid line is a {@link SamplerSpec} in which a value may
 * be a set of alternatives in braces: {@code temperature={0.5,0.7,1.0},top_p={0.9,0.95}} stands
 * for the six specs of the Cartesian product, the first braced key varying slowest (the order of
 * nested loops written left to right). A braced value whose items hold a top-level colon is a
 * token-bias map ({@code logit_bias={15:-1.5,29:2}}), not a set; a set of bias maps is written
 * with inner braces ({@code logit_bias={{15:-1},{15:-5}}}). Several lines are expanded in order
 * and concatenated.
 *
 * <p>Every expanded spec is parsed, so a bad value fails here, naming the line. Two strategies
 * with the same canonical spec ({@link SamplerSpec#toString()}) are an error, and so are
 * {@code seed} (every cell's stream comes from the lab's seed) and beam search
 * ({@code num_beams > 1}).
 */
public final class StrategyGrid {
  private StrategyGrid() {}

  /**
   * One strategy of a grid.
   *
   * @param label the spec as expanded from the grid line (keys in the written order)
   * @param spec the parsed spec; its {@code toString()} is the canonical form
   */
  public record Strategy(String label, SamplerSpec spec) {}

  /**
   * Expands grid lines.
   *
   * @param lines grid lines, at least one
   * @return the strategies, in order
   * @throws IllegalArgumentException for an empty grid, an unbalanced or empty brace, a spec
   *     that does not parse, {@code seed}, beam search, or a strategy given twice
   */
  public static List<Strategy> expand(List<String> lines) {
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("the grid needs at least one line (--grid)");
    }
    List<Strategy> strategies = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    for (String line : lines) {
      for (String text : expandLine(line)) {
        SamplerSpec spec;
        try {
          spec = SamplerSpec.parse(text);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "grid line \"" + line + "\" gives \"" + text + "\": " + e.getMessage(), e);
        }
        if (spec.value("seed") != null) {
          throw new IllegalArgumentException("grid line \"" + line
              + "\" sets seed: every cell's stream comes from the lab's --seed");
        }
        if (spec.beamSearch().numBeams() > 1) {
          throw new IllegalArgumentException("grid line \"" + line
              + "\" asks for beam search (num_beams > 1): the lab compares sampling strategies");
        }
        String previous = seen.putIfAbsent(spec.toString(), text);
        if (previous != null) {
          throw new IllegalArgumentException("strategy \"" + text + "\" repeats \"" + previous
              + "\" (both are " + spec + ")");
        }
        strategies.add(new Strategy(text, spec));
      }
    }
    return strategies;
  }

  /**
   * The specs one grid line stands for, as text.
   *
   * @param line the line
   * @return the expanded specs, in product order
   */
  static List<String> expandLine(String line) {
    List<List<String>> choices = new ArrayList<>();
    for (String entry : split(line.strip())) {
      int equals = entry.indexOf('=');
      String value = equals < 0 ? "" : entry.substring(equals + 1).strip();
      if (equals < 0 || !isSet(value)) {
        choices.add(List.of(entry.strip()));
        continue;
      }
      String key = entry.substring(0, equals).strip();
      List<String> items = split(value.substring(1, value.length() - 1));
      List<String> options = new ArrayList<>();
      for (String item : items) {
        if (item.isBlank()) {
          throw new IllegalArgumentException(
              "grid line \"" + line + "\": empty alternative in " + key + "=" + value);
        }
        options.add(key + "=" + item.strip());
      }
      choices.add(options);
    }
    List<String> specs = new ArrayList<>();
    specs.add("");
    for (List<String> options : choices) {
      List<String> next = new ArrayList<>();
      for (String prefix : specs) {
        for (String option : options) {
          next.add(prefix.isEmpty() ? option : prefix + "," + option);
        }
      }
      specs = next;
    }
    return specs;
  }

  /** A braced value whose top-level items hold no top-level colon (not a bias map). */
  private static boolean isSet(String value) {
    if (value.length() < 2 || value.charAt(0) != '{' || value.charAt(value.length() - 1) != '}') {
      return false;
    }
    for (String item : split(value.substring(1, value.length() - 1))) {
      if (depthZeroIndex(item, ':') >= 0) {
        return false;
      }
    }
    return true;
  }

  /** Splits at commas outside brackets and braces; an unbalanced text is an error. */
  private static List<String> split(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        depth--;
        if (depth < 0) {
          throw new IllegalArgumentException("unbalanced '" + c + "' at index " + i + " of \""
              + text + "\"");
        }
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("unclosed bracket or brace in \"" + text + "\"");
    }
    if (!text.isEmpty()) {
      parts.add(text.substring(start));
    }
    return parts;
  }

  private static int depthZeroIndex(String text, char wanted) {
    int depth = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        depth--;
      } else if (c == wanted && depth == 0) {
        return i;
      }
    }
    return -1;
  }
}
