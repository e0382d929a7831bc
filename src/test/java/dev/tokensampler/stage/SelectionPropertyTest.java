package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.FixedSeed;
import dev.tokensampler.TestLogits;
import dev.tokensampler.Softmax;
import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.kernel.ScalarKernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Properties of selection and drawing over generated logits (see {@link TestLogits}), checked
 * against the sort-based rules of {@link ReferenceSelection}, on the kernels picked for this JVM
 * and, where stated, on both kernel implementations.
 *
 * <p>Seeds are fixed ({@link FixedSeed}); {@code -Dtokensampler.seed=random} explores new cases.
 * A new truncation stage adds a property here: a chain with it, its reference set, and the
 * membership check {@link #assertDrawnFrom}.
 */
@AddLifecycleHook(FixedSeed.class)
class SelectionPropertyTest {
  private static final int TRIES = 150;

  @Provide
  Arbitrary<TestLogits.Case> logits() {
    return TestLogits.logits(TestLogits.MAX_VOCABULARY);
  }

  @Provide
  Arbitrary<Integer> topK() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(0)),
        net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(1, 64)),
        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 400_000)));
  }

  @Provide
  Arbitrary<Float> topP() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, Arbitraries.just(1f)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(1e-9f, 0.5f, 0.9f, 0.95f, 0.999f)),
        net.jqwik.api.Tuple.of(4, Arbitraries.floats().between(1e-6f, 1f).ofScale(9)));
  }

  /** Top-k keeps exactly the k largest logits and every logit tied with the k-th. */
  @Property(tries = TRIES)
  void topKKeepsTheKLargestWithTies(
      @ForAll("logits") TestLogits.Case logits, @ForAll("topK") int k) {
    float[] x = logits.values();
    int[] sorted = ReferenceSelection.sortedByLogit(x, allIds(x.length));
    int count = ReferenceSelection.topK(x, sorted, k);
    Candidates c = start(x, KernelProvider.newKernels());
    new TopK(k).apply(c);
    if (k == 0 || k >= sorted.length) {
      // Disabled or keeping everything: -Infinity logits may stay, with probability 0.
      assertTrue(c.size() >= count, "size " + c.size() + " < " + count);
    } else {
      assertArrayEquals(sortedCopy(sorted, count), candidateIds(c), "top_k=" + k);
    }
  }

  /**
   * Top-p, on the whole vocabulary and after top-k, keeps the smallest set of most probable tokens
   * whose mass reaches {@code p} (ties together), unless the mass before a tie group lies so close
   * to {@code p} that rounding may decide it.
   */
  @Property(tries = TRIES)
  void topPKeepsTheSmallestSetReachingP(@ForAll("logits") TestLogits.Case logits,
      @ForAll("topK") int k, @ForAll("topP") float p) {
    float[] x = logits.values();
    int[] sorted = ReferenceSelection.sortedByLogit(x, allIds(x.length));
    int afterK = ReferenceSelection.topK(x, sorted, k);
    ReferenceSelection.Nucleus nucleus = ReferenceSelection.topP(x, sorted, afterK, p, 1);
    Assume.that(!nucleus.fragile());
    Candidates c = start(x, KernelProvider.newKernels());
    new TopK(k).apply(c);
    new TopP(p).apply(c);
    int[] expected = sortedCopy(sorted, nucleus.count());
    int[] actual = finiteCandidateIds(c);
    assertArrayEquals(expected, actual, "top_k=" + k + ", top_p=" + p);
  }

  /** A drawn token is in the reference set of top-k then top-p, whatever the random bits. */
  @Property(tries = TRIES)
  void drawnTokenIsInTheCandidateSet(@ForAll("logits") TestLogits.Case logits,
      @ForAll("topK") int k, @ForAll("topP") float p, @ForAll long bits,
      @ForAll @FloatRange(min = 0.05f, max = 5f) float temperature) {
    float[] x = logits.values();
    int[] sorted = ReferenceSelection.sortedByLogit(x, allIds(x.length));
    int afterK = ReferenceSelection.topK(x, sorted, k);
    ReferenceSelection.Nucleus nucleus = ReferenceSelection.topP(x, sorted, afterK, p, 1);
    Assume.that(!nucleus.fragile());
    Candidates c = start(x, KernelProvider.newKernels());
    int token = run(c, bits, new TopK(k), new TopP(p), new Temperature(temperature));
    assertDrawnFrom(token, sorted, nucleus.count(), x);
  }

  /** Greedy picks the largest logit, ties to the lowest id ({@code -0.0} ties {@code +0.0}). */
  @Property(tries = TRIES)
  void greedyIsTheArgmaxWithTiesToTheLowestId(
      @ForAll("logits") TestLogits.Case logits, @ForAll long bits) {
    float[] x = logits.values();
    int[] sorted = ReferenceSelection.sortedByLogit(x, allIds(x.length));
    assertEquals(sorted[0], run(start(x, KernelProvider.newKernels()), bits, Greedy.INSTANCE));
    assertEquals(sorted[0],
        run(start(x, KernelProvider.newKernels()), bits, new Temperature(0f)), "temperature 0");
  }

  /** Softmax probabilities are in [0, 1] and sum to 1 within 1e-6; masked tokens get exactly 0. */
  @Property(tries = TRIES)
  void probabilitiesSumToOne(@ForAll("logits") TestLogits.Case logits,
      @ForAll @FloatRange(min = 0.01f, max = 100f) float temperature) {
    float[] x = logits.values();
    float[] q = Softmax.probabilities(x, temperature);
    double sum = 0;
    for (int i = 0; i < q.length; i++) {
      assertTrue(q[i] >= 0f && q[i] <= 1f, "p[" + i + "] = " + q[i]);
      if (x[i] == Float.NEGATIVE_INFINITY) {
        assertEquals(0f, q[i], "masked token " + i);
      }
      sum += q[i];
    }
    assertEquals(1.0, sum, 1e-6, "sum at T=" + temperature);
  }

  /** The entropy of softmax(x / T) does not decrease as T rises. */
  @Property(tries = TRIES)
  void entropyDoesNotDecreaseAsTemperatureRises(@ForAll("logits") TestLogits.Case logits,
      @ForAll @FloatRange(min = 0.01f, max = 100f) float low,
      @ForAll @FloatRange(min = 1.01f, max = 10f) float ratio) {
    float[] x = logits.values();
    float high = low * ratio;
    double lower = entropy(Softmax.probabilities(x, low));
    double higher = entropy(Softmax.probabilities(x, high));
    double tolerance = 1e-5 * Math.max(1, Math.log(x.length));
    assertTrue(higher >= lower - tolerance,
        "H(T=" + low + ") = " + lower + " > H(T=" + high + ") = " + higher);
  }

  /**
   * The scalar kernels and the kernels picked for this JVM choose the same token and give the same
   * probabilities, bit for bit, for any chain of the built-in stages.
   */
  @Property(tries = TRIES)
  @Tag("kernels")
  @AddLifecycleHook(VectorKernelsOnly.class)
  void scalarAndVectorPathsAgreeBitForBit(@ForAll("logits") TestLogits.Case logits,
      @ForAll("topK") int k, @ForAll("topP") float p, @ForAll long bits,
      @ForAll @FloatRange(min = 0f, max = 5f) float temperature,
      @ForAll @IntRange(min = 0, max = 5) int order) {
    float[] x = logits.values();
    List<Stage> chain = chain(order, k, p, temperature);
    Candidates scalar = start(x, new ScalarKernels());
    Candidates vector = start(x, KernelProvider.newKernels());
    Stage[] stages = chain.toArray(new Stage[0]);
    int expected = run(scalar, bits, stages);
    int actual = run(vector, bits, stages);
    assertEquals(expected, actual, "token of " + chain);
    assertEquals(scalar.size(), vector.size(), "size() of " + chain);
    for (int i = 0; i < scalar.size(); i += Math.max(1, scalar.size() / 64)) {
      assertEquals(scalar.id(i), vector.id(i), "id(" + i + ")");
      assertEquals(Float.floatToRawIntBits(scalar.probability(i)),
          Float.floatToRawIntBits(vector.probability(i)), "probability(" + i + ") of " + chain);
    }
  }

  // ---- helpers ----

  /** The built-in chains in several orders (HF: temperature first; llama.cpp: last). */
  private static List<Stage> chain(int order, int k, float p, float temperature) {
    Stage t = new Temperature(temperature);
    List<Stage> chain = new ArrayList<>();
    switch (order) {
      case 0:
        chain.addAll(List.of(t, new TopK(k), new TopP(p)));
        break;
      case 1:
        chain.addAll(List.of(new TopK(k), new TopP(p), t));
        break;
      case 2:
        chain.addAll(List.of(new TopP(p), t));
        break;
      case 3:
        chain.addAll(List.of(new TopP(p), new TopK(k)));
        break;
      case 4:
        chain.add(Greedy.INSTANCE);
        break;
      default:
        chain.add(t);
        break;
    }
    return chain;
  }

  static void assertDrawnFrom(int token, int[] sorted, int count, float[] x) {
    assertTrue(token >= 0 && token < x.length, "token " + token + " out of range");
    for (int i = 0; i < count; i++) {
      if (sorted[i] == token) {
        return;
      }
    }
    throw new AssertionError("token " + token + " (logit " + x[token] + ") is not among the "
        + count + " candidates");
  }

  private static Candidates start(float[] x, Kernels kernels) {
    Candidates c = new Candidates(x.length, kernels);
    c.reset(x, 0);
    return c;
  }

  /** Runs stages as a sampler does, then draws. */
  private static int run(Candidates c, long bits, Stage... stages) {
    for (Stage stage : stages) {
      stage.apply(c);
      if (c.isSelected()) {
        break;
      }
    }
    c.validate();
    return c.draw(bits);
  }

  private static int[] allIds(int v) {
    int[] ids = new int[v];
    for (int i = 0; i < v; i++) {
      ids[i] = i;
    }
    return ids;
  }

  private static int[] sortedCopy(int[] sorted, int count) {
    int[] ids = Arrays.copyOf(sorted, count);
    Arrays.sort(ids);
    return ids;
  }

  private static int[] candidateIds(Candidates c) {
    int[] ids = new int[c.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = c.id(i);
    }
    Arrays.sort(ids);
    return ids;
  }

  /** The candidates' ids whose logit is not {@code -Infinity} (probability above 0), sorted. */
  private static int[] finiteCandidateIds(Candidates c) {
    int[] ids = new int[c.size()];
    int n = 0;
    for (int i = 0; i < c.size(); i++) {
      if (c.logit(i) != Float.NEGATIVE_INFINITY) {
        ids[n++] = c.id(i);
      }
    }
    ids = Arrays.copyOf(ids, n);
    Arrays.sort(ids);
    return ids;
  }

  private static double entropy(float[] q) {
    double h = 0;
    for (float p : q) {
      if (p > 0) {
        h -= p * Math.log(p);
      }
    }
    return h;
  }
}
