package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.RepetitionPenalty;
import dev.tokensampler.stage.Stage;
import dev.tokensampler.stage.TokenMask;
import dev.tokensampler.stage.Xtc;
import java.time.Duration;
import java.util.BitSet;
import java.util.ConcurrentModificationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Calls a sampler's contract forbids or that go wrong midway: state changes during a sample,
 * failed calls and their random numbers, token ids outside the vocabulary.
 */
class SamplerMisuseTest {
  private static final int V = 30;

  private static float[] logits(int step) {
    return TestLogits.gaussian(V, 2, 500 + step);
  }

  /** A stage that runs an action on its own sampler while applied. */
  private static final class Reentrant implements Stage {
    final AtomicReference<Sampler> sampler = new AtomicReference<>();
    final Consumer<Sampler> action;

    Reentrant(Consumer<Sampler> action) {
      this.action = action;
    }

    @Override
    public void apply(Candidates candidates) {
      action.accept(sampler.get());
    }
  }

  private static void assertReentryFails(Consumer<Sampler> action) {
    AtomicReference<RuntimeException> seen = new AtomicReference<>();
    Reentrant stage = new Reentrant(s -> {
      try {
        action.accept(s);
      } catch (RuntimeException e) {
        seen.set(e);
      }
    });
    Sampler sampler = SamplerConfig.builder().stage(new RepetitionPenalty(1.5f, 4)).stage(stage)
        .build().newSampler(3L);
    stage.sampler.set(sampler);
    Sampler reference = SamplerConfig.builder().stage(new RepetitionPenalty(1.5f, 4))
        .build().newSampler(3L);
    for (int t = 0; t < 4; t++) {
      assertEquals(reference.sample(logits(t)), sampler.sample(logits(t)), "step " + t);
      assertTrue(seen.get() instanceof ConcurrentModificationException, String.valueOf(seen.get()));
      seen.set(null);
    }
    assertEquals(stateOf(reference), stateOf(sampler));
  }

  /** The state without the fingerprint's stage list, which differs by the extra stage. */
  private static String stateOf(Sampler sampler) {
    return sampler.tokensSampled() + " " + sampler.vocabularySize();
  }

  @Test
  void stateChangesFromInsideAStageFailFast() {
    assertReentryFails(s -> s.accept(1));
    assertReentryFails(Sampler::reset);
    assertReentryFails(Sampler::saveState);
    assertReentryFails(s -> s.restoreState(new byte[0]));
    assertReentryFails(s -> s.sample(logits(0)));
  }

  @Test
  void acceptFromAnotherThreadDuringASampleFailsFast() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Stage blocking = c -> {
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    Sampler sampler = SamplerConfig.builder().stage(new RepetitionPenalty(1.5f, 4))
        .stage(blocking).build().newSampler(1L);
    Thread sampling = new Thread(() -> sampler.sample(logits(0)));
    sampling.start();
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      inside.await();
      assertThrows(ConcurrentModificationException.class, () -> sampler.accept(2));
      assertThrows(ConcurrentModificationException.class, sampler::reset);
      assertThrows(ConcurrentModificationException.class, sampler::saveState);
      release.countDown();
      sampling.join();
    });
    assertEquals(1, sampler.tokensSampled());
  }

  @Test
  void acceptedIdsOutsideTheVocabularyAreErrors() {
    Sampler sampler = SamplerConfig.builder().stage(new RepetitionPenalty(1.5f, 4))
        .build().newSampler(1L);
    sampler.sample(logits(0));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> sampler.accept(V));
    assertEquals("token " + V + " is outside the vocabulary of size " + V, e.getMessage());
    Sampler plain = SamplerConfig.builder().build().newSampler(1L);
    plain.sample(logits(0));
    assertThrows(IllegalArgumentException.class, () -> plain.accept(V + 5));
    assertThrows(IllegalArgumentException.class, () -> plain.accept(-1));

    Sampler early = SamplerConfig.builder().stage(new RepetitionPenalty(1.5f, 4))
        .build().newSampler(1L);
    early.accept(3);
    early.accept(999);
    e = assertThrows(IllegalArgumentException.class, () -> early.sample(logits(0)));
    assertTrue(e.getMessage().contains("999") && e.getMessage().contains("vocabulary of size "
        + V), e.getMessage());
    assertEquals(0, early.vocabularySize());
    early.reset();
    early.sample(logits(0));
  }

  /** A stage that throws on demand, after the chain's random value may have been taken. */
  private static final class FailOnDemand implements Stage {
    boolean fail;

    @Override
    public void apply(Candidates candidates) {
      if (fail) {
        throw new IllegalArgumentException("asked to fail");
      }
    }
  }

  @Test
  void aCallThatThrowsTakesNoRandomNumber() {
    BitSet onlyZero = new BitSet();
    onlyZero.set(0);
    // XTC takes the step's random value; the mask after it then leaves nothing when XTC removed
    // token 0 (by far the most likely with the logits below).
    SamplerConfig builtIn = SamplerConfig.builder().stage(new Xtc(0.999f, 0.05f, 1))
        .stage(TokenMask.allowing(onlyZero)).build();
    float[] zeroFirst = new float[V];
    zeroFirst[0] = 5f;
    zeroFirst[1] = 4.9f;
    float[] zeroOnly = new float[V];
    java.util.Arrays.fill(zeroOnly, -3f);
    zeroOnly[0] = 1f;
    Sampler failed = builtIn.newSampler(42L);
    assertThrows(IllegalArgumentException.class, () -> failed.sample(zeroFirst));
    Sampler clean = builtIn.newSampler(42L);
    for (int t = 0; t < 5; t++) {
      assertEquals(clean.sample(zeroOnly), failed.sample(zeroOnly));
    }
    assertArrayEquals(clean.saveState(), failed.saveState());

    FailOnDemand failing = new FailOnDemand();
    SamplerConfig custom = SamplerConfig.builder().stage(new Xtc(0.5f, 0.01f, 1))
        .stage(failing).temperature(1.2f).build();
    Sampler a = custom.newSampler(7L);
    Sampler b = custom.newSampler(7L);
    failing.fail = true;
    assertThrows(IllegalArgumentException.class, () -> a.sample(logits(0)));
    byte[] afterFailure = a.saveState();
    failing.fail = false;
    Sampler c = custom.newSampler(99L);
    c.restoreState(afterFailure);
    for (int t = 0; t < 10; t++) {
      int expected = b.sample(logits(t));
      assertEquals(expected, a.sample(logits(t)), "step " + t);
      assertEquals(expected, c.sample(logits(t)), "restored, step " + t);
    }
  }

  @Test
  void speculativeStateChangesFromInsideAStageFailFast() {
    AtomicReference<dev.tokensampler.speculative.SpeculativeSampler> self = new AtomicReference<>();
    AtomicReference<RuntimeException> seen = new AtomicReference<>();
    Stage reentrant = c -> {
      try {
        self.get().accept(1);
      } catch (RuntimeException e) {
        seen.set(e);
      }
    };
    dev.tokensampler.speculative.SpeculativeSampler spec = dev.tokensampler.speculative
        .SpeculativeSampler.create(SamplerConfig.builder().stage(reentrant).build(), 1L);
    self.set(spec);
    int[] out = new int[1];
    assertEquals(1, spec.verify(logits(0), new float[0], new int[0], 0, V, out));
    assertTrue(seen.get() instanceof ConcurrentModificationException, String.valueOf(seen.get()));
  }
}
