package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.FixedSeed;
import dev.tokensampler.TestLogits;
import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.kernel.ScalarKernels;
import dev.tokensampler.random.Seeds;
import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Properties of the truncating and self-selecting stages (min-p, typical, epsilon, eta,
 * top-n-sigma, XTC, mirostat 1 and 2, dynamic temperature) over generated logits
 * ({@link TestLogits}, vocabularies up to 300,000) and parameters, on both candidate modes: the
 * whole vocabulary, and explicit candidates left by a top-k ({@link Mode}), after a temperature.
 *
 * <p>For each stage: the kept set equals the sort-based rule of {@link ReferenceTruncation} (ties
 * kept or dropped together, {@code min_tokens_to_keep} respected), skipping inputs where rounding
 * may decide a boundary; plus the stage's own invariants. For all of them: a drawn token is in
 * the kept set, and the scalar and vector kernels keep the same set and draw the same token.
 *
 * <p>Seeds are fixed ({@link FixedSeed}); {@code -Dtokensampler.seed=random} explores new cases.
 */
@AddLifecycleHook(FixedSeed.class)
class TruncationPropertyTest {
  private static final int TRIES = 80;

  /** The two forms in which a stage meets its candidates. */
  enum Mode {
    /** The first stage of a step: candidate {@code i} is token {@code i}, read in place. */
    WHOLE_VOCABULARY,
    /** Explicit candidates sorted by logit: the {@code k} largest logits and their ties. */
    AFTER_TOP_K
  }

  /**
   * Logits, a candidate mode, a temperature applied before the stage, and the seed of the step's
   * random value.
   */
  record Setup(TestLogits.Case logits, Mode mode, int k, float temperature, long seed) {
    float[] x() {
      return logits.values();
    }

    /** The top-k of {@link Mode#AFTER_TOP_K}: at most the number of finite logits. */
    int effectiveK() {
      return Math.min(k, finiteCount(x()));
    }

    /** Candidates as a sampler would hold them before the stage. */
    Candidates start(Kernels kernels) {
      float[] x = x();
      int v = x.length;
      Candidates c;
      if (mode == Mode.WHOLE_VOCABULARY) {
        c = new Candidates(v, kernels);
        c.reset(x, 0);
      } else {
        // One -Infinity logit more, which top-k never keeps, makes the candidates explicit even
        // when k covers every finite logit.
        float[] padded = Arrays.copyOf(x, v + 1);
        padded[v] = Float.NEGATIVE_INFINITY;
        c = new Candidates(v + 1, kernels);
        c.reset(padded, 0);
        new TopK(effectiveK()).apply(c);
        assertTrue(!c.isWholeVocabulary(), "top-k makes the candidates explicit");
      }
      c.takeRandomFrom(Seeds.generator(seed));
      new Temperature(temperature).apply(c);
      return c;
    }

    /** The ids of the candidates before the stage. */
    int[] candidateIds() {
      float[] x = x();
      int[] all = IntStream.range(0, x.length).toArray();
      if (mode == Mode.WHOLE_VOCABULARY) {
        return all;
      }
      int[] sorted = ReferenceSelection.sortedByLogit(x, all);
      return Arrays.copyOf(sorted, ReferenceSelection.topK(x, sorted, effectiveK()));
    }

    /** The temperature factor, as {@link Temperature} applies it. */
    double scale() {
      return 1f / temperature;
    }

    ReferenceTruncation reference() {
      return new ReferenceTruncation(x(), candidateIds(), scale());
    }

    @Override
    public String toString() {
      return logits + ", " + mode + (mode == Mode.AFTER_TOP_K ? " " + k : "") + ", T="
          + temperature + ", seed " + seed;
    }
  }

  // ---- generators ----

