package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.config.GenerationConfigJson;
import dev.tokensampler.config.SamplerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TopH}: transformers' {@code test_top_h_dist_warper} cases, a straightforward reference
 * (sort, renormalise over the top 100, prefix of the entropy terms) on random inputs on both
 * candidate paths, the 100-token cap, and its spec and {@code generation_config.json} keys.
 */
class TopHTest {
  private static float[] log(double... p) {
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (float) Math.log(p[i]);
    }
    return out;
  }

  /** The probability of every token after the stage (0 for removed tokens). */
  private static float[] after(TruncationPath path, float[] logits, float topH) {
    Candidates c = path.start(logits, 1);
    new TopH(topH).apply(c);
    return StageRun.probabilitiesById(c, logits.length);
  }

  /** transformers' four cases, asserted as its test asserts them (1e-3). */
  @Test
  void transformersTestValues() {
    Object[][] cases = {
      {log(0.97, 0.01, 0.01, 0.01), 0.3f, new double[] {0.97, 0, 0, 0}},
      {log(0.4, 0.3, 0.2, 0.1), 0.7f, new double[] {0.4, 0.3, 0, 0}},
      {log(0.25, 0.25, 0.25, 0.25), 1.0f, new double[] {0.25, 0.25, 0.25, 0.25}},
      {log(0.75, 0.25, 0.0, 0.0), 0.4f, new double[] {0.75, 0, 0, 0}},
    };
    for (TruncationPath path : TruncationPath.values()) {
      for (Object[] c : cases) {
        float[] logits = (float[]) c[0];
        double[] expected = (double[]) c[2];
        float[] p = after(path, logits, (Float) c[1]);
        // transformers compares exp(filtered logits): the kept tokens keep their original
        // probabilities; here the kept tokens are renormalised, so compare the kept set and the
        // ratios.
        double keptMass = 0;
        for (double e : expected) {
          keptMass += e;
        }
        for (int i = 0; i < expected.length; i++) {
          assertEquals(expected[i] / keptMass, p[i], 1e-3, path + " " + Arrays.toString(expected));
        }
      }
    }
  }

  /** The kept token ids by a plain reference of transformers' rule. */
  static List<Integer> reference(float[] logits, float topH) {
    Integer[] ids = new Integer[logits.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    Arrays.sort(ids, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : a - b);
    int n = Math.min(100, logits.length);
    double max = logits[ids[0]];
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += Math.exp(logits[ids[j]] - max);
    }
    double h = 0;
    double[] terms = new double[n];
    for (int j = 0; j < n; j++) {
      double p = Math.exp(logits[ids[j]] - max) / sum;
      terms[j] = p > 0 ? -p * Math.log(p) : Double.NaN;
      h += p > 0 ? terms[j] : 0;
    }
    List<Integer> kept = new ArrayList<>(List.of(ids[0]));
    double cumulative = terms[0];
    for (int j = 1; j < n; j++) {
      cumulative += terms[j];
      if (!(cumulative <= h * topH)) {
        break;
      }
      kept.add(ids[j]);
    }
    kept.sort(null);
    return kept;
  }

  @Test
  void matchesAReferenceOnRandomInputs() {
    Random random = new Random(44);
    for (int trial = 0; trial < 200; trial++) {
      int v = 1 + random.nextInt(trial < 100 ? 60 : 3000);
      float[] logits = new float[v];
      for (int i = 0; i < v; i++) {
        logits[i] = random.nextInt(10) == 0 && i > 0 ? Float.NEGATIVE_INFINITY
            : (float) Math.round(random.nextGaussian() * 3 * 8) / 8f;
      }
      logits[0] = Math.max(logits[0], 0f);
      float topH = 0.05f + 0.95f * random.nextFloat();
      List<Integer> expected = reference(logits, topH);
      for (TruncationPath path : TruncationPath.values()) {
        Candidates c = path.start(logits, 1);
        new TopH(topH).apply(c);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
          if (c.probability(i) > 0) {
            ids.add(c.id(i));
          }
        }
        ids.sort(null);
        assertEquals(expected, ids, "trial " + trial + " V=" + v + " top_h=" + topH + " " + path);
        assertTrue(ids.size() <= 100);
      }
    }
  }

  @Test
  void keysAndErrors() {
    SamplerSpec spec = SamplerSpec.parse("temperature=0.8,top_h=0.4,seed=1");
    assertTrue(spec.config().stages().get(1) instanceof TopH, spec.config().stages().toString());
    SamplerSpec json = GenerationConfigJson.parse(
        "{\"do_sample\": true, \"top_h\": 0.5, \"temperature\": 0.7, \"top_k\": 20}");
    assertEquals("temperature=0.7,top_h=0.5,top_k=20", json.toString(),
        "transformers' order: temperature, top_h, top_k");
    for (float bad : new float[] {0f, 1.5f, Float.NaN, -0.1f}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TopH(bad));
      assertTrue(e.getMessage().contains("top_h") && e.getMessage().contains(String.valueOf(bad)));
    }
  }
}
