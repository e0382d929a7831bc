package dev.tokensampler.vocab;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads a {@link TokenVocabulary} from a Hugging Face {@code tokenizer.json}. Needs Gson
 * ({@code com.google.code.gson:gson}, an optional dependency of this library) on the class path.
 *
 * <p><b>Token bytes.</b> The byte string of a model token is what the file's {@code decoder} makes
 * of it in the middle of a text, so that the byte strings of a sequence of ids, concatenated,
 * are the bytes of its decoded text. Supported decoders, alone or in a {@code Sequence}: {@code ByteLevel},
 * {@code Replace} (string pattern), {@code ByteFallback}, {@code Fuse}, {@code Strip},
 * {@code Metaspace}:
 * <ul>
 *   <li>byte-level BPE (GPT-2, Llama 3, Qwen): each character of a token stands for one byte
 *       through GPT-2's byte-to-unicode map ({@code Ġ} is the space, {@code Ċ} the newline), so a
 *       token may hold part of a UTF-8 character;
 *   <li>SentencePiece-style (Llama 2, Gemma, Mistral): {@code ▁} stands for a space and a
 *       {@code <0xNN>} token for the single byte {@code NN}. The space that such decoders remove
 *       at the very start of a text ({@code Strip} after {@code Fuse}, {@code Metaspace}'s
 *       prefix) is kept: a token's bytes do not depend on its position. Such a tokenizer
 *       usually also prepends {@code ▁} to the text it encodes (Llama 2 encodes
 *       <code>{</code> as <code>▁{</code>), so the bytes of an encoded text start with a space
 *       that its decoding drops.
 * </ul>
 * Added tokens ({@code added_tokens}) are flagged {@linkplain TokenVocabulary#isAdded added}; those
 * marked {@code "special": true} are also {@linkplain TokenVocabulary#isSpecial special}. Either
 * kind's byte string is its {@code content} in UTF-8 (a special token's only for display). Ids
 * below the vocabulary size that no token uses (holes, and the padding up to a model's logit
 * count) have empty byte strings and are special. Model types: {@code BPE}, {@code WordLevel},
 * {@code WordPiece} (with a supported decoder) and {@code Unigram}.
 *
 * <p><b>End-of-sequence ids</b>, when reading a file: the {@code eos_token_id} (a number or a
 * list) of a {@code generation_config.json} beside it, if there is one that sets it (what
 * transformers' {@code generate} stops on); else the {@code eos_token} of a
 * {@code tokenizer_config.json} beside it; else, as when parsing text, every special added token
 * whose content is one of the conventional end markers {@value #END_MARKERS_TEXT}. Use
 * {@link TokenVocabulary#withEosTokenIds(int...)} to set them explicitly.
 *
 * <p><b>Limits and errors.</b> Ids must be below {@value #MAX_VOCABULARY_SIZE}. A file that is not
 * JSON, lacks the model's vocabulary, uses an unsupported model type or decoder, gives one id to
 * two model tokens or a negative or too large id, and a vocabulary size below the tokenizer's
 * largest id + 1, are {@link IllegalArgumentException}s naming the key and value.
 */
public final class TokenizerJson {
  /** The largest vocabulary size (and largest id + 1) accepted. */
  public static final int MAX_VOCABULARY_SIZE = 1 << 24;

  static final String END_MARKERS_TEXT = "</s>, <|endoftext|>, <|end_of_text|>, <|eot_id|>, "
      + "<|eom_id|>, <|im_end|>, <|end|>, <eos>, <end_of_turn>";

  private static final List<String> END_MARKERS = List.of(END_MARKERS_TEXT.split(", "));

  private static final String PREFIX = "tokenizer.json: ";

  private TokenizerJson() {}

  /**
   * Reads a {@code tokenizer.json}, sized to the tokenizer (its largest id + 1).
   *
   * @param path the {@code tokenizer.json} file, or a directory holding one
   * @return the vocabulary, with end-of-sequence ids as the class comment says
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException as the class comment says
   */
  public static TokenVocabulary read(Path path) throws IOException {
    return readSized(path, -1);
  }

  /**
   * Reads a {@code tokenizer.json}, padded to the number of logits of a model.
   *
   * @param path the {@code tokenizer.json} file, or a directory holding one
   * @param vocabularySize the model's logit count, at least the tokenizer's largest id + 1 (the
   *     extra ids are special with empty byte strings), at most {@value #MAX_VOCABULARY_SIZE}
   * @return the vocabulary, with end-of-sequence ids as the class comment says
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException as the class comment says, or for a vocabulary size out of
   *     range
   */
  public static TokenVocabulary read(Path path, int vocabularySize) throws IOException {
    checkSize(vocabularySize);
    return readSized(path, vocabularySize);
  }

  /** Reads a file; a vocabulary size of -1 stands for the tokenizer's own. */
  private static TokenVocabulary readSized(Path path, int vocabularySize) throws IOException {
    Objects.requireNonNull(path, "path");
    Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
    JsonObject root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = object(in, PREFIX);
    }
    Parsed parsed = parse(root, vocabularySize);
    Path dir = file.toAbsolutePath().getParent();
    int[] eos = dir == null ? null : eosFromGenerationConfig(dir.resolve("generation_config.json"),
        parsed.size());
    if (eos == null && dir != null) {
      eos = eosFromTokenizerConfig(dir.resolve("tokenizer_config.json"), parsed);
    }
    return parsed.vocabulary(eos == null ? parsed.endMarkers() : eos);
  }

  /**
   * Parses the text of a {@code tokenizer.json}, sized to the tokenizer.
   *
   * @param json the text
   * @return the vocabulary; its end-of-sequence ids are the special added tokens whose content is
   *     a conventional end marker
   * @throws IllegalArgumentException as the class comment says
   */
  public static TokenVocabulary parse(String json) {
    return parseSized(json, -1);
  }

  /**
   * Parses the text of a {@code tokenizer.json}, padded to the number of logits of a model.
   *
   * @param json the text
   * @param vocabularySize as for {@link #read(Path, int)}
   * @return the vocabulary; its end-of-sequence ids are the special added tokens whose content is
   *     a conventional end marker
   * @throws IllegalArgumentException as the class comment says
   */
  public static TokenVocabulary parse(String json, int vocabularySize) {
    checkSize(vocabularySize);
    return parseSized(json, vocabularySize);
  }

  private static TokenVocabulary parseSized(String json, int vocabularySize) {
    Objects.requireNonNull(json, "json");
    JsonObject root;
    try (Reader in = new java.io.StringReader(json)) {
      root = object(in, PREFIX);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Parsed parsed = parse(root, vocabularySize);
    return parsed.vocabulary(parsed.endMarkers());
  }

  private static void checkSize(int vocabularySize) {
    if (vocabularySize < 1 || vocabularySize > MAX_VOCABULARY_SIZE) {
      throw new IllegalArgumentException("vocabularySize is " + vocabularySize
          + ", expected 1 to " + MAX_VOCABULARY_SIZE);
    }
  }

  private static JsonObject object(Reader in, String prefix) {
    try {
      JsonElement root = JsonParser.parseReader(in);
      if (!root.isJsonObject()) {
        throw new IllegalArgumentException(
            prefix + "expected a JSON object, got " + TokenDecoder.shorten(root));
      }
      return root.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(prefix + "not valid JSON: " + e.getMessage(), e);
    }
  }

  /** The model's tokens, the added tokens over them, and the decoder. */
  private static final class Parsed {
    final String[] pieces;
    final BitSet special = new BitSet();
    final BitSet added = new BitSet();
    final TokenDecoder decoder;

    Parsed(String[] pieces, TokenDecoder decoder) {
      this.pieces = pieces;
      this.decoder = decoder;
    }

    int size() {
      return pieces.length;
    }

    int idOf(String content) {
      for (int id = added.nextSetBit(0); id >= 0; id = added.nextSetBit(id + 1)) {
        if (content.equals(pieces[id])) {
          return id;
        }
      }
      for (int id = 0; id < pieces.length; id++) {
        if (content.equals(pieces[id])) {
          return id;
        }
      }
      return -1;
    }

    int[] endMarkers() {
      List<Integer> ids = new ArrayList<>();
      for (int id = special.nextSetBit(0); id >= 0; id = special.nextSetBit(id + 1)) {
        if (added.get(id) && END_MARKERS.contains(pieces[id])) {
          ids.add(id);
        }
      }
      return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    TokenVocabulary vocabulary(int[] eos) {
      List<byte[]> bytes = new ArrayList<>(pieces.length);
      for (int id = 0; id < pieces.length; id++) {
        String piece = pieces[id];
        if (piece == null) {
          special.set(id);
          bytes.add(new byte[0]);
        } else if (added.get(id)) {
          bytes.add(piece.getBytes(StandardCharsets.UTF_8));
        } else {
          bytes.add(decoder.bytes(piece));
        }
      }
      return TokenVocabulary.of(bytes, special, added, eos);
    }
  }

  private static Parsed parse(JsonObject root, int vocabularySize) {
    try {
      return parseOrThrow(root, vocabularySize);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PREFIX + e.getMessage(), e);
    } catch (IllegalStateException | UnsupportedOperationException | ClassCastException e) {
      throw new IllegalArgumentException(PREFIX + "unexpected structure: " + e.getMessage(), e);
    }
  }

  private static Parsed parseOrThrow(JsonObject root, int vocabularySize) {
    JsonElement modelElement = root.get("model");
    if (modelElement == null || !modelElement.isJsonObject()) {
      throw new IllegalArgumentException(
          "model: expected an object, got " + TokenDecoder.shorten(modelElement));
    }
    JsonObject model = modelElement.getAsJsonObject();
    JsonElement vocab = model.get("vocab");
    JsonElement typeElement = model.get("type");
    String type = typeElement == null || typeElement.isJsonNull() ? null
        : typeElement.getAsString();
    if (vocab == null || vocab.isJsonNull()) {
      throw new IllegalArgumentException("model.vocab is missing");
    }
    List<String> byId = new ArrayList<>();
    if ("Unigram".equals(type) || (type == null && vocab.isJsonArray())) {
      if (!vocab.isJsonArray()) {
        throw new IllegalArgumentException("model.vocab: a Unigram vocabulary must be an array");
      }
      JsonArray array = vocab.getAsJsonArray();
      checkId(array.size() - 1, "model.vocab size");
      for (int id = 0; id < array.size(); id++) {
        JsonElement entry = array.get(id);
        if (!entry.isJsonArray() || entry.getAsJsonArray().isEmpty()) {
          throw new IllegalArgumentException("model.vocab[" + id
              + "]: expected [piece, score], got " + TokenDecoder.shorten(entry));
        }
        byId.add(entry.getAsJsonArray().get(0).getAsString());
      }
    } else if (type == null || Set.of("BPE", "WordLevel", "WordPiece").contains(type)) {
      if (!vocab.isJsonObject()) {
        throw new IllegalArgumentException("model.vocab: expected an object of token to id");
      }
      for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
        int id = id(e.getValue(), "model.vocab[\"" + e.getKey() + "\"]");
        while (byId.size() <= id) {
          byId.add(null);
        }
        if (byId.get(id) != null) {
          throw new IllegalArgumentException("model.vocab: id " + id + " is given to both \""
              + byId.get(id) + "\" and \"" + e.getKey() + "\"");
        }
        byId.set(id, e.getKey());
      }
    } else {
      throw new IllegalArgumentException("model.type " + type
          + " is not supported (supported: BPE, WordLevel, WordPiece, Unigram)");
    }

    // Added tokens override the model's token of the same id, as in the tokenizer's decode.
    List<int[]> addedIds = new ArrayList<>();
    List<String> addedContent = new ArrayList<>();
    JsonElement addedTokens = root.get("added_tokens");
    if (addedTokens != null && !addedTokens.isJsonNull()) {
      if (!addedTokens.isJsonArray()) {
        throw new IllegalArgumentException("added_tokens: expected an array");
      }
      JsonArray array = addedTokens.getAsJsonArray();
      for (int i = 0; i < array.size(); i++) {
        String where = "added_tokens[" + i + "]";
        if (!array.get(i).isJsonObject()) {
          throw new IllegalArgumentException(where + ": expected an object");
        }
        JsonObject token = array.get(i).getAsJsonObject();
        int id = id(token.get("id"), where + ".id");
        JsonElement content = token.get("content");
        if (content == null || !content.isJsonPrimitive()) {
          throw new IllegalArgumentException(where + ".content: expected a string");
        }
        JsonElement special = token.get("special");
        addedIds.add(new int[] {id, special != null && special.getAsBoolean() ? 1 : 0});
        addedContent.add(content.getAsString());
        while (byId.size() <= id) {
          byId.add(null);
        }
      }
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException("the tokenizer has no tokens");
    }
    int size = byId.size();
    if (vocabularySize != -1 && vocabularySize < size) {
      throw new IllegalArgumentException("vocabularySize is " + vocabularySize
          + ", below the tokenizer's " + size + " ids (largest id + 1)");
    }
    String[] pieces = byId.toArray(new String[Math.max(size, vocabularySize)]);
    Parsed parsed = new Parsed(pieces, TokenDecoder.of(root.get("decoder")));
    for (int i = 0; i < addedIds.size(); i++) {
      int id = addedIds.get(i)[0];
      pieces[id] = addedContent.get(i);
      parsed.added.set(id);
      parsed.special.set(id, addedIds.get(i)[1] == 1);
    }
    return parsed;
  }

  private static int id(JsonElement e, String where) {
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new IllegalArgumentException(
          where + ": expected an id, got " + TokenDecoder.shorten(e));
    }
    double d = e.getAsDouble();
    if (d != Math.rint(d)) {
      throw new IllegalArgumentException(where + ": id " + e + " is not an integer");
    }
    return checkId(d, where);
  }

  private static int checkId(double id, String where) {
    if (id < 0 || id >= MAX_VOCABULARY_SIZE) {
      throw new IllegalArgumentException(
          where + ": id " + (long) id + " is outside [0, " + MAX_VOCABULARY_SIZE + ")");
    }
    return (int) id;
  }

  /** The {@code eos_token_id} of a generation config, or null if there is none. */
  private static int[] eosFromGenerationConfig(Path file, int size) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    String prefix = file.getFileName() + ": ";
    JsonObject config;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      config = object(in, prefix);
    }
    JsonElement eos = config.get("eos_token_id");
    if (eos == null || eos.isJsonNull()) {
      return null;
    }
    Set<Integer> ids = new LinkedHashSet<>();
    for (JsonElement e : eos.isJsonArray() ? eos.getAsJsonArray() : List.of(eos)) {
      int id = id(e, prefix + "eos_token_id");
      if (id >= size) {
        throw new IllegalArgumentException(
            prefix + "eos_token_id " + id + " is outside the vocabulary [0, " + size + ")");
      }
      ids.add(id);
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The id of a tokenizer config's {@code eos_token}, or null if there is none. */
  private static int[] eosFromTokenizerConfig(Path file, Parsed parsed) throws IOException {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    String prefix = file.getFileName() + ": ";
    JsonObject config;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      config = object(in, prefix);
    }
    JsonElement eos = config.get("eos_token");
    if (eos != null && eos.isJsonObject()) {
      eos = eos.getAsJsonObject().get("content");
    }
    if (eos == null || eos.isJsonNull()) {
      return null;
    }
    if (!eos.isJsonPrimitive() || !eos.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException(
          prefix + "eos_token: expected a string, got " + TokenDecoder.shorten(eos));
    }
    int id = parsed.idOf(eos.getAsString());
    if (id < 0) {
      throw new IllegalArgumentException(
          prefix + "eos_token \"" + eos.getAsString() + "\" is not a token of the tokenizer");
    }
    return new int[] {id};
  }
}
