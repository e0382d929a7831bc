package dev.tokensampler.samples.lab;

import dev.tokensampler.config.SamplerSpec;
import dev.tokensampler.random.Seeds;
import dev.tokensampler.score.LogitScorer;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.structured.ConstraintStage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Generates the continuation of one cell and measures each step.
 *
 * <p>A step: the model's logits for the prefix (the whole prefix each time, no cache); the raw
 * log-softmax and its entropy ({@link LogitScorer}); the strategy's chain
 * ({@link Chain#apply(float[], int, int, UniformRandomProvider)} on the cell's stream
 * {@code Seeds.generator(seed, cell.stream())}, one {@code nextLong()} per step, as a
 * {@link dev.tokensampler.Sampler} of the same chain and stream takes it), {@link Chain#draw()}
 * and {@link Chain#accept(int)}; then the entropy of the candidates the chain drew from. The prompt's
 * tokens are accepted first by every stage but the constraint's (which reads only the
 * continuation). A continuation ends at the end-of-sequence token, at the token limit, or when
 * an enforced constraint is finished.
 *
 * <p>Sampling time is {@link System#nanoTime()} around {@code apply}, {@code draw} and
 * {@code accept}: what {@code Sampler.sample} does, without the model and without the lab's own
 * measures (read after it). Not thread-safe: one generator per thread.
 */
public final class CellGenerator {
  private final LabModel model;
  private final long seed;
  private final int maxTokens;
  private final LabConstraint constraint;
  private final int vocabularySize;
  private final float[] logits;
  private final float[] logProbabilities;
  private final float[] candidateLogProbabilities;
  private final LogitScorer scorer;

  /**
   * A generator.
   *
   * @param model the model
   * @param seed the plan's seed
   * @param maxTokens the most tokens per continuation, at least 1
   * @param constraint the constraint, or null
   */
  public CellGenerator(LabModel model, long seed, int maxTokens, LabConstraint constraint) {
    this.model = model;
    this.seed = seed;
    this.maxTokens = maxTokens;
    this.constraint = constraint;
    this.vocabularySize = model.vocabularySize();
    this.logits = new float[vocabularySize];
    this.logProbabilities = new float[vocabularySize];
    this.candidateLogProbabilities = new float[vocabularySize];
    this.scorer = new LogitScorer(vocabularySize);
  }

  /**
   * Runs one cell.
   *
   * @param cell the cell
   * @param spec its strategy
   * @param prompt the prompt's token ids, at least one
   * @return the result
   */
  public CellResult generate(Cell cell, SamplerSpec spec, int[] prompt) {
    Chain chain = chain(spec);
    ConstraintStage constraintStage = constraintStage(chain);
    for (Stage stage : chain.stages()) {
      if (stage != constraintStage) {
        for (int token : prompt) {
          stage.accept(token);
        }
      }
    }
    UniformRandomProvider random = Seeds.generator(seed, cell.stream());
    int[] tokens = Arrays.copyOf(prompt, prompt.length + maxTokens);
    int length = prompt.length;
    int steps = 0;
    String stop = "max_tokens";
    double entropySum = 0;
    double chainEntropySum = 0;
    double logProbabilitySum = 0;
    long nanos = 0;
    while (length < tokens.length) {
      model.nextTokenLogits(tokens, length, logits);
      entropySum += scorer.logDistribution(logits, 0, logProbabilities);
      long start = System.nanoTime();
      Candidates candidates = chain.apply(logits, 0, vocabularySize, random);
      int token = chain.draw();
      chain.accept(token);
      nanos += System.nanoTime() - start;
      // Read after the timed step, so that nothing the draw needs is computed outside it; the
      // candidates stay as the step left them until the next apply.
      chainEntropySum += entropy(candidates);
      steps++;
      logProbabilitySum += logProbabilities[token];
      if (token == model.endOfSequence()) {
        stop = "eos";
        break;
      }
      tokens[length++] = token;
      if (constraintStage != null && constraintStage.isFinished()) {
        stop = "constraint";
        break;
      }
    }
    int[] generated = Arrays.copyOfRange(tokens, prompt.length, length);
    Boolean valid = constraint == null ? null : constraint.isValid(generated);
    return new CellResult(cell.index(), generated,
        model.decode(generated, 0, generated.length), steps, stop, entropySum, chainEntropySum,
        logProbabilitySum, valid, nanos);
  }

  /**
   * The chain of a strategy: an enforced constraint's stage first, then the spec's stages.
   *
   * @param spec the strategy
   * @return a new chain
   */
  Chain chain(SamplerSpec spec) {
    List<Stage> stages = new ArrayList<>();
    if (constraint != null && constraint.enforced()) {
      stages.add(constraint.newStage());
    }
    stages.addAll(spec.config().stages());
    return new Chain(stages);
  }

  private static ConstraintStage constraintStage(Chain chain) {
    List<Stage> stages = chain.stages();
    return !stages.isEmpty() && stages.get(0) instanceof ConstraintStage
        ? (ConstraintStage) stages.get(0) : null;
  }

  /** Entropy (nats) of the candidates' distribution; 0 when a stage selected the token. */
  private double entropy(Candidates candidates) {
    int n = candidates.size();
    candidates.writeLogProbabilities(candidateLogProbabilities);
    double entropy = 0;
    for (int i = 0; i < n; i++) {
      float lp = candidateLogProbabilities[i];
      if (lp != Float.NEGATIVE_INFINITY) {
        entropy -= Math.exp(lp) * lp;
      }
    }
    return entropy;
  }
}
