/**
 * Multi-sequence search over a model's next-token distributions, independent of any model
 * library: {@link dev.tokensampler.search.BeamSearch} (beam search and diverse group beam search
 * with transformers' semantics) and its settings. The DJL generation loop in
 * {@code dev.tokensampler.djl} drives it with a model.
 */
package dev.tokensampler.search;
