package dev.tokensampler.djl;

/**
 * Turns token ids into text, so that generation can stop on a string ({@code stop_strings} in
 * Hugging Face transformers). A method reference to a tokenizer's decode method usually fits.
 */
@FunctionalInterface
public interface Detokenizer {
  /**
   * Decodes a run of token ids.
   *
   * @param tokens token ids
   * @param offset index of the first id to decode
   * @param length number of ids to decode
   * @return their text
   */
  String decode(int[] tokens, int offset, int length);
}
