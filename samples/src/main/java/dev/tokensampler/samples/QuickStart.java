package dev.tokensampler.samples;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.Softmax;
import dev.tokensampler.kernel.KernelProvider;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * A first tour of tokensampler, in four parts: which kernels run, softmax with temperature,
 * sampling from a small vocabulary under the usual configurations, and sampling at real
 * vocabulary size.
 *
 * <p>Run it with {@code mvn -q -B test-compile exec:exec@sample}; pass
 * {@code -Dsample.args="--seed 7"} to change the first seed of part 3 (default 42).
 *
 * <p>The whole API used in an inference loop is three lines:
 *
 * <pre>{@code
 * SamplerConfig config = SamplerConfig.builder().temperature(0.8f).topK(40).topP(0.95f).build();
 * Sampler sampler = config.newSampler(seed);   // one per sequence
 * int token = sampler.sample(logits);          // once per generated token
 * }</pre>
 */
public final class QuickStart {
  /** Candidates for the next word of "The cat sat on the ...", in token-id order. */
  static final String[] WORDS = {
    "mat", "sofa", "floor", "chair", "rug", "bed", "roof", "table", "desk", "moon", "piano", "idea"
  };

  /** Hand-picked logits of {@link #WORDS}, as a language model might score them. */
  static final float[] LOGITS = {
    3.2f, 2.6f, 2.4f, 1.9f, 1.7f, 1.5f, 0.9f, 0.8f, 0.4f, -0.5f, -1.0f, -2.5f
  };

  /** The first seed of part 3 when none is given. */
  static final long DEFAULT_SEED = 42L;

  /** Tokens drawn per seed in part 3. */
  static final int STREAM_LENGTH = 20;

  /** The vocabulary size of part 4 (Llama 3's). */
  static final int LARGE_VOCABULARY = 128_256;

  private QuickStart() {}

  /**
   * Prints the tour to standard output.
   *
   * @param args nothing, or {@code --seed N}
   * @throws IllegalArgumentException for any other arguments
   */
  public static void main(String[] args) {
    long seed = parseSeed(args);
    printKernels();
    printSoftmax();
    printSmallVocabulary(seed);
    printLargeVocabulary(seed);
  }

