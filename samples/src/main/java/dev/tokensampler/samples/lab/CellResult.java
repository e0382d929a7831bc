package dev.tokensampler.samples.lab;

/**
 * What one cell produced. Sums are over the cell's sampling steps (a step that drew the
 * end-of-sequence token included), in step order; {@code tokens} holds the continuation without
 * that token. Everything but {@code samplingNanos} is a function of the plan alone.
 *
 * @param cell the cell's index in the grid
 * @param tokens the generated token ids (end-of-sequence excluded)
 * @param text the decoded continuation
 * @param steps the sampling steps
 * @param stop why it ended: {@code eos}, {@code max_tokens} or {@code constraint} (finished)
 * @param entropySum sum of the entropy (nats) of the model's whole next-token distribution
 *     (raw logits, temperature 1)
 * @param chainEntropySum sum of the entropy of the distribution the chain drew from (after every
 *     stage, renormalised over the remaining candidates; 0 where a stage selected the token)
 * @param logProbabilitySum sum of the model's raw log-probability of each drawn token
 * @param valid whether the continuation is in the constraint's language; null without a
 *     constraint
 * @param samplingNanos time of the sampling calls alone (see {@link CellGenerator}); outside the
 *     reproducible results
 */
public record CellResult(int cell, int[] tokens, String text, int steps, String stop,
    double entropySum, double chainEntropySum, double logProbabilitySum, Boolean valid,
    long samplingNanos) {}
