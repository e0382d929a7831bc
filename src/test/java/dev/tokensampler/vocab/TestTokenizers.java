package dev.tokensampler.vocab;

import dev.tokensampler.djl.HuggingFaceTextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real tokenizers the text tests run on: {@code gpt2}, GPT-2's byte-level BPE shipped in
 * {@code samples/models/brown-bpe} (no fetch needed), and those of {@code .ci/fetch-tokenizers}
 * ({@code qwen3}, {@code llama3}, {@code llama2}, {@code gemma}; see {@link TokenizerFiles}).
 */
public final class TestTokenizers {
  /** The shipped GPT-2 tokenizer's folder, from the project directory. */
  public static final Path GPT2 = Path.of("samples", "models", "brown-bpe");

  private TestTokenizers() {}

  /**
   * @param name {@code gpt2} or a name of {@link TokenizerFiles}
   * @return the folder holding its {@code tokenizer.json}
   */
  public static Path folder(String name) {
    return name.equals("gpt2") ? GPT2 : TokenizerFiles.folder(name);
  }

  /**
   * @param name a tokenizer's name
   * @return whether its {@code tokenizer.json} is present
   */
  public static boolean present(String name) {
    return Files.isRegularFile(folder(name).resolve("tokenizer.json"));
  }

  /**
   * @param name a tokenizer's name
   * @return the message of a test skipped for want of its file
   */
  public static String missing(String name) {
    return name.equals("gpt2") ? "no " + GPT2.resolve("tokenizer.json") + " (run from the project"
        + " directory)" : TokenizerFiles.missing(name);
  }

  /**
   * @param name a tokenizer's name, present
   * @return the tokenizer; close it when done
   * @throws IOException if its files cannot be read
   */
  public static HuggingFaceTextTokenizer load(String name) throws IOException {
    return HuggingFaceTextTokenizer.load(folder(name));
  }
}
