package dev.tokensampler.vocab;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bytes one token string stands for in the middle of a text, from the {@code decoder} of a
 * Hugging Face {@code tokenizer.json}.
 *
 * <p>Supported decoders, alone or in a {@code Sequence}: {@code ByteLevel} (byte-level BPE),
 * {@code Replace} with a string pattern (SentencePiece's {@code ▁} for a space),
 * {@code ByteFallback} ({@code <0xNN>} tokens stand for the byte {@code NN}), {@code Fuse},
 * {@code Strip} and {@code Metaspace}. A {@code Strip} after {@code Fuse}, and the leading space
 * that {@code Metaspace} removes from the first token, change only the start of a decoded text, so
 * they are not part of a token's bytes: {@link #stripsLeadingSpace()} says whether the decoder
 * removes a leading space there. Any other decoder type is an {@link IllegalArgumentException}.
 */
final class TokenDecoder {
  private interface Step {
    /** Applies the step to a token that is still a string; returns a String or a byte[]. */
    Object apply(String token);

    /** Applies the step to a token already turned into bytes. */
    default byte[] apply(byte[] token, String where) {
      throw new IllegalArgumentException(
          where + ": a " + name() + " decoder after ByteLevel or ByteFallback is not supported");
    }

    String name();
  }

  private final List<Step> steps;
  private final boolean stripsLeadingSpace;

  private TokenDecoder(List<Step> steps, boolean stripsLeadingSpace) {
    this.steps = steps;
    this.stripsLeadingSpace = stripsLeadingSpace;
  }

  /**
   * @param decoder the {@code decoder} value of a {@code tokenizer.json}
   * @return its per-token decoding
   * @throws IllegalArgumentException for a missing or unsupported decoder, naming its type
   */
  static TokenDecoder of(JsonElement decoder) {
    if (decoder == null || decoder.isJsonNull()) {
      throw new IllegalArgumentException(
          "decoder is null: the text of each token is undefined without a decoder");
    }
    List<Step> steps = new ArrayList<>();
    boolean[] fused = {false};
    boolean[] strips = {false};
    add(decoder, "decoder", steps, fused, strips);
    return new TokenDecoder(List.copyOf(steps), strips[0]);
  }

  /** @return whether decoding removes one leading space at the start of a text */
  boolean stripsLeadingSpace() {
    return stripsLeadingSpace;
  }

  /**
   * @param token a token string of the model's vocabulary
   * @return the bytes it stands for in the middle of a text
   */
  byte[] bytes(String token) {
    Object value = token;
    for (Step step : steps) {
      value = value instanceof String ? step.apply((String) value)
          : step.apply((byte[]) value, "decoder");
    }
    return value instanceof String ? ((String) value).getBytes(StandardCharsets.UTF_8)
        : (byte[]) value;
  }

  private static void add(
      JsonElement element, String where, List<Step> steps, boolean[] fused, boolean[] strips) {
    if (!element.isJsonObject()) {
      throw new IllegalArgumentException(where + ": expected an object, got " + shorten(element));
    }
    JsonObject d = element.getAsJsonObject();
    String type = string(d, "type", where);
    switch (type) {
      case "Sequence": {
        JsonElement list = d.get("decoders");
        if (list == null || !list.isJsonArray()) {
          throw new IllegalArgumentException(where + ".decoders: expected an array");
        }
        JsonArray array = list.getAsJsonArray();
        for (int i = 0; i < array.size(); i++) {
          add(array.get(i), where + ".decoders[" + i + "]", steps, fused, strips);
        }
        return;
      }
      case "ByteLevel":
        requireUnfused(type, where, fused);
        steps.add(new Step() {
          @Override public Object apply(String token) {
            return ByteLevelAlphabet.decode(token);
          }

          @Override public String name() {
            return "ByteLevel";
          }
        });
        return;
      case "ByteFallback":
        requireUnfused(type, where, fused);
        steps.add(new Step() {
          @Override public Object apply(String token) {
            int b = byteToken(token);
            return b < 0 ? token : new byte[] {(byte) b};
          }

          @Override public byte[] apply(byte[] token, String w) {
            return token;
          }

          @Override public String name() {
            return "ByteFallback";
          }
        });
        return;
      case "Replace": {
        JsonElement pattern = d.get("pattern");
        if (pattern == null || !pattern.isJsonObject()
            || !pattern.getAsJsonObject().has("String")) {
          throw new IllegalArgumentException(
              where + ": only a Replace with a String pattern is supported, got pattern "
                  + shorten(pattern));
        }
        String from = string(pattern.getAsJsonObject(), "String", where + ".pattern");
        String to = string(d, "content", where);
        if (from.isEmpty()) {
          throw new IllegalArgumentException(where + ".pattern.String is empty");
        }
        steps.add(new Step() {
          @Override public Object apply(String token) {
            return token.replace(from, to);
          }

          @Override public String name() {
            return "Replace";
          }
        });
        return;
      }
      case "Fuse":
        fused[0] = true;
        return;
      case "Strip": {
        String content = string(d, "content", where);
        int start = integer(d, "start", where);
        int stop = integer(d, "stop", where);
        if (content.length() != 1) {
          throw new IllegalArgumentException(
              where + ".content must be one character, got \"" + content + "\"");
        }
        if (fused[0]) {
          // After Fuse the whole text is one token: only its start and end change.
          if (stop != 0) {
            throw new IllegalArgumentException(
                where + ": a Strip of the end of the text (stop " + stop + ") is not supported");
          }
          strips[0] |= start > 0 && content.equals(" ");
          return;
        }
        char c = content.charAt(0);
        steps.add(new Step() {
          @Override public Object apply(String token) {
            int from = 0;
            while (from < Math.min(start, token.length()) && token.charAt(from) == c) {
              from++;
            }
            int to = token.length();
            while (token.length() - to < stop && to > from && token.charAt(to - 1) == c) {
              to--;
            }
            return token.substring(from, to);
          }

          @Override public String name() {
            return "Strip";
          }
        });
        return;
      }
      case "Metaspace": {
        String replacement = string(d, "replacement", where);
        JsonElement scheme = d.get("prepend_scheme");
        JsonElement prefix = d.get("add_prefix_space");
        boolean prepends = scheme != null && !scheme.isJsonNull()
            ? !"never".equals(scheme.getAsString())
            : prefix == null || prefix.isJsonNull() || prefix.getAsBoolean();
        strips[0] |= prepends;
        steps.add(new Step() {
          @Override public Object apply(String token) {
            return token.replace(replacement, " ");
          }

          @Override public String name() {
            return "Metaspace";
          }
        });
        return;
      }
      default:
        throw new IllegalArgumentException(
            where + ": decoder type " + type + " is not supported (supported: ByteLevel, "
                + "ByteFallback, Replace, Fuse, Strip, Metaspace, Sequence)");
    }
  }

  private static void requireUnfused(String type, String where, boolean[] fused) {
    if (fused[0]) {
      throw new IllegalArgumentException(
          where + ": a " + type + " decoder after Fuse is not supported");
    }
  }

  /** The byte of a {@code <0xNN>} token, or -1. */
  static int byteToken(String token) {
    if (token.length() != 6 || !token.startsWith("<0x") || token.charAt(5) != '>') {
      return -1;
    }
    int hi = hexDigit(token.charAt(3));
    int lo = hexDigit(token.charAt(4));
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }

  private static int hexDigit(char c) {
    return c >= '0' && c <= '9' ? c - '0'
        : c >= 'a' && c <= 'f' ? c - 'a' + 10
        : c >= 'A' && c <= 'F' ? c - 'A' + 10
        : -1;
  }

  private static String string(JsonObject o, String key, String where) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException(
          where + "." + key + ": expected a string, got " + shorten(e));
    }
    return e.getAsString();
  }

  private static int integer(JsonObject o, String key, String where) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new IllegalArgumentException(
          where + "." + key + ": expected an integer, got " + shorten(e));
    }
    return e.getAsInt();
  }

  static String shorten(JsonElement e) {
    String s = String.valueOf(e);
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (Step s : steps) {
      names.add(s.name());
    }
    return "TokenDecoder" + names.toString().toLowerCase(Locale.ROOT);
  }
}
