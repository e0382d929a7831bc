/**
 * Token vocabularies: the byte string of every token id, read from real tokenizers, for
 * constraints that must know which tokens can extend a text.
 */
package dev.tokensampler.vocab;
