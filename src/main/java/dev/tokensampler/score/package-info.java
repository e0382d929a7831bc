/**
 * Scoring text a model has already seen: for a matrix of logits {@code [T, V]} and the token at
 * each position, the tokens' raw log-probabilities and ranks, the most likely alternatives, the
 * log-probabilities of chosen token ids, the whole log-distribution of a position and its entropy.
 * The values are those of {@link dev.tokensampler.Softmax} and of the raw values in
 * {@link dev.tokensampler.TokenLogprobs}, bit for bit, computed by the same kernels.
 */
package dev.tokensampler.score;