  private static long parseSeed(String[] args) {
    if (args.length == 0) {
      return DEFAULT_SEED;
    }
    if (args.length == 2 && args[0].equals("--seed")) {
      try {
        return Long.parseLong(args[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--seed needs a whole number, got " + args[1], e);
      }
    }
    throw new IllegalArgumentException(
        "usage: QuickStart [--seed N], got " + String.join(" ", args));
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Kernels
  // ---------------------------------------------------------------------------------------------

  private static void printKernels() {
    // The implementation is picked once per JVM, on first use (logged at DEBUG, or as one INFO
    // line saying how to enable SIMD when the scalar kernels are a fallback).
    String inUse = KernelProvider.description();
    heading("1. Kernels");
    row("in use", inUse);
    row("java",
        System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
    System.out.println();
    System.out.println("  Both give bit-identical probabilities and the same tokens; only the speed"
        + " differs. To choose:");
    String kernels = "-D" + KernelProvider.KERNELS_PROPERTY + "=scalar";
    String bits = "-D" + KernelProvider.VECTOR_BITS_PROPERTY + "=128|256|512";
    System.out.printf(Locale.ROOT, "    %-15s java --add-modules jdk.incubator.vector ...%n",
        "SIMD");
    System.out.printf(Locale.ROOT, "    %-15s java %s ...   (or leave out --add-modules)%n",
        "scalar", kernels);
    System.out.printf(Locale.ROOT,
        "    %-15s java --add-modules jdk.incubator.vector %s ...%n",
        "vector width", bits);
    System.out.println("  This sample gets its JVM flags from the pom property vector.flags:");
    System.out.println("    mvn -q -B test-compile exec:exec@sample -Dvector.flags=" + kernels);
    if (KernelProvider.isVectorized()) {
      System.out.println("  The JVM's \"WARNING: Using incubator modules\" on stderr is expected.");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Softmax
  // ---------------------------------------------------------------------------------------------

  private static void printSoftmax() {
    heading("2. Softmax with temperature");
    System.out.println("  Softmax.probabilities(logits, T):"
        + "  p_i = exp(x_i / T) / sum_j exp(x_j / T)");
    System.out.println("  T > 1 flattens the distribution, T < 1 sharpens it, T = 0 is greedy.");
    System.out.println();
    float[] three = {2.0f, 1.0f, 0.1f};
    float[] four = {3.0f, 2.0f, 1.0f, 4.0f};
    System.out.printf(Locale.ROOT, "  %-22s %5s     %s%n", "logits", "T", "probabilities");
    printSoftmaxRow(three, 1.0f);
    printSoftmaxRow(three, 2.0f);
    printSoftmaxRow(three, 0.5f);
    printSoftmaxRow(three, 0f);
    printSoftmaxRow(four, 1.0f);
    printSoftmaxRow(four, 5.0f);
    System.out.println();
    // Log-probabilities are computed as (x_i - max) / T - ln(sum), so tiny probabilities keep
    // their exact logarithm instead of underflowing to log(0).
    System.out.println("  Softmax.logProbabilities(logits, T):  ln p_i");
    System.out.printf(Locale.ROOT, "  %-22s %5s     %s%n", "logits", "T", "log-probabilities");
    System.out.printf(Locale.ROOT, "  %-22s %5.1f   %s%n",
        list(three), 1.0f, columns(Softmax.logProbabilities(three, 1.0f)));
  }

  private static void printSoftmaxRow(float[] logits, float temperature) {
    float[] p = Softmax.probabilities(logits, temperature);
    System.out.printf(Locale.ROOT, "  %-22s %5.1f   %s%n",
        list(logits), temperature, columns(p));
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Sampling from a small vocabulary
  // ---------------------------------------------------------------------------------------------

  private static void printSmallVocabulary(long seed) {
    heading("3. Sampling the next word of \"The cat sat on the ...\"");
    float[] cool = Softmax.probabilities(LOGITS, 0.7f);
    float[] plain = Softmax.probabilities(LOGITS, 1.0f);
    float[] hot = Softmax.probabilities(LOGITS, 1.5f);
    System.out.printf(Locale.ROOT, "  %3s  %-6s %6s  %9s %9s %9s%n",
        "id", "word", "logit", "p(T=0.7)", "p(T=1)", "p(T=1.5)");
    for (int id = 0; id < WORDS.length; id++) {
      System.out.printf(Locale.ROOT, "  %3d  %-6s %6.1f  %9.3f %9.3f %9.3f%n",
          id, WORDS[id], LOGITS[id], cool[id], plain[id], hot[id]);
    }
    System.out.println();
    System.out.println("  " + STREAM_LENGTH + " draws per seed. The logits stay fixed here, so"
        + " every draw is a fresh guess for the same slot;");
    System.out.println("  in a real loop the model gives new logits at every step.");

    // A config is an immutable chain of stages, applied in the order they are added (here as in
    // Hugging Face transformers: temperature, then top-k, then top-p). Share it freely.
    printConfig("greedy (ignores the seed)", SamplerConfig.greedy(), seed);
    printConfig("temperature 0.7", SamplerConfig.builder().temperature(0.7f).build(), seed);
    printConfig("temperature 1.5", SamplerConfig.builder().temperature(1.5f).build(), seed);
    printConfig("top-k 3, temperature 0.8",
        SamplerConfig.builder().temperature(0.8f).topK(3).build(), seed);
    printConfig("top-p 0.9", SamplerConfig.builder().topP(0.9f).build(), seed);
    printConfig("top-k 5, top-p 0.9, temperature 0.8",
        SamplerConfig.builder().temperature(0.8f).topK(5).topP(0.9f).build(), seed);
  }

  private static void printConfig(String title, SamplerConfig config, long seed) {
    System.out.println();
    System.out.printf(Locale.ROOT, "  %s    [chain: %s]%n", title, config);
    int[] first = draw(config, seed);
    int[] second = draw(config, seed + 1);
    printStream("seed " + seed, first);
    printStream("seed " + (seed + 1), second);
    // A new sampler with the same seed, config and logits gives the same tokens, on any machine.
    int[] again = draw(config, seed);
    System.out.printf(Locale.ROOT, "    %-10s identical: %b%n",
        "seed " + seed, Arrays.equals(first, again));
  }

  /** One sampler per sequence: it owns its random stream, seeded explicitly. */
  private static int[] draw(SamplerConfig config, long seed) {
    Sampler sampler = config.newSampler(seed);
    int[] tokens = new int[STREAM_LENGTH];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = sampler.sample(LOGITS);
    }
    return tokens;
  }

  private static void printStream(String label, int[] tokens) {
    StringBuilder words = new StringBuilder();
    for (int token : tokens) {
      words.append(String.format(Locale.ROOT, "%-6s", WORDS[token]));
    }
    long distinct = Arrays.stream(tokens).distinct().count();
    System.out.printf(Locale.ROOT, "    %-10s %s (%d distinct)%n", label, words, distinct);
  }

  // ---------------------------------------------------------------------------------------------
  // 4. A real-size vocabulary
  // ---------------------------------------------------------------------------------------------

  private static void printLargeVocabulary(long seed) {
    heading("4. A real-size vocabulary: " + String.format(Locale.ROOT, "%,d", LARGE_VOCABULARY)
        + " tokens");
    float[] logits = new float[LARGE_VOCABULARY];
    SplittableRandom gaussian = new SplittableRandom(7);
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) (3 * gaussian.nextGaussian());
    }
    SamplerConfig config = SamplerConfig.builder().temperature(0.8f).topK(40).topP(0.95f).build();
    System.out.println("  logits: Gaussian, standard deviation 3");
    System.out.println("  chain:  " + config);
    System.out.println("  rank = 1 for the largest logit; top-k 40 keeps ranks 1..40 only.");
    System.out.println();
    // The sampler fixes its vocabulary size at the first call and allocates nothing afterwards.
    // A row of a batch can be sampled in place with sample(logits, offset, length), or from a
    // FloatBuffer with sample(buffer).
    Sampler sampler = config.newSampler(seed);
    System.out.printf(Locale.ROOT, "  %4s  %7s  %7s  %4s%n", "step", "token", "logit", "rank");
    for (int step = 1; step <= 8; step++) {
      int token = sampler.sample(logits);
      System.out.printf(Locale.ROOT, "  %4d  %7d  %7.3f  %4d%n",
          step, token, logits[token], rank(logits, token));
    }
    System.out.println();
    System.out.println("  Speed is measured with the JMH benchmarks in bench/, not here.");
  }

  /** 1 + the number of logits strictly larger than that of {@code token}. */
  private static int rank(float[] logits, int token) {
    int larger = 0;
    for (float x : logits) {
      if (x > logits[token]) {
        larger++;
      }
    }
    return larger + 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Formatting
  // ---------------------------------------------------------------------------------------------

  private static void heading(String title) {
    System.out.println();
    System.out.println("== " + title + " " + "=".repeat(Math.max(3, 72 - title.length())));
    System.out.println();
  }

  private static void row(String label, String value) {
    System.out.printf(Locale.ROOT, "  %-8s %s%n", label + ":", value);
  }

  /** Logits as {@code [2.0, 1.0, 0.1]}. */
  private static String list(float[] values) {
    StringJoiner joined = new StringJoiner(", ", "[", "]");
    for (float v : values) {
      joined.add(String.format(Locale.ROOT, "%.1f", v));
    }
    return joined.toString();
  }

  /** Values to 3 decimals in columns 7 characters wide. */
  private static String columns(float[] values) {
    StringBuilder text = new StringBuilder();
    for (float v : values) {
      text.append(String.format(Locale.ROOT, "%7.3f", v));
    }
    return text.toString();
  }
}
