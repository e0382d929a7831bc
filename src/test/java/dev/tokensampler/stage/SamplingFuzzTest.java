package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import dev.tokensampler.kernel.KernelProvider;
import dev.tokensampler.kernel.ScalarKernels;
import dev.tokensampler.random.Seeds;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets for sampling and for the history stages, on arbitrary float bit patterns, chains,
 * parameters and token sequences. Allowed outcomes: a token in range, or the documented
 * exceptions ({@link IllegalArgumentException} for bad parameters or logits,
 * {@link NullPointerException} for null). Valid logits give the same token on the scalar kernels
 * and on the kernels picked for this JVM; invalid logits are rejected by both.
 *
 * <p>Candidates draw from a generator seeded from the input, as a sampler's do, so stages that
 * take the step's random value (XTC, mirostat) run too.
 *
 * <p>A new stage joins by adding a case to {@link #stage} and raising {@code STAGE_KINDS}. The
 * kind is read as one byte modulo {@code STAGE_KINDS}, so raising it changes the chain that a
 * saved input builds: re-encode the saved inputs so that they still build the chain they were
 * saved for (the chain is in the failure message when the fix is reverted).
 */
@Tag("fuzz")
class SamplingFuzzTest {
  private static final int MAX_VOCABULARY = 2100;
  private static final int STAGE_KINDS = 21;

  @FuzzTest(maxDuration = "30s")
  void sampleArbitraryLogits(FuzzedDataProvider data) {
    int v = data.consumeInt(1, MAX_VOCABULARY);
    List<Stage> chain = new ArrayList<>();
    int stages = data.consumeInt(0, 4);
    for (int s = 0; s < stages; s++) {
      Stage stage = stageOrNull(data, v);
      if (stage != null) {
        chain.add(stage);
      }
    }
    float[] logits = new float[v];
    boolean fill = data.consumeBoolean();
    float base = data.consumeFloat();
    for (int i = 0; i < v; i++) {
      logits[i] = data.remainingBytes() >= 4 ? Float.intBitsToFloat(data.consumeInt())
          : fill ? base : i;
    }
    long bits = data.consumeLong();
    Outcome scalar = run(new Candidates(v, new ScalarKernels()), copies(chain), logits, bits);
    Outcome provided = run(new Candidates(v, KernelProvider.newKernels()), copies(chain), logits,
        bits);
    assertEquals(scalar.toString(), provided.toString(), "scalar vs provided kernels, " + chain);
  }

  @FuzzTest(maxDuration = "30s")
  void historyStagesOnArbitraryInput(FuzzedDataProvider data) {
    int v = data.consumeInt(1, 64);
    Stage stage = stageOrNull(data, v);
    if (stage == null) {
      return;
    }
    Candidates c = new Candidates(v);
    org.apache.commons.rng.UniformRandomProvider random = Seeds.generator(data.consumeLong());
    float[] logits = new float[v];
    for (int step = 0; step < 8 && data.remainingBytes() > 0; step++) {
      int accepted = data.consumeInt(0, 6);
      for (int a = 0; a < accepted; a++) {
        acceptOrReject(stage, data.consumeInt(-2, v + 2));
      }
      for (int i = 0; i < v; i++) {
        logits[i] = data.consumeInt(-4, 4);
      }
      c.reset(logits, 0);
      c.takeRandomFrom(random);
      try {
        stage.apply(c);
        c.validate();
        int token = c.draw(c.randomBits());
        assertTrue(token >= 0 && token < v, "token " + token);
        stage.accept(token);
      } catch (IllegalArgumentException e) {
        assertMessage(e);
      }
      if (data.consumeBoolean()) {
        Stage copy = stage.copy();
        try {
          StageRun.restored(copy, StageRun.saved(stage));
        } catch (java.io.IOException e) {
          fail("a stage rejected its own state: " + stage + ": " + e);
        }
        assertEquals(stage.toString(), copy.toString());
      }
    }
  }

  // ---- helpers ----

  /** One outcome of a run: a token or an exception's type and message. */
  private static final class Outcome {
    final String text;

    Outcome(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static Outcome run(Candidates c, List<Stage> chain, float[] logits, long bits) {
    try {
      c.reset(logits, 0);
      c.takeRandomFrom(Seeds.generator(bits));
      for (Stage stage : chain) {
        stage.apply(c);
        if (c.isSelected()) {
          break;
        }
      }
      c.validate();
      int token = c.draw(c.randomBits());
      assertTrue(token >= 0 && token < logits.length, "token " + token);
      assertValidLogitsIfDrawn(logits, chain);
      return new Outcome("token " + token);
    } catch (IllegalArgumentException e) {
      assertMessage(e);
      return new Outcome("IllegalArgumentException");
    }
  }

  /** A draw implies valid logits: no NaN, no +Infinity, not all -Infinity. */
  private static void assertValidLogitsIfDrawn(float[] logits, List<Stage> chain) {
    boolean finite = false;
    for (int i = 0; i < logits.length; i++) {
      float x = logits[i];
      assertTrue(!Float.isNaN(x) && x != Float.POSITIVE_INFINITY,
          "drew a token from logits with " + x + " at " + i + ", chain " + chain);
      finite |= x != Float.NEGATIVE_INFINITY;
    }
    assertTrue(finite, "drew a token from logits that are all -Infinity, chain " + chain);
  }

  private static void assertMessage(IllegalArgumentException e) {
    assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), "no message: " + e);
  }

  private static void acceptOrReject(Stage stage, int token) {
    try {
      stage.accept(token);
    } catch (IllegalArgumentException e) {
      assertMessage(e);
    }
  }

  private static List<Stage> copies(List<Stage> chain) {
    List<Stage> copies = new ArrayList<>();
    for (Stage stage : chain) {
      copies.add(stage.copy());
    }
    return copies;
  }

  /** A stage of a kind and parameters from the data, or null if the parameters are rejected. */
  private static Stage stageOrNull(FuzzedDataProvider data, int v) {
    try {
      return stage(data, v);
    } catch (IllegalArgumentException | NullPointerException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), "no message: " + e);
      return null;
    }
  }

  private static Stage stage(FuzzedDataProvider data, int v) {
    switch (data.consumeInt(0, STAGE_KINDS - 1)) {
      case 0:
        return new Temperature(data.consumeFloat());
      case 1:
        return new TopK(data.consumeInt(-1, v + 2), data.consumeInt(0, 4));
      case 2:
        return new TopP(data.consumeFloat(), data.consumeInt(0, 4));
      case 3:
        return Greedy.INSTANCE;
      case 4:
        return new RepetitionPenalty(data.consumeFloat(), data.consumeInt(-2, 40));
      case 5:
        return new FrequencyPresencePenalty(
            data.consumeFloat(), data.consumeFloat(), data.consumeInt(-2, 40));
      case 6:
        return new Dry(data.consumeFloat(), data.consumeFloat(), data.consumeInt(-1, 6),
            data.consumeInt(-2, 40), sequences(data, v));
      case 7:
        return new NoRepeatNGram(data.consumeInt(-1, 6));
      case 8:
        return new BannedSequences(sequences(data, v));
      case 9: {
        Map<Integer, Float> bias = new HashMap<>();
        for (int i = data.consumeInt(0, 4); i > 0; i--) {
          bias.put(data.consumeInt(-1, v + 1), data.consumeFloat());
        }
        return new LogitBias(bias);
      }
      case 10: {
        BitSet allowed = data.consumeBoolean() ? null : bits(data, v);
        return new TokenMask(allowed, bits(data, v));
      }
      case 11: {
        int[] eos = new int[data.consumeInt(0, 3)];
        for (int i = 0; i < eos.length; i++) {
          eos[i] = data.consumeInt(-1, v + 1);
        }
        return new MinNewTokens(data.consumeInt(-1, 10), eos);
      }
      case 12:
        return new MinP(parameter(data, 0f, 1f), data.consumeInt(-1, 4));
      case 13:
        return new TypicalP(parameter(data, 0f, 1f), data.consumeInt(-1, 4));
      case 14:
        return new TopNSigma(parameter(data, 0f, 5f));
      case 15:
        return new EpsilonCutoff(parameter(data, 0f, 1f), data.consumeInt(-1, 4));
      case 16:
        return new EtaCutoff(parameter(data, 0f, 1f), data.consumeInt(-1, 4));
      case 17:
        return new Xtc(parameter(data, 0f, 1f), parameter(data, 0f, 1f), data.consumeInt(-1, 4));
      case 18:
        return new DynamicTemperature(
            parameter(data, 0f, 3f), parameter(data, 0f, 3f), parameter(data, 0f, 3f));
      case 19:
        return new MirostatV1(
            parameter(data, 0f, 10f), parameter(data, 0f, 1f), data.consumeInt(-1, 120));
      default:
        return new MirostatV2(parameter(data, 0f, 10f), parameter(data, 0f, 1f));
    }
  }

  /**
   * A float parameter whose documented range is about {@code [low, high]}: an edge of it, a value
   * in it or a little outside it, or any float at all (NaN, infinities, huge, subnormal).
   */
  private static float parameter(FuzzedDataProvider data, float low, float high) {
    switch (data.consumeInt(0, 3)) {
      case 0:
        return data.pickValue(new float[] {low, high, -0f, Math.nextDown(low), Math.nextUp(high)});
      case 1:
        return data.consumeFloat();
      default: {
        float margin = (high - low) / 4;
        return data.consumeRegularFloat(low - margin, high + margin);
      }
    }
  }

  private static List<int[]> sequences(FuzzedDataProvider data, int v) {
    List<int[]> list = new ArrayList<>();
    for (int n = data.consumeInt(0, 4); n > 0; n--) {
      int[] sequence = new int[data.consumeInt(0, 4)];
      for (int j = 0; j < sequence.length; j++) {
        sequence[j] = data.consumeInt(-1, v + 1);
      }
      list.add(sequence);
    }
    return list;
  }

  private static BitSet bits(FuzzedDataProvider data, int v) {
    BitSet set = new BitSet();
    for (int i = data.consumeInt(0, 8); i > 0; i--) {
      set.set(data.consumeInt(0, v + 1));
    }
    return set;
  }
}
