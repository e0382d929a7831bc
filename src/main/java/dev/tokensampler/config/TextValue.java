package dev.tokensampler.config;

import dev.tokensampler.internal.Excerpt;
import dev.tokensampler.vocab.StringForms;
import dev.tokensampler.vocab.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A spec value written as text (quoted strings): {@code dry_sequence_breakers}, {@code bad_words}
 * and {@code stop} as string lists, {@code logit_bias} with string keys. It keeps what was written,
 * for the canonical text, and the id form a {@link TextTokenizer} gave it, for the stages; a
 * value read without a tokenizer has no id form, and {@link #resolveAll} refuses it.
 */
final class TextValue {
  /** A {@code String[]}, or a {@link Biases} for {@code logit_bias}. */
  final Object written;
  /** An {@code int[][]}, a {@link TokenBiases}, or the strings themselves for {@code stop}. */
  final Object ids;

  private TextValue(Object written, Object ids) {
    this.written = written;
    this.ids = ids;
  }

  static TextValue strings(String[] strings) {
    return new TextValue(strings, null);
  }

  static TextValue biases(TokenBiases byId, Map<String, Float> byText) {
    return new TextValue(new Biases(byId, byText), null);
  }

  /** Biases with integer keys (token ids) and string keys (text), as written. */
  static final class Biases {
    final TokenBiases byId;
    final Map<String, Float> byText;

    Biases(TokenBiases byId, Map<String, Float> byText) {
      this.byId = byId;
      this.byText = byText;
    }
  }

  /**
   * Replaces each text value of {@code values} with its id form.
   *
   * @throws IllegalArgumentException if a text value is present and {@code tokenizer} is null
   */
  static void resolveAll(Map<String, Object> values, TextTokenizer tokenizer) {
    for (Map.Entry<String, Object> entry : values.entrySet()) {
      if (!(entry.getValue() instanceof TextValue)) {
        continue;
      }
      String key = entry.getKey();
      TextValue value = (TextValue) entry.getValue();
      if (tokenizer == null) {
        throw new IllegalArgumentException(key + " is given as text ("
            + Excerpt.of(key + "=" + format(value)) + "), which needs a tokenizer: "
            + "read the spec with a TextTokenizer (SamplerSpec.parse(spec, tokenizer), "
            + "GenerationConfigJson.parse(json, tokenizer))");
      }
      entry.setValue(new TextValue(value.written, value.resolve(key, tokenizer)));
    }
  }

  private Object resolve(String key, TextTokenizer tokenizer) {
    if (written instanceof Biases) {
      Biases b = (Biases) written;
      Map<Integer, Float> sum = new TreeMap<>(StringForms.logitBias(tokenizer, b.byText));
      int[] ids = b.byId.ids();
      float[] biases = b.byId.biases();
      for (int i = 0; i < ids.length; i++) {
        sum.merge(ids[i], biases[i], Float::sum);
      }
      int[] allIds = new int[sum.size()];
      float[] allBiases = new float[sum.size()];
      int n = 0;
      for (Map.Entry<Integer, Float> e : sum.entrySet()) {
        allIds[n] = e.getKey();
        allBiases[n++] = e.getValue();
      }
      return new TokenBiases(allIds, allBiases);
    }
    List<String> strings = Arrays.asList((String[]) written);
    switch (key) {
      case "dry_sequence_breakers":
        return StringForms.drySequenceBreakers(tokenizer, strings).toArray(new int[0][]);
      case "bad_words":
        return StringForms.badWords(tokenizer, strings).toArray(new int[0][]);
      default:
        return ((String[]) written).clone();
    }
  }

  /** Whether a text of a value starts a quoted string list, {@code ["..."]}. */
  static boolean isStringList(String t) {
    int i = 1;
    while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
      i++;
    }
    return t.startsWith("[") && i < t.length() && t.charAt(i) == '"';
  }

  /** Parses {@code ["a","b"]} (JSON strings), or one quoted string as a list of one. */
  static String[] parseStrings(String t) {
    List<String> out = new ArrayList<>();
    if (t.startsWith("\"")) {
      int[] end = {0};
      out.add(quoted(t, 0, end));
      if (end[0] != t.length()) {
        throw new NumberFormatException();
      }
      return out.toArray(new String[0]);
    }
    if (!t.startsWith("[") || !t.endsWith("]")) {
      throw new NumberFormatException();
    }
    int i = skip(t, 1);
    if (i == t.length() - 1) {
      return new String[0];
    }
    int[] end = {0};
    while (true) {
      out.add(quoted(t, i, end));
      i = skip(t, end[0]);
      if (i == t.length() - 1) {
        return out.toArray(new String[0]);
      }
      if (t.charAt(i) != ',') {
        throw new NumberFormatException();
      }
      i = skip(t, i + 1);
    }
  }

  /** Parses {@code {15043:-1.5,"Hello":2}}: integer keys are ids, quoted keys text. */
  static TextValue parseBiases(String t) {
    if (!t.startsWith("{") || !t.endsWith("}")) {
      throw new NumberFormatException();
    }
    StringBuilder idPart = new StringBuilder("{");
    Map<String, Float> byText = new LinkedHashMap<>();
    int i = skip(t, 1);
    int[] end = {0};
    while (i < t.length() - 1) {
      int colon;
      String text = null;
      if (t.charAt(i) == '"') {
        text = quoted(t, i, end);
        colon = skip(t, end[0]);
        if (colon >= t.length() || t.charAt(colon) != ':') {
          throw new NumberFormatException();
        }
      } else {
        colon = t.indexOf(':', i);
        if (colon < 0) {
          throw new NumberFormatException();
        }
      }
      int comma = t.indexOf(',', colon);
      int stop = comma < 0 ? t.length() - 1 : comma;
      String bias = t.substring(colon + 1, stop).trim();
      if (text == null) {
        idPart.append(idPart.length() > 1 ? "," : "").append(t, i, colon).append(':')
            .append(bias);
      } else {
        float value = (Float) ValueType.FLOAT.parse("logit_bias", bias);
        if (byText.put(text, value) != null) {
          throw new NumberFormatException();
        }
      }
      i = comma < 0 ? t.length() - 1 : skip(t, comma + 1);
      if (comma >= 0 && i == t.length() - 1) {
        throw new NumberFormatException();
      }
    }
    if (idPart.indexOf("\"") >= 0) {
      throw new NumberFormatException(); // a quote outside a quoted key: not this form
    }
    TokenBiases byId = (TokenBiases) ValueType.BIAS_MAP.parse("logit_bias",
        idPart.append('}').toString());
    return biases(byId, byText);
  }

  /** The canonical text of a value: JSON strings, ids before text in biases. */
  static String format(TextValue value) {
    StringBuilder s = new StringBuilder();
    if (value.written instanceof Biases) {
      Biases b = (Biases) value.written;
      b.byId.format(s);
      s.setLength(s.length() - 1);
      for (Map.Entry<String, Float> e : b.byText.entrySet()) {
        quote(s.append(s.length() > 1 ? "," : ""), e.getKey()).append(':').append(e.getValue());
      }
      return s.append('}').toString();
    }
    s.append('[');
    String[] strings = (String[]) value.written;
    for (int i = 0; i < strings.length; i++) {
      quote(s.append(i == 0 ? "" : ","), strings[i]);
    }
    return s.append(']').toString();
  }

  private static int skip(String t, int i) {
    while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The JSON string starting at the quote {@code t[from]}; {@code end[0]} is set past it. */
  private static String quoted(String t, int from, int[] end) {
    if (from >= t.length() || t.charAt(from) != '"') {
      throw new NumberFormatException();
    }
    StringBuilder out = new StringBuilder();
    for (int i = from + 1; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '"') {
        end[0] = i + 1;
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (++i >= t.length()) {
        break;
      }
      char e = t.charAt(i);
      switch (e) {
        case '"': case '\\': case '/':
          out.append(e);
          break;
        case 'b': out.append('\b'); break;
        case 'f': out.append('\f'); break;
        case 'n': out.append('\n'); break;
        case 'r': out.append('\r'); break;
        case 't': out.append('\t'); break;
        case 'u':
          if (i + 4 >= t.length()) {
            throw new NumberFormatException();
          }
          out.append((char) Integer.parseInt(t.substring(i + 1, i + 5), 16));
          i += 4;
          break;
        default:
          throw new NumberFormatException();
      }
    }
    throw new NumberFormatException();
  }

  /** Appends {@code text} as a JSON string, control characters escaped. */
  private static StringBuilder quote(StringBuilder s, String text) {
    s.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"': s.append("\\\""); break;
        case '\\': s.append("\\\\"); break;
        case '\n': s.append("\\n"); break;
        case '\r': s.append("\\r"); break;
        case '\t': s.append("\\t"); break;
        default:
          if (c < 0x20 || Excerpt.isEscaped(c)) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
      }
    }
    return s.append('"');
  }
}