  @Provide
  Arbitrary<Setup> setups() {
    Arbitrary<Integer> k = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.integers().between(1, 64)),
        Tuple.of(1, Arbitraries.integers().between(1, 400_000)));
    Arbitrary<Float> temperature = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(1f)),
        Tuple.of(2, Arbitraries.floats().between(0.25f, 4f).ofScale(3)));
    return Combinators.combine(
            TestLogits.logits(TestLogits.MAX_VOCABULARY), Arbitraries.of(Mode.class), k,
            temperature, Arbitraries.longs())
        .as(Setup::new);
  }

  /** Setups without a temperature before the stage, for dynamic temperature. */
  @Provide
  Arbitrary<Setup> untempered() {
    return setups().map(s -> new Setup(s.logits(), s.mode(), s.k(), 1f, s.seed()));
  }

  @Provide
  Arbitrary<Integer> minKeep() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(1)), Tuple.of(1, Arbitraries.integers().between(2, 8)));
  }

  /** Probability thresholds from about 1e-6 to 1, spread over the orders of magnitude. */
  @Provide
  Arbitrary<Float> small() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.doubles().between(-6, 0).map(e -> (float) Math.pow(10, e))),
        Tuple.of(1, Arbitraries.floats().between(0.001f, 0.999f).ofScale(4)));
  }

  // ---- the stages against their references, and their own invariants ----

  /**
   * Min-p keeps the reference set; the argmax always survives; the kept set is every token of
   * {@code p >= min_p * p_max}, unless fewer than {@code min_tokens_to_keep} reach it.
   */
  @Property(tries = TRIES)
  void minPKeepsItsReferenceSetAndTheArgmax(@ForAll("setups") Setup s,
      @ForAll("small") float minP, @ForAll("minKeep") int minKeep) {
    Kept kept = keepsTheReference(s, new MinP(minP, minKeep), r -> r.minP(minP, minKeep), minKeep);
    double[] p = s.reference().probabilities();
    double pMax = Arrays.stream(p).max().getAsDouble();
    int[] candidates = s.candidateIds();
    assertTrue(contains(kept.ids, argmax(s.x(), candidates)), "argmax dropped");
    long passing = Arrays.stream(candidates).filter(id -> p[id] >= minP * pMax).count();
    if (passing >= minKeep) {
      for (int id : kept.ids) {
        assertTrue(p[id] >= minP * pMax * (1 - 1e-5), "token " + id + ": p " + p[id]
            + " < min_p * p_max " + minP * pMax);
      }
    }
    assertClosedUpward(s, kept.ids);
  }

  /** Typical-p keeps the reference set, whose probability mass reaches {@code typical_p}. */
  @Property(tries = TRIES)
  void typicalKeepsItsReferenceSetAndReachesTheMass(@ForAll("setups") Setup s,
      @ForAll @FloatRange(min = 0.05f, max = 1f) float mass, @ForAll("minKeep") int minKeep) {
    Kept kept = keepsTheReference(
        s, new TypicalP(mass, minKeep), r -> r.typical(mass, minKeep), minKeep);
    double[] p = s.reference().probabilities();
    double keptMass = Arrays.stream(kept.ids).mapToDouble(id -> p[id]).sum();
    assertTrue(keptMass >= mass * (1 - 1e-5), "kept mass " + keptMass + " < " + mass);
  }

  /** Epsilon keeps the reference set: every token of {@code p >= epsilon}, or the top few. */
  @Property(tries = TRIES)
  void epsilonKeepsItsReferenceSet(@ForAll("setups") Setup s, @ForAll("small") float epsilon,
      @ForAll("minKeep") int minKeep) {
    Assume.that(epsilon < 1f);
    Kept kept = keepsTheReference(
        s, new EpsilonCutoff(epsilon, minKeep), r -> r.epsilon(epsilon, minKeep), minKeep);
    assertClosedUpward(s, kept.ids);
  }

  /**
   * Eta keeps the reference set; since its cutoff is at most {@code epsilon}, every token of
   * {@code p >= epsilon} survives.
   */
  @Property(tries = TRIES)
  void etaKeepsItsReferenceSetAndEveryTokenAboveEpsilon(@ForAll("setups") Setup s,
      @ForAll("small") float epsilon, @ForAll("minKeep") int minKeep) {
    Assume.that(epsilon < 1f);
    Kept kept = keepsTheReference(
        s, new EtaCutoff(epsilon, minKeep), r -> r.eta(epsilon, minKeep), minKeep);
    double[] p = s.reference().probabilities();
    for (int id : s.candidateIds()) {
      if (p[id] >= epsilon * (1 + 1e-5)) {
        assertTrue(contains(kept.ids, id), "token " + id + " of p " + p[id] + " >= epsilon");
      }
    }
    assertClosedUpward(s, kept.ids);
  }

  /**
   * Top-n-sigma keeps the reference set, always with the largest logit and its ties; {@code n = 0}
   * keeps exactly those.
   */
  @Property(tries = TRIES)
  void topNSigmaKeepsItsReferenceSetAndTheMaximum(@ForAll("setups") Setup s,
      @ForAll @FloatRange(min = 0f, max = 4f) float n, @ForAll boolean zero) {
    float sigmas = zero ? 0f : n;
    Kept kept = keepsTheReference(s, new TopNSigma(sigmas), r -> r.topNSigma(sigmas), 1);
    float max = maxOf(s.x(), s.candidateIds());
    int[] atMax = Arrays.stream(s.candidateIds()).filter(id -> s.x()[id] == max).sorted()
        .toArray();
    for (int id : atMax) {
      assertTrue(contains(kept.ids, id), "largest logit " + id + " dropped");
    }
    if (sigmas == 0f) {
      assertArrayEquals(atMax, kept.ids, "n = 0 keeps the largest logit and its ties only");
    }
    assertClosedUpward(s, kept.ids);
  }

  /**
   * XTC (probability 1) keeps the reference set; it never removes the least probable token above
   * the threshold (nor its ties), and removes nothing when fewer than two tokens reach it.
   */
  @Property(tries = TRIES)
  void xtcKeepsItsReferenceSetAndTheLastTokenAboveTheThreshold(@ForAll("setups") Setup s,
      @ForAll("small") float threshold, @ForAll("minKeep") int minKeep) {
    Kept kept = keepsTheReference(
        s, new Xtc(1f, threshold, minKeep), r -> r.xtc(threshold, minKeep), minKeep);
    double[] p = s.reference().probabilities();
    int[] finite = finiteCandidates(s);
    int[] above = Arrays.stream(finite).filter(id -> p[id] >= threshold).toArray();
    if (above.length < 2) {
      assertArrayEquals(finite, kept.ids, above.length + " token(s) above the threshold");
      return;
    }
    float least = Arrays.stream(above).mapToObj(id -> s.x()[id]).min(Float::compare).get();
    for (int id : above) {
      if (s.x()[id] == least) {
        assertTrue(contains(kept.ids, id), "the least probable token above the threshold, "
            + id + ", was removed");
      }
    }
  }

  /**
   * XTC below probability 1 acts iff its gate, drawn from the step's random value with its salt,
   * opens: the kept set is then the reference cut, otherwise every candidate.
   */
  @Property(tries = TRIES)
  void xtcActsIffItsGateOpens(@ForAll("setups") Setup s,
      @ForAll @FloatRange(min = 0.01f, max = 0.99f) float probability,
      @ForAll("small") float threshold) {
    long bits = Seeds.generator(s.seed()).nextLong();
    boolean open = Seeds.uniform(Seeds.derive(bits, Xtc.SALT)) < probability;
    ReferenceTruncation.Kept cut = s.reference().xtc(threshold, 1);
    Assume.that(!cut.fragile());
    Candidates c = s.start(KernelProvider.newKernels());
    new Xtc(probability, threshold).apply(c);
    assertArrayEquals(open ? cut.kept() : finiteCandidates(s), finiteIds(c), "gate " + open);
  }

  /**
   * Mirostat 2.0 selects a token of its cut ({@code -log2 p <= mu}, at least the argmax), and
   * moves {@code mu} by {@code -eta * (surprise - tau)} with the token's surprise in that cut.
   */
  @Property(tries = TRIES)
  void mirostatV2SelectsFromItsCutAndUpdatesMu(@ForAll("setups") Setup s,
      @ForAll @FloatRange(min = 0.25f, max = 12f) float tau,
      @ForAll @FloatRange(min = 0f, max = 1f) float eta) {
    MirostatV2 stage = new MirostatV2(tau, eta);
    float mu = stage.mu();
    ReferenceTruncation.Kept cut = s.reference().mirostatV2(mu);
    Assume.that(!cut.fragile());
    assertSelectsFromTheCutAndUpdatesMu(s, stage, cut.kept(), mu, tau, eta);
  }

  /**
   * Mirostat selects a token of its top-k cut (the Zipf estimate over the top {@code m}) and
   * moves {@code mu} by {@code -eta * (surprise - tau)} with the token's surprise in that cut.
   */
  @Property(tries = TRIES)
  void mirostatV1SelectsFromItsCutAndUpdatesMu(@ForAll("setups") Setup s,
      @ForAll @FloatRange(min = 0.25f, max = 12f) float tau,
      @ForAll @FloatRange(min = 0f, max = 1f) float eta,
      @ForAll @IntRange(min = 2, max = 200) int m) {
    MirostatV1 stage = new MirostatV1(tau, eta, m);
    float mu = stage.mu();
    int vocabulary = s.mode() == Mode.WHOLE_VOCABULARY ? s.x().length : s.x().length + 1;
    ReferenceTruncation.Kept cut = s.reference().mirostatV1(mu, m, vocabulary);
    Assume.that(!cut.fragile());
    assertSelectsFromTheCutAndUpdatesMu(s, stage, cut.kept(), mu, tau, eta);
  }

  /**
   * Dynamic temperature with {@code dynatemp_range = 0} is plain temperature: the same
   * probabilities bit for bit, and the same token.
   */
  @Property(tries = TRIES)
  void dynamicTemperatureWithRangeZeroIsPlainTemperature(@ForAll("untempered") Setup s,
      @ForAll @FloatRange(min = 0f, max = 4f) float temperature, @ForAll boolean zero,
      @ForAll @FloatRange(min = 0f, max = 3f) float exponent) {
    float t = zero ? 0f : temperature;
    Candidates dynamic = s.start(KernelProvider.newKernels());
    new DynamicTemperature(t, 0f, exponent).apply(dynamic);
    Candidates plain = s.start(KernelProvider.newKernels());
    new Temperature(t).apply(plain);
    assertEquals(plain.isSelected(), dynamic.isSelected());
    assertEquals(plain.draw(plain.randomBits()), dynamic.draw(dynamic.randomBits()), "token");
    if (!plain.isSelected()) {
      float[] expected = new float[plain.size()];
      float[] actual = new float[dynamic.size()];
      plain.writeProbabilities(expected);
      dynamic.writeProbabilities(actual);
      assertArrayEquals(expected, actual, "probabilities at T=" + t);
    }
  }

  /**
   * Dynamic temperature picks a temperature in {@code [max(0, T - range), T + range]}: the
   * entropy of its distribution lies between the entropies at the two ends.
   */
  @Property(tries = TRIES)
  void dynamicTemperatureEntropyLiesBetweenItsEnds(@ForAll("untempered") Setup s,
      @ForAll @FloatRange(min = 0.05f, max = 3f) float temperature,
      @ForAll @FloatRange(min = 0.01f, max = 3f) float range,
      @ForAll @FloatRange(min = 0f, max = 3f) float exponent) {
    Candidates c = s.start(KernelProvider.newKernels());
    new DynamicTemperature(temperature, range, exponent).apply(c);
    double entropy = 0;
    if (!c.isSelected()) {
      for (int i = 0; i < c.size(); i++) {
        double q = c.probability(i);
        entropy -= q > 0 ? q * Math.log(q) : 0;
      }
    }
    double low = Math.max(0, (double) temperature - range);
    double high = (double) temperature + range;
    double atLow = low == 0 ? 0 : new ReferenceTruncation(s.x(), s.candidateIds(), 1 / low)
        .entropy();
    double atHigh = new ReferenceTruncation(s.x(), s.candidateIds(), 1 / high).entropy();
    double tolerance = 1e-4 * (1 + Math.log(s.x().length));
    assertTrue(entropy >= atLow - tolerance && entropy <= atHigh + tolerance,
        "entropy " + entropy + " outside [" + atLow + ", " + atHigh + "]");
  }

  // ---- every stage ----

  /** The stages with generated parameters, and their reference cuts. */
  enum Kind {
    MIN_P, TYPICAL, EPSILON, ETA, TOP_N_SIGMA, XTC, MIROSTAT_V1, MIROSTAT_V2, DYNAMIC_TEMPERATURE;

    /** The stage for a parameter {@code u} in {@code (0, 1)}. */
    Stage stage(float u, int minKeep) {
      switch (this) {
        case MIN_P:
          return new MinP(u, minKeep);
        case TYPICAL:
          return new TypicalP(u, minKeep);
        case EPSILON:
          return new EpsilonCutoff(u / 10, minKeep);
        case ETA:
          return new EtaCutoff(u / 10, minKeep);
        case TOP_N_SIGMA:
          return new TopNSigma(4 * u);
        case XTC:
          return new Xtc(1f, u / 2, minKeep);
        case MIROSTAT_V1:
          return new MirostatV1(10 * u, 0.1f);
        case MIROSTAT_V2:
          return new MirostatV2(10 * u, 0.1f);
        default:
          return new DynamicTemperature(1f, 2 * u, 1f);
      }
    }

    /** The reference cut of {@link #stage}, or every candidate for dynamic temperature. */
    ReferenceTruncation.Kept reference(ReferenceTruncation r, float u, int minKeep, Setup s) {
      switch (this) {
        case MIN_P:
          return r.minP(u, minKeep);
        case TYPICAL:
          return r.typical(u, minKeep);
        case EPSILON:
          return r.epsilon(u / 10, minKeep);
        case ETA:
          return r.eta(u / 10, minKeep);
        case TOP_N_SIGMA:
          return r.topNSigma(4 * u);
        case XTC:
          return r.xtc(u / 2, minKeep);
        case MIROSTAT_V1:
          return r.mirostatV1(2 * (10 * u), MirostatV1.DEFAULT_M,
              s.mode() == Mode.WHOLE_VOCABULARY ? s.x().length : s.x().length + 1);
        case MIROSTAT_V2:
          return r.mirostatV2(2 * (10 * u));
        default:
          return new ReferenceTruncation.Kept(finiteCandidates(s), false);
      }
    }
  }

  /** Whatever the stage and the random value, the drawn token is in the reference cut. */
  @Property(tries = 2 * TRIES)
  void drawnTokenIsInTheKeptSet(@ForAll("setups") Setup s, @ForAll Kind kind,
      @ForAll @FloatRange(min = 0.01f, max = 0.99f) float u, @ForAll("minKeep") int minKeep) {
    ReferenceTruncation.Kept expected = kind.reference(s.reference(), u, minKeep, s);
    Assume.that(!expected.fragile());
    Candidates c = s.start(KernelProvider.newKernels());
    kind.stage(u, minKeep).apply(c);
    c.validate();
    int token = c.draw(c.randomBits());
    assertTrue(contains(expected.kept(), token), kind + " drew " + token + " (logit "
        + s.x()[token] + ") outside the " + expected.kept().length + " kept tokens");
  }

  /**
   * The scalar kernels and the kernels picked for this JVM keep the same candidates in the same
   * order, give them the same probabilities bit for bit, and draw the same token.
   */
  @Property(tries = 2 * TRIES)
  @Tag("kernels")
  @AddLifecycleHook(VectorKernelsOnly.class)
  void scalarAndVectorKernelsAgree(@ForAll("setups") Setup s, @ForAll Kind kind,
      @ForAll @FloatRange(min = 0.01f, max = 0.99f) float u, @ForAll("minKeep") int minKeep) {
    Candidates scalar = s.start(new ScalarKernels());
    Candidates vector = s.start(KernelProvider.newKernels());
    kind.stage(u, minKeep).apply(scalar);
    kind.stage(u, minKeep).apply(vector);
    String what = kind.stage(u, minKeep).toString();
    assertEquals(scalar.isSelected(), vector.isSelected(), what);
    assertArrayEquals(CandidatePath.order(scalar), CandidatePath.order(vector), what);
    if (!scalar.isSelected()) {
      float[] expected = new float[scalar.size()];
      float[] actual = new float[vector.size()];
      scalar.writeProbabilities(expected);
      vector.writeProbabilities(actual);
      assertArrayEquals(expected, actual, "probabilities after " + what);
    }
    assertEquals(scalar.draw(scalar.randomBits()), vector.draw(vector.randomBits()), what);
  }

  // ---- helpers ----

  /** The kept ids of a stage that matched its reference. */
  private record Kept(int[] ids) {}

  /**
   * Applies the stage and checks that it keeps the reference set (ties together, at least
   * {@code min(minKeep, candidates)} tokens), unless rounding may decide the reference.
   */
  private static Kept keepsTheReference(Setup s, Stage stage,
      Function<ReferenceTruncation, ReferenceTruncation.Kept> rule, int minKeep) {
    ReferenceTruncation.Kept expected = rule.apply(s.reference());
    Assume.that(!expected.fragile());
    Candidates c = s.start(KernelProvider.newKernels());
    stage.apply(c);
    int[] kept = finiteIds(c);
    assertArrayEquals(expected.kept(), kept, stage + ": kept set");
    int candidates = finiteCandidates(s).length;
    assertTrue(kept.length >= Math.min(minKeep, candidates),
        stage + " kept " + kept.length + " of " + candidates);
    return new Kept(kept);
  }

  /** Checks a self-selecting stage's token and its {@code mu} update against the cut. */
  private static void assertSelectsFromTheCutAndUpdatesMu(
      Setup s, Stage stage, int[] cut, float mu, float tau, float eta) {
    Candidates c = s.start(KernelProvider.newKernels());
    stage.apply(c);
    assertTrue(c.isSelected(), stage + " selects the token");
    int token = c.selectedId();
    assertArrayEquals(cut, finiteIds(c), stage + ": cut");
    assertTrue(contains(cut, token), "token " + token + " outside the cut");
    double q = new ReferenceTruncation(s.x(), cut, s.scale()).probabilities()[token];
    float surprise = (float) (-Math.log(q) / Math.log(2));
    float expected = mu - eta * (surprise - tau);
    float actual = stage instanceof MirostatV1 ? ((MirostatV1) stage).mu()
        : ((MirostatV2) stage).mu();
    assertEquals(expected, actual, 1e-4 * (1 + Math.abs(expected)),
        stage + ": mu after token " + token + " of q " + q);
  }

  /** Every kept token's logit is at least every dropped candidate's: a cut by logit. */
  private static void assertClosedUpward(Setup s, int[] kept) {
    float lowestKept = Arrays.stream(kept).mapToObj(id -> s.x()[id]).min(Float::compare).get();
    for (int id : finiteCandidates(s)) {
      if (!contains(kept, id)) {
        assertTrue(s.x()[id] < lowestKept, "dropped " + id + " (" + s.x()[id]
            + ") is not below the lowest kept logit " + lowestKept);
      }
    }
  }

  /** The candidates' ids with a finite logit, sorted. */
  static int[] finiteIds(Candidates c) {
    return IntStream.range(0, c.size()).filter(i -> c.logit(i) != Float.NEGATIVE_INFINITY)
        .map(c::id).sorted().toArray();
  }

  private static int[] finiteCandidates(Setup s) {
    return Arrays.stream(s.candidateIds()).filter(id -> s.x()[id] != Float.NEGATIVE_INFINITY)
        .sorted().toArray();
  }

  private static int finiteCount(float[] x) {
    int n = 0;
    for (float v : x) {
      n += v == Float.NEGATIVE_INFINITY ? 0 : 1;
    }
    return n;
  }

  private static boolean contains(int[] sorted, int id) {
    return Arrays.binarySearch(sorted, id) >= 0;
  }

  private static float maxOf(float[] x, int[] ids) {
    float max = Float.NEGATIVE_INFINITY;
    for (int id : ids) {
      max = Math.max(max, x[id]);
    }
    return max;
  }

  private static int argmax(float[] x, int[] ids) {
    return ReferenceSelection.sortedByLogit(x, ids)[0];
  }
}
