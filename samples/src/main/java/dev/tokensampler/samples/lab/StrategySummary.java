package dev.tokensampler.samples.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * The measures of one strategy over all its cells. Computed from the cells in grid order, so the
 * same cells give the same bits whichever process or shard produced them.
 *
 * @param strategy the strategy's index
 * @param label the strategy as expanded from the grid line
 * @param spec its canonical spec
 * @param continuations the number of cells
 * @param tokens generated tokens (end-of-sequence excluded)
 * @param meanLength tokens per continuation
 * @param eosRate the share of continuations that ended with the end-of-sequence token
 * @param meanEntropy mean over sampling steps of the entropy (nats) of the model's whole
 *     next-token distribution (raw logits, temperature 1) along the strategy's paths
 * @param meanChainEntropy mean over steps of the entropy of the distribution the chain drew from
 * @param distinct1 distinct-1 ({@link TextMetrics}), pooled over the strategy's continuations
 * @param distinct2 distinct-2
 * @param distinct3 distinct-3
 * @param repetitionRate repeated tokens within a continuation over tokens
 * @param selfBleu mean over prompts of the self-BLEU-4 ({@link SelfBleu}) of that prompt's
 *     continuations; NaN with one continuation per prompt
 * @param meanLogProbability mean over steps of the model's raw log-probability of the drawn token
 * @param validity the share of valid continuations; NaN without a constraint
 */
public record StrategySummary(int strategy, String label, String spec, int continuations,
    long tokens, double meanLength, double eosRate, double meanEntropy, double meanChainEntropy,
    double distinct1, double distinct2, double distinct3, double repetitionRate, double selfBleu,
    double meanLogProbability, double validity) {

  /**
   * Summarises one strategy.
   *
   * @param index the strategy's index
   * @param strategy the strategy
   * @param cells its cells, in grid order (prompt-major, then continuation)
   * @param results the result of each cell, in the same order
   * @param promptCount the number of prompts
   * @return the summary
   */
  public static StrategySummary of(int index, StrategyGrid.Strategy strategy, List<Cell> cells,
      List<CellResult> results, int promptCount) {
    List<int[]> continuations = new ArrayList<>();
    List<List<int[]>> byPrompt = new ArrayList<>();
    for (int p = 0; p < promptCount; p++) {
      byPrompt.add(new ArrayList<>());
    }
    long tokens = 0;
    long steps = 0;
    long eos = 0;
    long valid = 0;
    boolean constrained = false;
    double entropy = 0;
    double chainEntropy = 0;
    double logProbability = 0;
    for (int i = 0; i < results.size(); i++) {
      CellResult r = results.get(i);
      continuations.add(r.tokens());
      byPrompt.get(cells.get(i).prompt()).add(r.tokens());
      tokens += r.tokens().length;
      steps += r.steps();
      eos += r.stop().equals("eos") ? 1 : 0;
      entropy += r.entropySum();
      chainEntropy += r.chainEntropySum();
      logProbability += r.logProbabilitySum();
      if (r.valid() != null) {
        constrained = true;
        valid += r.valid() ? 1 : 0;
      }
    }
    double selfBleu = 0;
    int prompts = 0;
    for (List<int[]> set : byPrompt) {
      if (set.size() >= 2) {
        selfBleu += SelfBleu.of(set, SelfBleu.DEFAULT_MAX_ORDER);
        prompts++;
      }
    }
    int n = results.size();
    return new StrategySummary(index, strategy.label(), strategy.spec().toString(), n, tokens,
        (double) tokens / n, (double) eos / n, entropy / steps, chainEntropy / steps,
        TextMetrics.distinct(continuations, 1), TextMetrics.distinct(continuations, 2),
        TextMetrics.distinct(continuations, 3), TextMetrics.repetitionRate(continuations),
        prompts == 0 ? Double.NaN : selfBleu / prompts, logProbability / steps,
        constrained ? (double) valid / n : Double.NaN);
  }
}
