package dev.tokensampler.vocab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where {@code .ci/fetch-tokenizers} puts the real tokenizer files: the system property
 * {@code tokensampler.tokenizers}, else the environment variable {@code TOKENSAMPLER_TOKENIZERS},
 * else {@code ~/.cache/tokensampler/tokenizers}; one folder per name ({@code qwen3},
 * {@code llama3}, {@code llama2}, {@code gemma}) holding {@code tokenizer.json} and
 * {@code tokenizer_config.json}.
 */
public final class TokenizerFiles {
  private TokenizerFiles() {}

  /** @return the folder that holds one folder per tokenizer */
  public static Path root() {
    String dir = System.getProperty("tokensampler.tokenizers");
    if (dir == null || dir.isEmpty()) {
      dir = System.getenv("TOKENSAMPLER_TOKENIZERS");
    }
    return dir == null || dir.isEmpty()
        ? Paths.get(System.getProperty("user.home"), ".cache", "tokensampler", "tokenizers")
        : Paths.get(dir);
  }

  /**
   * @param name a tokenizer's name, such as {@code llama3}
   * @return its folder
   */
  public static Path folder(String name) {
    return root().resolve(name);
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
   * @return the message of a test skipped for want of its files
   */
  public static String missing(String name) {
    return "no " + folder(name).resolve("tokenizer.json") + ": run .ci/fetch-tokenizers " + name
        + " (or set -Dtokensampler.tokenizers / TOKENSAMPLER_TOKENIZERS) to run this test";
  }
}
