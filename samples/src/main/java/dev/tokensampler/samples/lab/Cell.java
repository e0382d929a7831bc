package dev.tokensampler.samples.lab;

import dev.tokensampler.config.SamplerSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One independent unit of a grid: a strategy, a prompt and a continuation number. Its random
 * stream is {@code Seeds.generator(seed, stream)} with {@code stream} the first 64 bits of
 * SHA-256 over the strategy's canonical spec, the prompt's text and the continuation number: a
 * cell draws the same tokens whatever else the grid holds, and whichever process runs it.
 *
 * @param index the cell's position in the grid (strategy-major, then prompt, then continuation)
 * @param strategy the strategy's index
 * @param prompt the prompt's index
 * @param continuation the continuation's number, from 0
 * @param stream the random stream of the plan's seed
 */
public record Cell(int index, int strategy, int prompt, int continuation, long stream) {
  /**
   * A cell with its stream.
   *
   * @param index the cell's position in the grid
   * @param strategy the strategy's index
   * @param prompt the prompt's index
   * @param continuation the continuation's number
   * @param spec the strategy
   * @param promptText the prompt
   * @return the cell
   */
  static Cell of(int index, int strategy, int prompt, int continuation, SamplerSpec spec,
      String promptText) {
    return new Cell(index, strategy, prompt, continuation,
        stream(spec.toString(), promptText, continuation));
  }

  /**
   * The stream of a cell: the first 8 bytes (big-endian) of SHA-256 over the UTF-8 of
   * {@code spec + "\u0000" + prompt + "\u0000" + continuation}.
   *
   * @param canonicalSpec the strategy's canonical spec
   * @param prompt the prompt's text
   * @param continuation the continuation's number
   * @return the stream number
   */
  static long stream(String canonicalSpec, String prompt, int continuation) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest((canonicalSpec + "\u0000" + prompt + "\u0000" + continuation)
          .getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.wrap(digest).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
