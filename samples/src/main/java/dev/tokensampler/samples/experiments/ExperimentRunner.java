package dev.tokensampler.samples.experiments;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.tokensampler.djl.NDArrayLogits;
import dev.tokensampler.djl.NDArraySampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Generates continuations of fixed prompts with each strategy and measures them
 * ({@link StrategyMetrics}). Every step runs the model on the whole prefix (no cache: simple, and
 * the model's cost is not measured), reads the model's whole next-token distribution for the
 * measures, then samples with {@link NDArraySampler} from the output tensor; each step's arrays,
 * the model's included, are closed when it ends. Continuation {@code s} of prompt {@code i} draws
 * from stream {@code i * samplesPerPrompt + s} of the seed, so every strategy is reproducible from
 * one number.
 */
public final class ExperimentRunner {
  private final NextTokenModel model;
  private final NDManager manager;
  private final int maxNewTokens;
  private final int samplesPerPrompt;
  private final long seed;

  /**
   * A runner.
   *
   * @param model the model
   * @param manager the parent of each step's arrays
   * @param maxNewTokens the longest continuation, at least 2
   * @param samplesPerPrompt continuations per prompt and strategy, at least 1
   * @param seed the seed of every strategy's streams
   */
  public ExperimentRunner(
      NextTokenModel model, NDManager manager, int maxNewTokens, int samplesPerPrompt, long seed) {
    this.model = Objects.requireNonNull(model, "model");
    this.manager = Objects.requireNonNull(manager, "manager");
    if (maxNewTokens < 2) {
      throw new IllegalArgumentException("maxNewTokens must be >= 2, got " + maxNewTokens);
    }
    if (samplesPerPrompt < 1) {
      throw new IllegalArgumentException("samplesPerPrompt must be >= 1, got " + samplesPerPrompt);
    }
    this.maxNewTokens = maxNewTokens;
    this.samplesPerPrompt = samplesPerPrompt;
    this.seed = seed;
  }

  /**
   * The measures and continuations of one strategy.
   *
   * @param strategy the strategy
   * @param metrics its measures
   * @param continuations the generated tokens of each continuation, prompt by prompt
   */
  public record Result(Strategy strategy, StrategyMetrics metrics, List<int[]> continuations) {}

  /**
   * Runs one strategy on every prompt.
   *
   * @param strategy the strategy
   * @param prompts token ids, each at least one token
   * @return its measures and continuations
   */
  public Result run(Strategy strategy, List<int[]> prompts) {
    StrategyMetrics metrics = new StrategyMetrics();
    List<int[]> continuations = new ArrayList<>();
    float[] logProbabilities = new float[model.vocabularySize()];
    for (int p = 0; p < prompts.size(); p++) {
      int[] prompt = prompts.get(p);
      for (int s = 0; s < samplesPerPrompt; s++) {
        NDArraySampler sampler = NDArraySampler.of(
            strategy.config().newSampler(seed, (long) p * samplesPerPrompt + s));
        int[] tokens = Arrays.copyOf(prompt, prompt.length + maxNewTokens);
        int length = prompt.length;
        while (length < tokens.length) {
          int token;
          try (NDManager step = manager.newSubManager(); NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray logits = model.nextTokenLogits(step, tokens, length);
            NDArrayLogits.logProbabilities(logits, 0, logProbabilities);
            long start = System.nanoTime();
            token = sampler.sample(logits);
            long nanos = System.nanoTime() - start;
            metrics.addStep(entropy(logProbabilities), logProbabilities[token], nanos);
          }
          tokens[length++] = token;
          if (token == model.endOfSequence()) {
            break;
          }
        }
        int[] generated = Arrays.copyOfRange(tokens, prompt.length, length);
        metrics.addContinuation(generated, generated.length);
        continuations.add(generated);
      }
    }
    return new Result(strategy, metrics, continuations);
  }

  /**
   * The entropy {@code -sum p ln p} of a distribution given by its natural log-probabilities;
   * tokens of probability 0 add nothing.
   *
   * @param logProbabilities the log-probabilities
   * @return the entropy in nats
   */
  static double entropy(float[] logProbabilities) {
    double entropy = 0;
    for (float logProbability : logProbabilities) {
      if (logProbability != Float.NEGATIVE_INFINITY) {
        entropy -= Math.exp(logProbability) * logProbability;
      }
    }
    return entropy;
  }
}
