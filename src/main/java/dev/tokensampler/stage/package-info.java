/**
 * The sampler chain's building blocks: the {@link dev.tokensampler.stage.Stage} interface that
 * users implement, the {@link dev.tokensampler.stage.Candidates} every stage reads and changes, and
 * the built-in stages ({@link dev.tokensampler.stage.Temperature},
 * {@link dev.tokensampler.stage.TopK}, {@link dev.tokensampler.stage.TopP},
 * {@link dev.tokensampler.stage.Greedy}).
 */
package dev.tokensampler.stage;
