package dev.tokensampler.search;

import dev.tokensampler.internal.Excerpt;
import java.util.Locale;

/**
 * When beam search stops, as transformers' {@code early_stopping}.
 */
public enum EarlyStopping {
  /** {@code true}: as soon as there are {@code num_beams} finished candidates (per group). */
  TRUE,
  /**
   * {@code false} (transformers' default): when the best running beam, scored at the current
   * length, cannot beat the worst finished candidate (a heuristic when {@code length_penalty > 0}).
   */
  FALSE,
  /**
   * {@code "never"}: only when no running beam can beat the worst finished candidate at any
   * length up to the limit (with {@code length_penalty > 0} the bound uses the longest length),
   * the canonical beam search.
   */
  NEVER;

  /**
   * Parses {@code true}, {@code false} or {@code never} (case-insensitive).
   *
   * @param key the parameter name for the message
   * @param text the value
   * @return the setting
   * @throws IllegalArgumentException for another value
   */
  public static EarlyStopping parse(String key, String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return TRUE;
      case "false":
        return FALSE;
      case "never":
        return NEVER;
      default:
        throw new IllegalArgumentException(
            key + " must be true, false or never, got '" + Excerpt.of(text) + "'");
    }
  }

  /** @return {@code true}, {@code false} or {@code never} */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
