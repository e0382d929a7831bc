/**
 * The library's rule for input logits and the words of its errors. Internal: not exported, not
 * part of the API.
 */
package dev.tokensampler.internal.logits;
