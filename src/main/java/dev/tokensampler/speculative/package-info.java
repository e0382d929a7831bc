/**
 * Speculative decoding: verifying a draft model's tokens against a target model so that the
 * output follows the target's sampling distribution exactly (Leviathan et al., 2023; Chen et al.,
 * 2023). See {@link dev.tokensampler.speculative.SpeculativeSampler}.
 */
package dev.tokensampler.speculative;
