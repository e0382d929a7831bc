/**
 * Token vocabularies and text: the byte string of every token id, read from real tokenizers, for
 * constraints that must know which tokens can extend a text; {@link
 * dev.tokensampler.vocab.TextTokenizer}, text to ids and back, for parameters given as strings;
 * and generated text streamed as it comes ({@link dev.tokensampler.vocab.StreamingDecoder},
 * {@link dev.tokensampler.vocab.StopStrings}).
 */
package dev.tokensampler.vocab;
