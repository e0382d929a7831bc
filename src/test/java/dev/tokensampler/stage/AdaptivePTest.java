package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.config.SamplerSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link AdaptiveP} against a port of llama.cpp's {@code llama_sampler_adaptive_p} (float
 * arithmetic, its softmax, transform and EMA) on random inputs, on both candidate paths; its
 * draws follow the transformed distribution; a negative target is the plain draw; it ends the
 * chain; its spec keys and llama.cpp's defaults.
 */
class AdaptivePTest {
  /** llama.cpp's softmax of the finite logits, in float. */
  static float[] softmax(float[] logits) {
    float max = Float.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    float sum = 0f;
    float[] p = new float[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = (float) Math.exp(logits[i] - max);
      sum += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= sum;
    }
    return p;
  }

  /** The reference state and step: llama.cpp's apply (without the draw) and accept. */
  static final class Reference {
    final float target;
    final float decay;
    float weightedSum;
    float totalWeight;

    Reference(float target, float decay) {
      this.target = target;
      this.decay = decay;
      weightedSum = target / (1.0f - decay);
      totalWeight = 1.0f / (1.0f - decay);
    }

    float adapted() {
      float t = Math.max(0f, Math.min(1f, target));
      float a = totalWeight == 0.0f ? t : 2.0f * t - (weightedSum / totalWeight);
      return Math.max(0f, Math.min(1f, a));
    }

    float[] transformed(float[] logits) {
      float[] p = softmax(logits);
      float adapted = adapted();
      float[] out = logits.clone();
      for (int i = 0; i < out.length; i++) {
        if (logits[i] == Float.NEGATIVE_INFINITY) {
          continue;
        }
        float dist = Math.abs((p[i] - adapted) * (1.0f / 0.3f));
        out[i] = 5.0f - 10.0f * dist * dist / (1.0f + dist);
      }
      return softmax(out);
    }

    void accept(float[] logits, int token) {
      weightedSum = softmax(logits)[token] + decay * weightedSum;
      totalWeight = 1.0f + decay * totalWeight;
    }
  }

  static float[] randomLogits(Random random, int v) {
    float[] logits = new float[v];
    for (int i = 0; i < v; i++) {
      logits[i] = random.nextInt(6) == 0 ? Float.NEGATIVE_INFINITY
          : (float) (random.nextGaussian() * 2.5);
    }
    logits[random.nextInt(v)] = 1f;
    return logits;
  }

  @Test
  void matchesLlamaCppOnRandomInputs() {
    Random random = new Random(2026);
    for (int trial = 0; trial < 60; trial++) {
      int v = 2 + random.nextInt(300);
      float target = random.nextFloat();
      float decay = random.nextFloat() * 0.99f;
      for (TruncationPath path : TruncationPath.values()) {
        AdaptiveP stage = new AdaptiveP(target, decay);
        Reference reference = new Reference(target, decay);
        int steps = random.nextInt(6);
        for (int s = 0; s <= steps; s++) {
          float[] logits = randomLogits(random, v);
          assertEquals(reference.adapted(), stage.adaptedTarget(), 2e-6f, "trial " + trial);
          Candidates c = path.start(logits, 1);
          stage.transform(c);
          float[] expected = reference.transformed(logits);
          for (int i = 0; i < c.size(); i++) {
            int id = c.id(i);
            if (id < v) {
              assertEquals(expected[id], c.probability(i), 2e-6f + 1e-5f * expected[id],
                  "trial " + trial + " " + path + " step " + s + " token " + id);
            }
          }
          // The step completes with a draw; both sides accept the drawn token.
          Candidates d = path.start(logits, 1);
          d.useRandomBits(random.nextLong());
          stage.apply(d);
          int token = d.selectedId();
          stage.accept(token);
          reference.accept(logits, token);
        }
      }
    }
  }

