/**
 * Sampling from Deep Java Library (DJL) tensors: {@link dev.tokensampler.djl.NDArraySampler} turns
 * the logits {@code NDArray} of a language model (float32, float16 or bfloat16; shape {@code [V]},
 * {@code [B, V]} or {@code [B, T, V]}) into one token per batch row, with one
 * {@link dev.tokensampler.Sampler} per row. {@link dev.tokensampler.djl.CausalLMGenerator} drives a
 * DJL causal language model ({@code Predictor<NDList, CausalLMOutput>}, see
 * {@link dev.tokensampler.djl.CausalLMTranslator}) token by token with a key/value cache, as a
 * callback or a {@link dev.tokensampler.djl.TokenStream}, until an end-of-sequence token,
 * {@code max_new_tokens}, {@code max_length} or a stop string.
 *
 * <p>DJL is an optional dependency of the library: only this package imports {@code ai.djl}, and
 * a program that uses it brings its own {@code ai.djl:api} and engine. Tensors are read through
 * {@code NDArray.toByteBuffer(true)}, which on the PyTorch engine maps a contiguous CPU tensor's
 * memory without copying; each row is then copied (and widened from 16 bits) once into a buffer
 * that is reused for every token.
 */
package dev.tokensampler.djl;
