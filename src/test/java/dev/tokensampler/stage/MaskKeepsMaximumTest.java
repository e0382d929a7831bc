package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.Kernels;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Masks and bans validate the logits with one maximum pass ({@link Candidates#prepareMask})
 * and keep that maximum for the stages after them: the softmax after a mask makes no second pass
 * unless a masked token held the maximum, and its probabilities are bit for bit those computed
 * with a fresh maximum. A custom stage that masks with {@link Candidates#mask} or
 * {@link Candidates#setLogit} gets the same without validating first, however many tokens it
 * masks, and cannot write a NaN. An allowed-token bitmask over most of the vocabulary makes no
 * maximum pass at all: its masked copy validates every logit and finds the new maximum.
 */
class MaskKeepsMaximumTest {
  private static final int V = 1000;

  /** Counts the calls of {@link Kernels#max} on this JVM's kernels. */
  private static final class MaxCounter implements InvocationHandler {
    private final Kernels target = KernelProvider.newKernels();
    int maxCalls;

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().equals("max")) {
        maxCalls++;
      }
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    Kernels kernels() {
      return (Kernels) Proxy.newProxyInstance(
          Kernels.class.getClassLoader(), new Class<?>[] {Kernels.class}, this);
    }
  }

  private static BitSet allBut(int... excluded) {
    BitSet set = new BitSet();
    set.set(0, V);
    for (int id : excluded) {
      set.clear(id);
    }
    return set;
  }

  /** Each masking stage, given the token it removes. */
  static List<Arguments> masks() {
    IntFunction<Stage> ban = t -> {
      BitSet set = new BitSet();
      set.set(t);
      return TokenMask.banning(set);
    };
    IntFunction<Stage> allowMost = t -> TokenMask.allowing(allBut(t, t / 2 + 1, V - 1));
    IntFunction<Stage> badWord = t -> new BannedSequences(List.of(new int[] {t}));
    IntFunction<Stage> minNewTokens = t -> new MinNewTokens(5, t);
    IntFunction<Stage> customMask = t -> c -> {
      c.maxLogit();
      c.setLogit(t, Float.NEGATIVE_INFINITY);
    };
    IntFunction<Stage> publicMask = t -> c -> c.mask(t);
    IntFunction<Stage> publicSetLogit = t -> c -> c.setLogit(t, Float.NEGATIVE_INFINITY);
    IntFunction<Stage> manyMasks = t -> c -> {
      c.mask(t);
      for (int i = 0; i < V; i += 7) {
        c.mask(i == argmax(logits()) ? (i + 1) % V : i);
      }
      c.mask(t);
    };
    IntFunction<Stage> bitmask = t -> {
      long[] words = new long[(V + 63) / 64];
      java.util.Arrays.fill(words, -1L);
      words[t >>> 6] &= ~(1L << t);
      return c -> c.keepAllowed(words);
    };
    return List.of(
        Arguments.of("custom stage: allowed-token bitmask", bitmask, true),
        Arguments.of("custom stage: mask", publicMask, false),
        Arguments.of("custom stage: setLogit alone", publicSetLogit, false),
        Arguments.of("custom stage: many masks", manyMasks, false),
        Arguments.of("banned token", ban, false),
        Arguments.of("allowed set of all but three", allowMost, false),
        Arguments.of("one-token bad word", badWord, false),
        Arguments.of("min_new_tokens on its EOS", minNewTokens, false),
        Arguments.of("custom stage: maxLogit, then setLogit", customMask, false));
  }

  private static float[] logits() {
    float[] x = new float[V];
    for (int i = 0; i < V; i++) {
      x[i] = (float) Math.sin(i * 0.37) * 4f + (i % 11) * 0.125f;
    }
    return x;
  }

  private static int argmax(float[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) {
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  private static float[] probabilities(Candidates c) {
    float[] p = new float[c.size()];
    for (int i = 0; i < p.length; i++) {
      p[i] = c.probability(i);
    }
    return p;
  }

  /** Runs temperature (before or after the mask) and the mask; returns the probabilities. */
  private static float[] run(Candidates c, float[] logits, Stage mask, boolean temperatureFirst,
      boolean freshMaximum) {
    c.reset(logits, 0);
    Stage temperature = new Temperature(0.7f);
    if (temperatureFirst) {
      temperature.apply(c);
    }
    mask.apply(c);
    if (freshMaximum) {
      c.writes().edit();
    }
    if (!temperatureFirst) {
      temperature.apply(c);
    }
    return probabilities(c);
  }

  private static void check(IntFunction<Stage> mask, int removed, boolean temperatureFirst,
      int expectedMaxPasses) {
    float[] logits = logits();
    MaxCounter counter = new MaxCounter();
    Candidates counted = new Candidates(V, counter.kernels());
    float[] kept = run(counted, logits, mask.apply(removed), temperatureFirst, false);
    assertEquals(expectedMaxPasses, counter.maxCalls, "maximum passes");

    float[] fresh = run(new Candidates(V), logits, mask.apply(removed), temperatureFirst, true);
    assertEquals(fresh.length, kept.length);
    for (int i = 0; i < fresh.length; i++) {
      assertEquals(Float.floatToRawIntBits(fresh[i]), Float.floatToRawIntBits(kept[i]),
          "probability of candidate " + i);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("masks")
  void theSoftmaxAfterAMaskReusesItsMaximum(
      String name, IntFunction<Stage> mask, boolean maskedCopy) {
    int top = argmax(logits());
    check(mask, (top + 17) % V, false, maskedCopy ? 0 : 1);
    check(mask, (top + 17) % V, true, maskedCopy ? 0 : 1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("masks")
  void maskingTheMaximumTokenCostsASecondPass(
      String name, IntFunction<Stage> mask, boolean maskedCopy) {
    int top = argmax(logits());
    check(mask, top, false, maskedCopy ? 0 : 2);
    check(mask, top, true, maskedCopy ? 0 : 2);
  }

  @Test
  void setLogitRejectsNanAndPositiveInfinity() {
    Candidates c = new Candidates(V);
    c.reset(logits(), 0);
    c.maxLogit();
    int i = (argmax(logits()) + 17) % V;
    float before = c.logit(i);
    IllegalArgumentException nan =
        assertThrows(IllegalArgumentException.class, () -> c.setLogit(i, Float.NaN));
    assertEquals("the value of candidate " + i + " is NaN; logits must be finite or -Infinity",
        nan.getMessage());
    assertThrows(IllegalArgumentException.class, () -> c.setLogit(i, Float.POSITIVE_INFINITY));
    assertEquals(before, c.logit(i), "nothing written");
  }

  /** A custom mask cannot hide an invalid logit: the first write validates, whatever it writes. */
  @Test
  void aMaskOverANanThrows() {
    float[] x = logits();
    x[5] = Float.NaN;
    Candidates c = new Candidates(V);
    c.reset(x, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.mask(5));
    assertEquals("logits[5] is NaN; logits must be finite or -Infinity", e.getMessage());
    x[5] = Float.POSITIVE_INFINITY;
    c.reset(x, 0);
    assertThrows(IllegalArgumentException.class,
        () -> c.setLogit(5, Float.NEGATIVE_INFINITY));
  }
}
