/**
 * Token sampling for language-model inference loops: turn one vector of logits into the next
 * token id.
 *
 * <p>Build an immutable {@link dev.tokensampler.SamplerConfig} (a chain of stages), make one
 * {@link dev.tokensampler.Sampler} per sequence with an explicit seed, and call
 * {@code sample(logits)} once per token. {@link dev.tokensampler.Softmax} computes probabilities
 * and log-probabilities with the same kernels.
 */
package dev.tokensampler;
