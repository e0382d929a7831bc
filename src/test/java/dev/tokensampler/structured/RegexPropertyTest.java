package dev.tokensampler.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.vocab.TokenVocabulary;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sampling under a regex constraint (random logits, fixed seeds, a sampler chain with top-k and
 * temperature) yields only texts that {@code java.util.regex} matches; every random tokenization
 * of those texts is allowed token by token; and each mask agrees with advancing a copy of the
 * matcher token by token.
 */
class RegexPropertyTest {
  private static final String ALPHABET = "abcxyz019@.-+eE \"\\ntéあん\n_";
  private static final TokenVocabulary VOCAB = TestVocabularies.random(11, ALPHABET, 800, 6);
  private static final int SEEDS = 40;

  @ParameterizedTest
  @ValueSource(strings = {
    "[a-z]{2,5}@[a-z]+\\.(com|org)",
    "-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?",
    "\\d{3}-\\d{4}",
    "(ab|a)*c",
    "[^\\s\"]{1,8}( [^\\s\"]{1,8}){0,3}",
    "é+[あ-ん]?",
    "\\w+\\s\\W",
    "(?:yes|no|maybe)",
    ".{0,10}x",
    "\"([^\"\\\\]|\\\\[\"\\\\nt])*\"",
    "^(a|b)?(?<g>c+?)z$",
  })
  void sampledTextsMatchAndEveryTokenizationIsAllowed(String regex) {
    Pattern pattern = Pattern.compile(regex);
    TokenConstraint constraint = TokenConstraint.compile(Grammar.regex(regex), VOCAB);
    int eos = TestVocabularies.eos(VOCAB);
    Tokenizations tokenizations = new Tokenizations(VOCAB);
    long[] words = new long[(VOCAB.size() + 63) / 64];
    for (int seed = 0; seed < SEEDS; seed++) {
      SamplerConfig config = SamplerConfig.builder()
          .stage(new ConstraintStage(constraint)).topK(40).temperature(1.5f).build();
      Sampler sampler = config.newSampler(seed);
      Random r = new Random(seed);
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      float[] logits = new float[VOCAB.size()];
      boolean ended = false;
      for (int step = 0; step < 300 && !ended; step++) {
        for (int i = 0; i < logits.length; i++) {
          logits[i] = (float) r.nextGaussian() * 2f;
        }
        logits[eos] = step > 15 ? 50f : 0f;
        int token = sampler.sample(logits);
        if (token == eos) {
          ended = true;
        } else {
          text.writeBytes(VOCAB.tokenBytes(token));
        }
      }
      assertTrue(ended, "no end of sequence for " + regex + " after " + text);
      byte[] bytes = text.toByteArray();
      String s = new String(bytes, StandardCharsets.UTF_8);
      assertTrue(pattern.matcher(s).matches(), regex + " does not match sampled '" + s + "'");

      for (int trial = 0; trial < 3; trial++) {
        ConstraintMatcher m = constraint.newMatcher();
        for (int id : tokenizations.random(bytes, r)) {
          m.fillAllowed(words);
          if ((words[id >>> 6] & (1L << id)) == 0) {
            fail("token " + id + " of '" + s + "' not allowed by " + regex);
          }
          m.accept(id);
        }
        assertTrue(m.isAccepting());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "[a-z]{2,5}@[a-z]+\\.(com|org)",
    "(ab|a)*c",
    "é+[あ-ん]?",
    "\"([^\"\\\\]|\\\\[\"\\\\nt])*\"",
  })
  void maskAgreesWithAdvancingEachToken(String regex) {
    TokenConstraint constraint = TokenConstraint.compile(Grammar.regex(regex), VOCAB);
    Random r = new Random(regex.hashCode());
    long[] words = new long[(VOCAB.size() + 63) / 64];
    for (int walk = 0; walk < 3; walk++) {
      ConstraintMatcher m = constraint.newMatcher();
      for (int step = 0; step < 6; step++) {
        int count = m.fillAllowed(words);
        List<Integer> allowed = new ArrayList<>();
        for (int id = 0; id < VOCAB.size(); id++) {
          boolean inMask = (words[id >>> 6] & (1L << id)) != 0;
          boolean advances;
          ConstraintMatcher probe = m.copy();
          try {
            probe.accept(id);
            advances = true;
          } catch (IllegalArgumentException e) {
            advances = false;
          }
          assertEquals(advances, inMask, "token " + id + " at step " + step + " of " + regex);
          if (inMask) {
            allowed.add(id);
          }
        }
        assertEquals(allowed.size(), count);
        if (allowed.isEmpty()) {
          break;
        }
        int next = allowed.get(r.nextInt(allowed.size()));
        if (VOCAB.isEos(next)) {
          break;
        }
        m.accept(next);
      }
    }
  }
}
