package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.Kernels;
import dev.tokensampler.kernel.ScalarKernels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The public truncation primitives a custom stage uses ({@link Candidates#keepLargest},
 * {@link Candidates#keepAtLeast}, {@link Candidates#keepTokens} and the allowed-token bitmasks of
 * {@link Candidates#keepAllowed(long[])} and {@link Candidates#keepAllowed(int[])}) keep exactly
 * the candidates their contracts name, give the scalar and vector kernels bit-identical results
 * (also run at 256 and 128 bits), and validate like the built-in masks.
 */
@Tag("kernels")
class TruncationPrimitivesTest {
  private static final int[] SIZES = {1, 31, 32, 63, 64, 65, 1000, 5000};
  private static final double[] DENSITIES = {0.0005, 0.01, 0.1, 0.5, 0.95, 1.0};

  private static float[] logits(Random random, int v) {
    float[] x = new float[v];
    for (int i = 0; i < v; i++) {
      x[i] = (float) (random.nextGaussian() * 2);
      if (random.nextInt(20) == 0) {
        x[i] = Float.NEGATIVE_INFINITY;
      }
      if (random.nextInt(50) == 0 && i > 0) {
        x[i] = x[i - 1];
      }
    }
    x[random.nextInt(v)] = 1f;
    return x;
  }

  /** An allowed set of about {@code density * v} tokens, at least one with a finite logit. */
  private static boolean[] allowed(Random random, float[] x, double density) {
    boolean[] a = new boolean[x.length];
    boolean finite = false;
    for (int i = 0; i < x.length; i++) {
      a[i] = random.nextDouble() < density;
      finite |= a[i] && x[i] != Float.NEGATIVE_INFINITY;
    }
    if (!finite) {
      for (int i = 0; i < x.length; i++) {
        if (x[i] != Float.NEGATIVE_INFINITY) {
          a[i] = true;
          break;
        }
      }
    }
    return a;
  }

  /** Packed 64-bit words, with junk bits set past the vocabulary. */
  private static long[] longWords(boolean[] allowed) {
    long[] words = new long[(allowed.length + 63) / 64 + 1];
    java.util.Arrays.fill(words, -1L);
    for (int i = 0; i < allowed.length; i++) {
      if (!allowed[i]) {
        words[i >>> 6] &= ~(1L << (i & 63));
      }
    }
    return words;
  }

  private static int[] intWords(boolean[] allowed) {
    int[] words = new int[(allowed.length + 31) / 32];
    for (int i = 0; i < allowed.length; i++) {
      if (allowed[i]) {
        words[i >>> 5] |= 1 << (i & 31);
      }
    }
    if (allowed.length % 32 != 0) {
      words[words.length - 1] |= -1 << (allowed.length % 32);
    }
    return words;
  }

  /** The candidates after {@code before} and {@code primitive}: ids, then probabilities. */
  private static List<Object> run(Kernels kernels, float[] x, Consumer<Candidates> before,
      Consumer<Candidates> primitive) {
    Candidates c = new Candidates(x.length, kernels);
    c.reset(x, 0);
    before.accept(c);
    primitive.accept(c);
    int n = c.size();
    int[] ids = new int[n];
    float[] p = new float[n];
    for (int i = 0; i < n; i++) {
      ids[i] = c.id(i);
      p[i] = c.probability(i);
    }
    return List.of(ids, p);
  }

  /** The preceding stages a primitive is tried after. */
  private static List<Consumer<Candidates>> befores() {
    List<Consumer<Candidates>> list = new ArrayList<>();
    list.add(c -> { });
    list.add(c -> new Temperature(0.7f).apply(c));
    list.add(c -> new TopK(40).apply(c));
    list.add(c -> {
      new Temperature(1.3f).apply(c);
      new TopK(200).apply(c);
    });
    return list;
  }

  /** The probabilities over the tokens kept, by id (0 for the others), from the candidates. */
  private static double[] byId(List<Object> result, int v) {
    int[] ids = (int[]) result.get(0);
    float[] p = (float[]) result.get(1);
    double[] out = new double[v];
    for (int i = 0; i < ids.length; i++) {
      out[ids[i]] = p[i];
    }
    return out;
  }

  @Test
  void bitmasksKeepTheAllowedTokensAsMaskingEachOtherTokenDoes() {
    Random random = new Random(20261207L);
    int cases = 0;
    for (int v : SIZES) {
      for (double density : DENSITIES) {
        for (Consumer<Candidates> before : befores()) {
          float[] x = logits(random, v);
          boolean[] allowed = allowed(random, x, density);
          long[] longs = longWords(allowed);
          int[] ints = intWords(allowed);
          Consumer<Candidates> masked = c -> {
            for (int i = 0; i < c.size(); i++) {
              if (!allowed[c.id(i)]) {
                c.mask(i);
              }
            }
          };
          Candidates probe = new Candidates(v);
          probe.reset(x, 0);
          before.accept(probe);
          boolean any = false;
          for (int i = 0; i < probe.size(); i++) {
            any |= allowed[probe.id(i)] && probe.logit(i) != Float.NEGATIVE_INFINITY;
          }
          if (!any) {
            assertThrows(IllegalArgumentException.class, () -> probe.keepAllowed(longs));
            continue;
          }
          List<Object> reference = run(new ScalarKernels(), x, before, masked);
          List<Object> scalar = run(new ScalarKernels(), x, before, c -> c.keepAllowed(longs));
          List<Object> vector =
              run(KernelProvider.newKernels(), x, before, c -> c.keepAllowed(longs));
          List<Object> fromInts = run(new ScalarKernels(), x, before, c -> c.keepAllowed(ints));
          String what = "V=" + v + " density " + density;
          assertArrayEquals((int[]) scalar.get(0), (int[]) vector.get(0), what + " ids");
          assertArrayEquals((float[]) scalar.get(1), (float[]) vector.get(1),
              what + ": scalar and vector kernels agree bit for bit");
          assertArrayEquals((int[]) scalar.get(0), (int[]) fromInts.get(0), what + " int words");
          assertArrayEquals((float[]) scalar.get(1), (float[]) fromInts.get(1), what);
          double[] expected = byId(reference, v);
          double[] actual = byId(scalar, v);
          for (int id = 0; id < v; id++) {
            assertEquals(expected[id], actual[id], 1e-6 * Math.max(1e-3, expected[id]),
                what + " probability of token " + id);
            if (!allowed[id]) {
              assertEquals(0.0, actual[id], what + " disallowed token " + id);
            }
          }
          cases++;
        }
      }
    }
    assertTrue(cases > SIZES.length * DENSITIES.length * 3, "cases run: " + cases);
  }

  @Test
  void bitmasksValidateEveryLogitAllowedOrNot() {
    for (int v : new int[] {10, 5000}) {
      for (boolean sparse : new boolean[] {true, false}) {
        float[] x = logits(new Random(v), v);
        boolean[] allowed = new boolean[v];
        for (int i = 0; i < v; i++) {
          allowed[i] = sparse ? i == 7 : i != 3;
        }
        x[7] = 1f;
        x[3] = Float.NaN;
        Candidates c = new Candidates(v);
        c.reset(x, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> c.keepAllowed(longWords(allowed)));
        assertEquals("logits[3] is NaN; logits must be finite or -Infinity", e.getMessage());
        x[3] = Float.POSITIVE_INFINITY;
        c.reset(x, 0);
        e = assertThrows(IllegalArgumentException.class, () -> c.keepAllowed(intWords(allowed)));
        assertTrue(e.getMessage().startsWith("logits[3] is +Infinity"), e.getMessage());
      }
    }
  }

  /**
   * A bitmask over logits a stage already copied and edited (the masked copy then writes in
   * place) still names the invalid logit, allowed or not; an overflow of the pending temperature
   * folded into the copy is reported by the next pass.
   */
  @Test
  void bitmasksOverEditedLogitsNameTheInvalidOne() {
    int v = 5000;
    for (boolean allowedInvalid : new boolean[] {false, true}) {
      float[] x = logits(new Random(v), v);
      boolean[] allowed = new boolean[v];
      for (int i = 0; i < v; i++) {
        allowed[i] = i != (allowedInvalid ? 4 : 3);
      }
      x[7] = 1f;
      Candidates c = new Candidates(v);
      c.reset(x, 0);
      c.writes().edit();
      c.writes().write(3, Float.POSITIVE_INFINITY);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> c.keepAllowed(longWords(allowed)));
      assertTrue(e.getMessage().startsWith("logits[3] is +Infinity"), e.getMessage());
    }
    float[] x = logits(new Random(v), v);
    x[9] = 3e38f;
    boolean[] allowed = new boolean[v];
    java.util.Arrays.fill(allowed, true);
    allowed[10] = false;
    Candidates c = new Candidates(v);
    c.reset(x, 0);
    c.scale(2f);
    c.keepAllowed(intWords(allowed));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::maxLogit);
    assertTrue(e.getMessage().startsWith("logits[9] is +Infinity"), e.getMessage());
  }

  @Test
  void aBitmaskThatAllowsNoFiniteLogitIsAnError() {
    float[] x = {0f, 1f, Float.NEGATIVE_INFINITY, 2f};
    Candidates c = new Candidates(4);
    c.reset(x, 0);
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> c.keepAllowed(new long[] {0L}));
    assertEquals(
        "allowedBits allows no candidate with a finite logit: no token can be sampled",
        none.getMessage());
    c.reset(x, 0);
    assertThrows(IllegalArgumentException.class, () -> c.keepAllowed(new int[] {0b0100}));
    c.reset(x, 0);
    IllegalArgumentException shortWords =
        assertThrows(IllegalArgumentException.class, () -> c.keepAllowed(new long[0]));
    assertEquals("allowedBits.length must be >= 1 (64-bit words for 4 tokens), got 0",
        shortWords.getMessage());
    assertThrows(NullPointerException.class, () -> c.keepAllowed((long[]) null));
    c.reset(x, 0);
    c.keepAllowed(new long[] {0b0101L});
    assertEquals(0f, c.maxLogit(), "the maximum of the allowed logits");
    assertEquals(1f, c.probability(0), 0f);
    assertEquals(0f, x[3] - 2f, "the caller's logits are never written");
  }

  @Test
  void keepAtLeastKeepsTheLogitsAtOrAboveTheThresholdWithTheTemperature() {
    Random random = new Random(99);
    for (int v : SIZES) {
      for (Consumer<Candidates> before : befores()) {
        float[] x = logits(random, v);
        Candidates c = new Candidates(v);
        c.reset(x, 0);
        before.accept(c);
        float threshold = c.logit(random.nextInt(c.size()));
        if (!Float.isFinite(threshold)) {
          threshold = c.maxLogit() - 1f;
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
          if (c.logit(i) >= threshold) {
            expected.add(c.id(i));
          }
        }
        c.keepAtLeast(threshold, 1);
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
          kept.add(c.id(i));
        }
        assertEquals(expected, kept, "V=" + v + " threshold " + threshold);
      }
    }
    Candidates c = new Candidates(5);
    c.reset(new float[] {1, 5, 3, 5, 2}, 0);
    c.keepAtLeast(100f, 2);
    assertEquals(2, c.size(), "min_keep: the two largest (a tie of 5s)");
    assertThrows(IllegalArgumentException.class, () -> c.keepAtLeast(Float.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> c.keepAtLeast(0f, 0));
  }

  @Test
  void keepLargestIsTopK() {
    Random random = new Random(7);
    for (int v : SIZES) {
      for (int k : new int[] {1, 2, 40, 4000}) {
        float[] x = logits(random, v);
        List<Object> stage = run(new ScalarKernels(), x, c -> { }, c -> new TopK(k).apply(c));
        List<Object> primitive = run(new ScalarKernels(), x, c -> { }, c -> c.keepLargest(k));
        assertArrayEquals((int[]) stage.get(0), (int[]) primitive.get(0));
        assertArrayEquals((float[]) stage.get(1), (float[]) primitive.get(1));
      }
    }
    Candidates c = new Candidates(3);
    c.reset(new float[] {0, Float.NaN, 1}, 0);
    assertThrows(IllegalArgumentException.class, () -> c.keepLargest(5), "validates");
    assertThrows(IllegalArgumentException.class, () -> c.keepLargest(0));
  }

  @Test
  void keepTokensKeepsTheListedCandidatesInTheirOrder() {
    float[] x = {3, 1, 4, 1, 5, 9, 2, 6};
    Candidates c = new Candidates(8);
    c.reset(x, 0);
    c.keepTokens(1, 4, 5, 7);
    assertEquals(4, c.size());
    assertEquals(List.of(1, 4, 5, 7), List.of(c.id(0), c.id(1), c.id(2), c.id(3)));
    new TopK(3).apply(c);
    c.keepTokens(4, 6, 7);
    assertEquals(List.of(7, 4), List.of(c.id(0), c.id(1)), "explicit: in candidate order");
    IllegalArgumentException none =
        assertThrows(IllegalArgumentException.class, () -> c.keepTokens(0, 1));
    assertEquals("tokenIds keeps none of the 2 candidates: no token can be sampled",
        none.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.keepTokens(4, 4));
    assertThrows(IllegalArgumentException.class, () -> c.keepTokens(8));
    x[0] = Float.NaN;
    c.reset(x, 0);
    assertThrows(IllegalArgumentException.class, () -> c.keepTokens(1), "cannot hide a NaN");
  }
}
