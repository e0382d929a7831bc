package dev.tokensampler.bench.maskbench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tokensampler.structured.ConstraintMatcher;
import dev.tokensampler.structured.Grammar;
import dev.tokensampler.structured.TokenConstraint;
import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Runs one MaskBench file: compiles its schema against the vocabulary up to the first mask
 * (TTFM), then walks each instance's tokens, computing the mask before each token and the mask
 * after the last (TBM, timed for valid instances), and checking that each token is allowed and
 * that an end-of-sequence token is allowed at the end.
 */
final class SchemaRun {
  private final Function<String, Grammar> compiler;
  private final TokenVocabulary vocabulary;
  private final HuggingFaceTokenizer tokenizer;
  private final int[] eos;
  private final long[] words;

  SchemaRun(Function<String, Grammar> compiler, TokenVocabulary vocabulary,
      HuggingFaceTokenizer tokenizer) {
    this.compiler = compiler;
    this.vocabulary = vocabulary;
    this.tokenizer = tokenizer;
    this.eos = vocabulary.eosTokenIds();
    this.words = new long[(vocabulary.size() + 63) >>> 6];
  }

  /**
   * @param file the schema and instances
   * @param maskNanos receives the time of every mask of the valid instances
   * @return the outcome (never TIMEOUT: the caller times out)
   */
  SchemaResult run(MaskBenchFile file, LongList maskNanos) {
    long start = System.nanoTime();
    ConstraintMatcher matcher;
    try {
      Grammar grammar = compiler.apply(file.schema());
      matcher = TokenConstraint.compile(grammar, vocabulary).newMatcher();
      matcher.fillAllowed(words);
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      return result(file, SchemaResult.Status.COMPILE_ERROR, -1, 0, 0, 0, 0, null,
          String.valueOf(e.getMessage()));
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      return result(file, SchemaResult.Status.CRASH, -1, 0, 0, 0, 0, null,
          "compile: " + describe(e));
    }
    long ttfm = System.nanoTime() - start;

    int valid = 0;
    int invalid = 0;
    int validRejected = 0;
    int invalidAccepted = 0;
    String detail = "";
    MaskStats stats = new MaskStats();
    try {
      for (int t = 0; t < file.instances().size(); t++) {
        MaskBenchFile.Instance instance = file.instances().get(t);
        long[] ids = tokenizer.encode(instance.json(), false, false).getIds();
        checkSpelling(ids, instance.json(), t);
        matcher.reset();
        String rejection = walk(matcher, ids, instance.valid() ? stats : null, maskNanos);
        if (instance.valid()) {
          valid++;
          if (rejection != null) {
            validRejected++;
            detail = detail.isEmpty() ? "valid test " + t + " rejected: " + rejection : detail;
          }
        } else {
          invalid++;
          if (rejection == null) {
            invalidAccepted++;
            detail = "invalid test " + t + " accepted: " + shorten(instance.json());
          }
        }
      }
    } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
      return result(file, SchemaResult.Status.CRASH, ttfm, valid, invalid, validRejected,
          invalidAccepted, stats, "walk: " + describe(e));
    }
    SchemaResult.Status status = invalidAccepted > 0 ? SchemaResult.Status.INVALIDATION_ERROR
        : validRejected > 0 ? SchemaResult.Status.VALIDATION_ERROR
        : SchemaResult.Status.PASSING;
    return result(file, status, ttfm, valid, invalid, validRejected, invalidAccepted, stats,
        detail);
  }

  /** Walks the tokens; returns null if accepted, else why not. */
  private String walk(ConstraintMatcher matcher, long[] ids, MaskStats stats, LongList maskNanos) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i <= ids.length; i++) {
      long t0 = System.nanoTime();
      int allowed = matcher.fillAllowed(words);
      long t1 = System.nanoTime();
      if (stats != null) {
        stats.add(t1 - t0);
        maskNanos.add(t1 - t0);
      }
      if (i == ids.length) {
        for (int e : eos) {
          if ((words[e >>> 6] & (1L << e)) != 0) {
            return null;
          }
        }
        return "no end-of-sequence token allowed after " + shorten(text.toString());
      }
      int id = (int) ids[i];
      if ((words[id >>> 6] & (1L << id)) == 0) {
        return "token " + i + " (" + id + " " + quote(id) + ") not allowed after "
            + shorten(text.toString()) + " (" + allowed + " allowed)";
      }
      matcher.accept(id);
      text.append(new String(vocabulary.tokenBytes(id), StandardCharsets.UTF_8));
    }
    throw new AssertionError();
  }

  /** Checks that the tokens' bytes spell the instance (no truncation, the same vocabulary). */
  private void checkSpelling(long[] ids, String json, int test) {
    java.io.ByteArrayOutputStream spelled = new java.io.ByteArrayOutputStream();
    for (long id : ids) {
      byte[] b = vocabulary.tokenBytes((int) id);
      spelled.write(b, 0, b.length);
    }
    if (!java.util.Arrays.equals(spelled.toByteArray(), json.getBytes(StandardCharsets.UTF_8))) {
      throw new IllegalStateException("the " + ids.length + " tokens of test " + test
          + " do not spell the instance");
    }
  }

  /** The exception and where it was thrown (its first frames). */
  private static String describe(Throwable e) {
    StringBuilder b = new StringBuilder(e.toString());
    StackTraceElement[] frames = e.getStackTrace();
    for (int i = 0; i < Math.min(4, frames.length); i++) {
      b.append(" at ").append(frames[i]);
    }
    return b.toString();
  }

  private String quote(int id) {
    return "\"" + new String(vocabulary.tokenBytes(id), StandardCharsets.UTF_8) + "\"";
  }

  private static String shorten(String s) {
    return s.length() <= 120 ? "'" + s + "'" : "'..." + s.substring(s.length() - 117) + "'";
  }

  private static SchemaResult result(MaskBenchFile file, SchemaResult.Status status, long ttfm,
      int valid, int invalid, int validRejected, int invalidAccepted, MaskStats stats,
      String detail) {
    MaskStats s = stats == null ? new MaskStats() : stats;
    return new SchemaResult(file.name(), status, ttfm, valid, invalid, validRejected,
        invalidAccepted, s.count, s.sum, s.max, detail);
  }

  /** Count, sum and maximum of one schema's mask times. */
  private static final class MaskStats {
    int count;
    long sum;
    long max;

    void add(long nanos) {
      count++;
      sum += nanos;
      max = Math.max(max, nanos);
    }
  }
}
