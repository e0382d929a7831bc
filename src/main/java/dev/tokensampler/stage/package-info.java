/**
 * The sampler chain's building blocks: the {@link dev.tokensampler.stage.Stage} interface that
 * users implement, the {@link dev.tokensampler.stage.Candidates} every stage reads and changes (with
 * the validating masks and truncation primitives that built-in and custom stages share), the
 * {@link dev.tokensampler.stage.Chain} that applies stages step by step, and the built-in stages: sampling ({@link dev.tokensampler.stage.Temperature},
 * {@link dev.tokensampler.stage.TopK}, {@link dev.tokensampler.stage.TopP},
 * {@link dev.tokensampler.stage.Greedy}); biases and masks ({@link dev.tokensampler.stage.LogitBias},
 * {@link dev.tokensampler.stage.TokenMask}); and stages that read the token history
 * ({@link dev.tokensampler.stage.RepetitionPenalty},
 * {@link dev.tokensampler.stage.FrequencyPresencePenalty}, {@link dev.tokensampler.stage.Dry},
 * {@link dev.tokensampler.stage.NoRepeatNGram}, {@link dev.tokensampler.stage.BannedSequences},
 * {@link dev.tokensampler.stage.MinNewTokens}).
 */
package dev.tokensampler.stage;