  /** Quantile draws: token frequencies equal the transformed probabilities to 1 / N. */
  @Test
  void drawsFollowTheTransformedDistribution() {
    float[] logits = randomLogits(new Random(5), 40);
    float[] expected = new Reference(0.2f, 0.9f).transformed(logits);
    int n = 20_000;
    int[] counts = new int[40];
    for (int k = 0; k < n; k++) {
      Candidates c = TruncationPath.WHOLE_VOCABULARY.start(logits, 1);
      c.useRandomBits((long) (((k + 0.5) / n) * 0x1p53) << 11);
      new AdaptiveP(0.2f, 0.9f).apply(c);
      assertTrue(c.isSelected());
      counts[c.selectedId()]++;
    }
    for (int t = 0; t < 40; t++) {
      assertEquals(expected[t], counts[t] / (double) n, 2.0 / n + 1e-5, "token " + t);
    }
  }

  @Test
  void aNegativeTargetIsThePlainDrawAndTheStageEndsTheChain() {
    Sampler plain = SamplerConfig.builder().build().newSampler(9);
    Sampler off = SamplerConfig.builder().stage(new AdaptiveP(-1f, 0.9f)).build().newSampler(9);
    Sampler alone = SamplerConfig.builder().stage(new AdaptiveP(0.3f, 0.5f)).build().newSampler(4);
    Sampler beforeGreedy = SamplerConfig.builder().stage(new AdaptiveP(0.3f, 0.5f))
        .stage(Greedy.INSTANCE).build().newSampler(4);
    Random random = new Random(1);
    for (int step = 0; step < 300; step++) {
      float[] logits = randomLogits(random, 64);
      assertEquals(plain.sample(logits), off.sample(logits), "step " + step);
      assertEquals(alone.sample(logits), beforeGreedy.sample(logits), "step " + step);
    }
  }

  @Test
  void specKeysDefaultsAndErrors() {
    SamplerSpec spec = SamplerSpec.parse("min_p=0.05,adaptive_target=0.4,adaptive_decay=0.8");
    assertEquals("min_p=0.05,adaptive_target=0.4,adaptive_decay=0.8", spec.toString());
    assertEquals(2, spec.config().stages().size());
    assertEquals(0.9f, ((AdaptiveP) SamplerSpec.parse("adaptive_target=0.5").config().stages()
        .get(0)).decay(), "llama.cpp's default decay");
    assertTrue(SamplerSpec.parse("adaptive_target=-1").config().stages().isEmpty());
    assertEquals("-1.0", SamplerSpec.preset("llama.cpp").value("adaptive_target"));
    java.util.List<Stage> preset =
        SamplerSpec.parse("preset=llama.cpp,adaptive_target=0.5").config().stages();
    assertEquals(5, preset.size(), "top-k, top-p, min-p, temperature, adaptive-p: " + preset);
    assertTrue(preset.get(4) instanceof AdaptiveP, preset.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new AdaptiveP(0.5f, 1.0f));
    assertTrue(e.getMessage().contains("adaptive_decay") && e.getMessage().contains("1.0"));
    e = assertThrows(IllegalArgumentException.class, () -> new AdaptiveP(Float.NaN, 0.5f));
    assertTrue(e.getMessage().contains("adaptive_target") && e.getMessage().contains("NaN"));
  }

  @Test
  void stateIsSavedRestoredAndCopied() throws Exception {
    AdaptiveP stage = new AdaptiveP(0.3f, 0.7f);
    float[] logits = randomLogits(new Random(3), 20);
    Candidates c = TruncationPath.WHOLE_VOCABULARY.start(logits, 1);
    c.useRandomBits(12345L);
    stage.apply(c);
    stage.accept(c.selectedId());
    AdaptiveP restored = new AdaptiveP(0.3f, 0.7f);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    stage.saveState(new java.io.DataOutputStream(bytes));
    restored.restoreState(new java.io.DataInputStream(
        new java.io.ByteArrayInputStream(bytes.toByteArray())));
    assertEquals(stage.adaptedTarget(), restored.adaptedTarget());
    assertEquals(stage.adaptedTarget(), ((AdaptiveP) stage.copy()).adaptedTarget());
    stage.reset();
    assertEquals(0.3f, stage.adaptedTarget(), 1e-6f);
    assertArrayEquals(new float[] {0.3f}, new float[] {new AdaptiveP(0.3f, 0.7f).adaptedTarget()},
        1e-6f);
  }
}
