package dev.tokensampler.config;

import dev.tokensampler.search.EarlyStopping;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The value types of spec keys: how a value is parsed from text and written back canonically. */
enum ValueType {
  /** A decimal number, e.g. {@code 0.95}, {@code 1e-4}, {@code -Infinity}. */
  FLOAT,
  /** A 32-bit integer. */
  INT,
  /** A 64-bit integer. */
  LONG,
  /** Integers in brackets, e.g. {@code [128001,128009]}; a single integer is a list of one. */
  INT_LIST,
  /** Lists of integers, e.g. {@code [[12],[45,67]]}. */
  INT_LISTS,
  /** Token biases, e.g. {@code {15043:-1.5,29871:2}}. */
  BIAS_MAP,
  /** {@code true}, {@code false} or {@code never} (beam search's {@code early_stopping}). */
  EARLY_STOPPING,
  /** {@code true} or {@code false}. */
  BOOLEAN;

  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|[+-]?Infinity");
  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

  /** Parses {@code text} as the value of {@code key}, naming both on failure. */
  Object parse(String key, String text) {
    String t = text.trim();
    try {
      switch (this) {
        case FLOAT:
          return parseFloat(t);
        case INT:
          return parseInt(t);
        case LONG:
          if (!INTEGER.matcher(t).matches()) {
            throw new NumberFormatException();
          }
          return Long.parseLong(t);
        case INT_LIST:
          return t.startsWith("[") ? intList(inner(t)) : new int[] {parseInt(t)};
        case INT_LISTS:
          return intLists(inner(t));
        case EARLY_STOPPING:
          return EarlyStopping.parse(key, t);
        case BOOLEAN:
          if (!t.equals("true") && !t.equals("false")) {
            throw new NumberFormatException(t);
          }
          return Boolean.parseBoolean(t);
        default:
          return biasMap(t);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          key + " must be " + description() + ", got '" + text + "'", e);
    }
  }

  /** The canonical text of a value of this type, which {@link #parse} reads back. */
  String format(Object value) {
    switch (this) {
      case INT_LIST:
        return list((int[]) value);
      case INT_LISTS: {
        StringBuilder s = new StringBuilder("[");
        int[][] lists = (int[][]) value;
        for (int i = 0; i < lists.length; i++) {
          s.append(i == 0 ? "" : ",").append(list(lists[i]));
        }
        return s.append(']').toString();
      }
      case BIAS_MAP: {
        StringBuilder s = new StringBuilder("{");
        @SuppressWarnings("unchecked")
        Map<Integer, Float> biases = (Map<Integer, Float>) value;
        biases.forEach((id, bias) -> s.append(s.length() == 1 ? "" : ",")
            .append(id).append(':').append(bias));
        return s.append('}').toString();
      }
      default:
        return String.valueOf(value);
    }
  }

  /** What a value of this type looks like, for error messages. */
  String description() {
    switch (this) {
      case FLOAT:
        return "a number";
      case INT:
        return "an integer";
      case LONG:
        return "a 64-bit integer";
      case INT_LIST:
        return "an integer or a list of integers like [1,2]";
      case INT_LISTS:
        return "a list of integer lists like [[1],[2,3]]";
      case EARLY_STOPPING:
        return "true, false or never";
      case BOOLEAN:
        return "true or false";
      default:
        return "token biases like {15043:-1.5,29871:2}";
    }
  }

  private static float parseFloat(String t) {
    if (!NUMBER.matcher(t).matches()) {
      throw new NumberFormatException(t);
    }
    return Float.parseFloat(t);
  }

  private static int parseInt(String t) {
    if (!INTEGER.matcher(t).matches()) {
      throw new NumberFormatException(t);
    }
    return Integer.parseInt(t);
  }

  private static String inner(String t) {
    if (!t.startsWith("[") || !t.endsWith("]")) {
      throw new NumberFormatException(t);
    }
    return t.substring(1, t.length() - 1).trim();
  }

  private static int[] intList(String t) {
    if (t.isEmpty()) {
      return new int[0];
    }
    String[] parts = t.split(",", -1);
    int[] out = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      out[i] = parseInt(parts[i].trim());
    }
    return out;
  }

  private static int[][] intLists(String t) {
    List<int[]> lists = new ArrayList<>();
    int i = 0;
    while (i < t.length()) {
      int close = t.indexOf(']', i);
      if (t.charAt(i) != '[' || close < 0) {
        throw new NumberFormatException(t);
      }
      lists.add(intList(t.substring(i + 1, close).trim()));
      i = close + 1;
      while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
        i++;
      }
      if (i < t.length()) {
        if (t.charAt(i) != ',') {
          throw new NumberFormatException(t);
        }
        i++;
        while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
          i++;
        }
        if (i == t.length()) {
          throw new NumberFormatException(t);
        }
      }
    }
    return lists.toArray(new int[0][]);
  }

  private static Map<Integer, Float> biasMap(String t) {
    if (!t.startsWith("{") || !t.endsWith("}")) {
      throw new NumberFormatException(t);
    }
    Map<Integer, Float> biases = new TreeMap<>();
    String body = t.substring(1, t.length() - 1).trim();
    if (body.isEmpty()) {
      return biases;
    }
    for (String entry : body.split(",", -1)) {
      int colon = entry.indexOf(':');
      if (colon < 0) {
        throw new NumberFormatException(entry);
      }
      int id = parseInt(entry.substring(0, colon).trim());
      if (biases.put(id, parseFloat(entry.substring(colon + 1).trim())) != null) {
        throw new NumberFormatException("token " + id + " twice");
      }
    }
    return biases;
  }

  private static String list(int[] values) {
    StringBuilder s = new StringBuilder("[");
    for (int i = 0; i < values.length; i++) {
      s.append(i == 0 ? "" : ",").append(values[i]);
    }
    return s.append(']').toString();
  }
}
