package dev.tokensampler.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.Softmax;
import dev.tokensampler.TokenLogprobs;
import dev.tokensampler.kernel.ScalarKernels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LogitScorer}: every value equals, bit for bit, what {@link Softmax} and the raw values of
 * {@link TokenLogprobs} report for the same row; ranks and alternatives against a brute-force
 * reference; entropy against a double-precision reference; the scalar kernels give the same bits
 * as the kernels of this JVM; buffers give what arrays give; bad input names the place.
 */
@Tag("kernels")
class LogitScorerTest {
  private static float[] matrix(int rows, int v, long seed, boolean masked) {
    Random random = new Random(seed);
    float[] m = new float[rows * v];
    for (int i = 0; i < m.length; i++) {
      m[i] = (float) (random.nextGaussian() * 3);
      if (masked && random.nextInt(7) == 0) {
        m[i] = Float.NEGATIVE_INFINITY;
      }
      if (random.nextInt(50) == 0) {
        m[i] = m[i - (i % v)]; // ties with the row's first logit
      }
    }
    for (int r = 0; r < rows; r++) {
      m[r * v] = 1.5f;
    }
    return m;
  }

  private static int[] tokens(int rows, int v, long seed) {
    Random random = new Random(seed);
    int[] t = new int[rows];
    for (int i = 0; i < rows; i++) {
      t[i] = random.nextInt(v);
    }
    return t;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 16, 1023, 1024, 1025, 5000, 32_000})
  void everyValueIsTheSoftmaxValueBitForBit(int v) {
    int rows = 5;
    float[] m = matrix(rows, v, v, true);
    int[] tokens = tokens(rows, v, v + 1);
    int[] extra = {0, v - 1, v / 2};
    SequenceScores out = new SequenceScores(rows, 8, extra);
    LogitScorer scorer = new LogitScorer(v);
    scorer.score(m, 0, tokens, 0, rows, out);
    assertEquals(rows, out.positions());
    float[] distribution = new float[v];
    for (int r = 0; r < rows; r++) {
      float[] row = java.util.Arrays.copyOfRange(m, r * v, (r + 1) * v);
      float[] expected = Softmax.logProbabilities(row, 1f);
      assertBits(expected[tokens[r]], out.logprob(r), "row " + r);
      assertBits(expected[tokens[r]], scorer.logprob(m, r * v, tokens[r]), "logprob row " + r);
      for (int j = 0; j < extra.length; j++) {
        assertBits(expected[extra[j]], out.extraLogprob(r, j), "extra " + j);
      }
      int rank = 0;
      for (float lp : expected) {
        rank += lp >= expected[tokens[r]] ? 1 : 0;
      }
      assertEquals(rank, out.rank(r), "rank row " + r);
      scorer.logDistribution(m, r * v, distribution);
      for (int i = 0; i < v; i++) {
        assertBits(expected[i], distribution[i], "distribution row " + r + " token " + i);
      }
      assertTopMatchesSampler(row, out, r);
    }
  }

  /** The alternatives are those a sampler reports as raw alternatives for the same row. */
  private static void assertTopMatchesSampler(float[] row, SequenceScores out, int r) {
    Sampler sampler = SamplerConfig.greedy().newSampler(1);
    TokenLogprobs reported = new TokenLogprobs(8);
    int token = sampler.sample(row, reported);
    assertEquals(reported.rawTopCount(), out.topCount(r), "alternatives of row " + r);
    for (int k = 0; k < out.topCount(r); k++) {
      assertEquals(reported.rawTopId(k), out.topId(r, k), "row " + r + " rank " + k);
      assertBits(reported.rawTopLogprob(k), out.topLogprob(r, k), "row " + r + " rank " + k);
    }
    SequenceScores one = new SequenceScores(1, 0);
    new LogitScorer(row.length).score(row, 0, new int[] {token}, 0, 1, one);
    assertBits(reported.rawLogprob(), one.logprob(0), "sampled token of row " + r);
    assertEquals(1, one.rank(0), "the greedy token has rank 1 unless tied");
  }

  @Test
  void scalarKernelsGiveTheSameBits() {
    int v = 5000;
    int rows = 4;
    float[] m = matrix(rows, v, 77, true);
    int[] tokens = tokens(rows, v, 78);
    SequenceScores a = new SequenceScores(rows, 20, 3, 4);
    SequenceScores b = new SequenceScores(rows, 20, 3, 4);
    new LogitScorer(v).score(m, 0, tokens, 0, rows, a);
    LogitScorer scalar = new LogitScorer(v, new ScalarKernels());
    scalar.score(m, 0, tokens, 0, rows, b);
    float[] da = new float[v];
    float[] db = new float[v];
    for (int r = 0; r < rows; r++) {
      assertBits(a.logprob(r), b.logprob(r), "row " + r);
      assertEquals(a.rank(r), b.rank(r));
      assertBits(a.extraLogprob(r, 1), b.extraLogprob(r, 1), "extra");
      for (int k = 0; k < a.topCount(r); k++) {
        assertEquals(a.topId(r, k), b.topId(r, k));
      }
      double ha = new LogitScorer(v).logDistribution(m, r * v, da);
      double hb = scalar.logDistribution(m, r * v, db);
      assertEquals(Double.doubleToLongBits(ha), Double.doubleToLongBits(hb), "entropy");
      for (int i = 0; i < v; i++) {
        assertBits(da[i], db[i], "token " + i);
      }
    }
  }

  @Test
  void entropyMatchesADoubleReference() {
    int v = 3000;
    float[] row = matrix(1, v, 5, true);
    double max = Double.NEGATIVE_INFINITY;
    for (float x : row) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (float x : row) {
      sum += Math.exp(x - max);
    }
    double h = 0;
    for (float x : row) {
      double p = Math.exp(x - max) / sum;
      h -= p > 0 ? p * Math.log(p) : 0;
    }
    LogitScorer scorer = new LogitScorer(v);
    assertEquals(h, scorer.entropy(row, 0), 1e-5 * h);
    assertEquals(scorer.entropy(row, 0), scorer.logDistribution(row, 0, new float[v]));
    assertEquals(Math.log(4), new LogitScorer(4).entropy(new float[] {2, 2, 2, 2}, 0), 1e-7);
    assertEquals(0.0, new LogitScorer(3).entropy(
        new float[] {Float.NEGATIVE_INFINITY, 5, Float.NEGATIVE_INFINITY}, 0), 1e-12);
  }

  @Test
  void handWorkedRowsAndPerplexity() {
    // logits ln 1, ln 2, ln 5 over V = 3: probabilities 1/8, 2/8, 5/8.
    float[] m = {0f, (float) Math.log(2), (float) Math.log(5), 0f, 0f, 0f};
    SequenceScores out = new SequenceScores(4, 2, 1);
    new LogitScorer(3).score(m, 0, new int[] {0, 2}, 0, 2, out);
    assertEquals(Math.log(1.0 / 8), out.logprob(0), 1e-6);
    assertEquals(3, out.rank(0));
    assertEquals(2, out.topId(0, 0));
    assertEquals(1, out.topId(0, 1));
    assertEquals(Math.log(2.0 / 8), out.extraLogprob(0, 0), 1e-6);
    assertEquals(Math.log(1.0 / 3), out.logprob(1), 1e-6);
    assertEquals(3, out.rank(1), "three tied tokens all have the worst rank, as in vLLM");
    assertEquals(0, out.topId(1, 0), "ties list the lower id first");
    assertEquals(Math.exp(-(Math.log(1.0 / 8) + Math.log(1.0 / 3)) / 2), out.perplexity(), 1e-5);
  }

  @Test
  void buffersGiveWhatArraysGive() {
    int v = 2000;
    int rows = 3;
    float[] m = matrix(rows, v, 9, false);
    int[] tokens = tokens(rows, v, 10);
    SequenceScores fromArray = new SequenceScores(rows, 5, 7);
    SequenceScores fromDirect = new SequenceScores(rows, 5, 7);
    SequenceScores fromHeap = new SequenceScores(rows, 5, 7);
    LogitScorer scorer = new LogitScorer(v);
    scorer.score(m, 0, tokens, 0, rows, fromArray);
    FloatBuffer direct = ByteBuffer.allocateDirect((m.length + 3) * 4)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    direct.put(3, m, 0, m.length);
    scorer.score(direct, 3, tokens, 0, rows, fromDirect);
    float[] padded = new float[m.length + 5];
    System.arraycopy(m, 0, padded, 5, m.length);
    scorer.score(FloatBuffer.wrap(padded), 5, tokens, 0, rows, fromHeap);
    for (int r = 0; r < rows; r++) {
      assertBits(fromArray.logprob(r), fromDirect.logprob(r), "direct");
      assertBits(fromArray.logprob(r), fromHeap.logprob(r), "heap");
      assertEquals(fromArray.topId(r, 4), fromDirect.topId(r, 4));
      assertBits(fromArray.extraLogprob(r, 0), fromDirect.extraLogprob(r, 0), "extra");
    }
    float[] d1 = new float[v];
    float[] d2 = new float[v];
    assertEquals(scorer.logDistribution(m, v, d1), scorer.logDistribution(direct, 3 + v, d2));
    for (int i = 0; i < v; i++) {
      assertBits(d1[i], d2[i], "distribution " + i);
    }
  }

  @Test
  void badInputNamesTheRowPositionAndValue() {
    LogitScorer scorer = new LogitScorer(4);
    SequenceScores out = new SequenceScores(2, 0);
    float[] m = {1, 2, 3, 4, 1, Float.NaN, 3, 4};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> scorer.score(m, 0, new int[] {0, 1}, 0, 2, out));
    assertTrue(e.getMessage().contains("logits[1][1]")
        && e.getMessage().contains("NaN"), e.getMessage());
    assertEquals(1, out.positions(), "the rows before the bad one are written");
    float[] inf = {1, 2, Float.POSITIVE_INFINITY, 4};
    e = assertThrows(IllegalArgumentException.class, () -> scorer.logprob(inf, 0, 0));
    assertTrue(e.getMessage().contains("logits[0][2]") && e.getMessage().contains("Infinity"),
        e.getMessage());
    float[] none = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.NEGATIVE_INFINITY};
    e = assertThrows(IllegalArgumentException.class, () -> scorer.entropy(none, 0));
    assertTrue(e.getMessage().contains("-Infinity"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> scorer.score(new float[8], 0, new int[] {0, 4}, 0, 2, out));
    assertTrue(e.getMessage().contains("tokens[1]") && e.getMessage().contains("4"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> scorer.score(new float[8], 0, new int[] {0, 1}, 0, 2, new SequenceScores(2, 0, 9)));
    assertTrue(e.getMessage().contains("extraIds[0]") && e.getMessage().contains("9"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> scorer.score(new float[12], 0, new int[3], 0, 3, out));
    assertTrue(e.getMessage().contains("positions") && e.getMessage().contains("3"),
        e.getMessage());
    assertThrows(IndexOutOfBoundsException.class,
        () -> scorer.score(new float[7], 0, new int[2], 0, 2, out));
    assertThrows(IllegalArgumentException.class, () -> new SequenceScores(1, -1));
    assertThrows(IllegalArgumentException.class, () -> new SequenceScores(1, 0, -2));
  }

  private static void assertBits(float expected, float actual, String what) {
    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
        what + ": expected " + expected + ", got " + actual);
  }
}
