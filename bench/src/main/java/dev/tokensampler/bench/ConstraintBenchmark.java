package dev.tokensampler.bench;

import dev.tokensampler.Sampler;
import dev.tokensampler.SamplerConfig;
import dev.tokensampler.structured.ConstraintMatcher;
import dev.tokensampler.structured.ConstraintStage;
import dev.tokensampler.structured.Grammar;
import dev.tokensampler.structured.JsonSchemaGrammar;
import dev.tokensampler.structured.TokenConstraint;
import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Grammar-constrained decoding on a synthetic vocabulary of 128,256 tokens shaped like a
 * byte-level BPE vocabulary (words with and without a leading space, digits, punctuation runs,
 * JSON fragments, accented and CJK words).
 *
 * <ul>
 *   <li>{@code maskWarm}: the mask before each token of a JSON document, and the step past it,
 *       with a new matcher of a constraint that has seen the document before (per token);
 *   <li>{@code maskFreshConstraint}: the same with a new constraint each time (its automaton is
 *       learned again; the vocabulary's fragment masks are kept), per token;
 *   <li>{@code sampleConstrained} against {@code samplePlain}: one token of top-k 40 and
 *       temperature 0.8 on random logits, with and without a JSON constraint first (an endless
 *       array of objects with a string, a number and an array of any JSON values).
 *   <li>{@code sampleSchemaConstrained} against {@code sampleSchemaPlain}: one token of top-k 40
 *       and temperature 0.8, with and without a JSON Schema constraint
 *       ({@link JsonSchemaGrammar}, default options) first, on logits that favour the next token
 *       of a document valid under the schema by 30 (a model writing that document): the masks
 *       come from the matcher's cache, as in steady-state decoding, and the sampler is reset
 *       after each document's end of sequence (a reset every {@code 1 + document tokens} calls).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Benchmark)
public class ConstraintBenchmark {
  /** The size of the synthetic vocabulary. */
  public static final int VOCABULARY = 128_256;
  private static final String JSON_GBNF = String.join("\n",
      "root   ::= object",
      "value  ::= object | array | string | number | (\"true\" | \"false\" | \"null\") ws",
      "object ::= \"{\" ws ( string \":\" ws value (\",\" ws string \":\" ws value)* )? \"}\" ws",
      "array  ::= \"[\" ws ( value (\",\" ws value)* )? \"]\" ws",
      "string ::= \"\\\"\" ( [^\"\\\\\\x7F\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" [0-9a-fA-F]{4}) )* "
          + "\"\\\"\" ws",
      "number ::= \"-\"? ([0-9] | [1-9] [0-9]{0,15}) (\".\" [0-9]+)? ([eE] [-+]? [0-9]+)? ws",
      "ws     ::= | \" \" | \"\\n\" [ \\t]{0,20}");
  private static final String ENDLESS_ARRAY = JSON_GBNF.replace("root   ::= object",
      "root   ::= \"[\" ws item (\",\" ws item)*\n"
          + "item   ::= \"{\\\"name\\\": \" string \", \\\"age\\\": \" number \", \\\"tags\\\": \" array \"}\"");
  private static final String DOCUMENT = "{\"name\": \"Alice Johnson\", \"age\": 34, \"email\": "
      + "\"alice@example.com\", \"tags\": [\"admin\", \"editor\"], \"address\": {\"street\": "
      + "\"123 Main St\", \"city\": \"Zürich\", \"zip\": \"8001\"}, \"active\": true, "
      + "\"score\": 98.5, \"notes\": null, \"history\": [{\"date\": \"2024-01-01\", "
      + "\"event\": \"created\"}, {\"date\": \"2024-06-15\", \"event\": \"promoted to 管理者\"}]}";

  private static final String SCHEMA = ("{'type':'object','properties':{"
      + "'name':{'type':'string','maxLength':64},"
      + "'age':{'type':'integer','minimum':0,'maximum':150},"
      + "'email':{'type':'string','format':'email'},"
      + "'tags':{'type':'array','items':{'enum':['admin','editor','viewer']},'maxItems':8},"
      + "'address':{'type':'object','properties':{'street':{'type':'string'},"
      + "'city':{'type':'string'},'zip':{'type':'string','pattern':'^[0-9]{4,5}$'}},"
      + "'required':['street','city'],'additionalProperties':false},"
      + "'active':{'type':'boolean'},'score':{'type':'number','minimum':0,'maximum':100},"
      + "'notes':{'type':['string','null']},"
      + "'history':{'type':'array','items':{'type':'object','properties':{"
      + "'date':{'type':'string','format':'date'},'event':{'type':'string'}},"
      + "'required':['date','event'],'additionalProperties':false}}},"
      + "'required':['name','age','email','tags'],'additionalProperties':false}")
      .replace('\'', '"');
  /** {@link #DOCUMENT} in compact form: valid under {@link #SCHEMA}. */
  private static final String COMPACT_DOCUMENT = DOCUMENT.replace(", ", ",")
      .replace("\": ", "\":");
  /** The logit added to the document's next token. */
  private static final float FAVOURED = 30f;

  private TokenVocabulary vocabulary;
  private int[] schemaDocument;
  private int schemaPosition;
  private Sampler schemaPlain;
  private Sampler schemaConstrained;
  private Grammar grammar;
  private TokenConstraint constraint;
  private int[] document;
  private long[] words;
  private Sampler plain;
  private Sampler constrained;
  private float[][] logits;
  private int next;

  /** Builds the vocabulary, tokenizes the document, warms the constraint and the samplers. */
  @Setup(Level.Trial)
  public void setup() {
    vocabulary = syntheticVocabulary(7);
    grammar = Grammar.gbnf(JSON_GBNF);
    constraint = TokenConstraint.compile(grammar, vocabulary);
    document = tokenize(DOCUMENT.getBytes(StandardCharsets.UTF_8), vocabulary);
    if (document.length + 1 != MASKS_PER_WALK) {
      throw new IllegalStateException("the document has " + document.length + " tokens");
    }
    words = new long[(VOCABULARY + 63) / 64];
    walk(constraint);
    logits = new float[8][VOCABULARY];
    SplittableRandom r = new SplittableRandom(3);
    for (float[] x : logits) {
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) (r.nextDouble() * 8 - 4);
      }
    }
    plain = SamplerConfig.builder().topK(40).temperature(0.8f).build().newSampler(1);
    TokenConstraint endless = TokenConstraint.compile(Grammar.gbnf(ENDLESS_ARRAY), vocabulary);
    constrained = SamplerConfig.builder().stage(new ConstraintStage(endless)).topK(40)
        .temperature(0.8f).build().newSampler(1);
    for (int i = 0; i < 2000; i++) {
      plain.sample(logits[i & 7]);
      constrained.sample(logits[i & 7]);
    }
    schemaDocument = tokenize(COMPACT_DOCUMENT.getBytes(StandardCharsets.UTF_8), vocabulary);
    schemaPlain = SamplerConfig.builder().topK(40).temperature(0.8f).build().newSampler(1);
    schemaConstrained = SamplerConfig.builder()
        .stage(new ConstraintStage(TokenConstraint.compile(JsonSchemaGrammar.compile(SCHEMA),
            vocabulary)))
        .topK(40).temperature(0.8f).build().newSampler(1);
    for (int i = 0; i < 20 * (schemaDocument.length + 1); i++) {
      int expected = schemaPosition < schemaDocument.length ? schemaDocument[schemaPosition]
          : vocabulary.eosTokenIds()[0];
      int got = schemaSample(schemaConstrained);
      if (got != expected) {
        throw new IllegalStateException("the constrained sampler left the document at token "
            + schemaPosition + ": " + got + " instead of " + expected);
      }
      schemaSample(schemaPlain);
      schemaPosition = schemaPosition == schemaDocument.length ? 0 : schemaPosition + 1;
    }
  }

  /**
   * One token with the document's next token (or the end of sequence after it) favoured; after
   * the end of sequence the sampler is reset and the document starts again.
   */
  private int schemaSample(Sampler sampler) {
    int pos = schemaPosition;
    int favoured = pos < schemaDocument.length ? schemaDocument[pos]
        : vocabulary.eosTokenIds()[0];
    float[] x = logits[next++ & 7];
    float saved = x[favoured];
    x[favoured] = FAVOURED;
    int token = sampler.sample(x);
    x[favoured] = saved;
    if (pos == schemaDocument.length) {
      sampler.reset();
    }
    return token;
  }

  /** @return the token */
  @Benchmark
  public int sampleSchemaPlain() {
    int token = schemaSample(schemaPlain);
    schemaPosition = schemaPosition == schemaDocument.length ? 0 : schemaPosition + 1;
    return token;
  }

  /** @return the token */
  @Benchmark
  public int sampleSchemaConstrained() {
    int token = schemaSample(schemaConstrained);
    schemaPosition = schemaPosition == schemaDocument.length ? 0 : schemaPosition + 1;
    return token;
  }

  private int walk(TokenConstraint c) {
    ConstraintMatcher m = c.newMatcher();
    int sum = 0;
    for (int id : document) {
      sum += m.fillAllowed(words);
      m.accept(id);
    }
    return sum + m.fillAllowed(words);
  }

  /** @return a checksum */
  @Benchmark
  @OperationsPerInvocation(MASKS_PER_WALK)
  public int maskWarm() {
    return walk(constraint);
  }

  /** @return a checksum */
  @Benchmark
  @OperationsPerInvocation(MASKS_PER_WALK)
  public int maskFreshConstraint() {
    return walk(TokenConstraint.compile(grammar, vocabulary));
  }

  /** @return the token */
  @Benchmark
  public int samplePlain() {
    return plain.sample(logits[next++ & 7]);
  }

  /** @return the token */
  @Benchmark
  public int sampleConstrained() {
    return constrained.sample(logits[next++ & 7]);
  }

  /**
   * The masks per walk: the document's tokens under the synthetic vocabulary (143), plus the
   * final mask; {@link #setup} checks it.
   */
  static final int MASKS_PER_WALK = 144;

  /** A byte-level-BPE-like vocabulary of {@link #VOCABULARY} tokens, fixed by the seed. */
  static TokenVocabulary syntheticVocabulary(long seed) {
    Random r = new Random(seed);
    List<byte[]> tokens = new ArrayList<>();
    for (int b = 0; b < 256; b++) {
      tokens.add(new byte[] {(byte) b});
    }
    Set<String> seen = new LinkedHashSet<>();
    String letters = "etaoinshrdlcumwfgypbvkjxqz";
    String[] pieces = {"\",", "\":", "{\"", "\"}", "\"]", "[\"", "\n", "  ", "},", "],", ", \"",
        "\": \"", "\": ", "\\n", "\\\"", "...", "--", "==", "()", "();", "//", "</", "/>"};
    String[] exotic = {"é", "ü", "ñ", "ø", "ç", "日本", "中文", "管理", "者", "한국", "ð", "→", "’"};
    while (tokens.size() + seen.size() < VOCABULARY - 2) {
      int kind = r.nextInt(10);
      StringBuilder sb = new StringBuilder();
      if (kind < 6) {
        if (r.nextBoolean()) {
          sb.append(' ');
        }
        int len = 1 + r.nextInt(9);
        for (int i = 0; i < len; i++) {
          char c = letters.charAt(Math.min(letters.length() - 1, (int) (r.nextDouble()
              * r.nextDouble() * letters.length())));
          sb.append(i == 0 && r.nextInt(4) == 0 ? Character.toUpperCase(c) : c);
        }
      } else if (kind == 6) {
        sb.append(r.nextInt(1000));
      } else if (kind == 7) {
        sb.append(pieces[r.nextInt(pieces.length)]);
        if (r.nextBoolean()) {
          sb.append(pieces[r.nextInt(pieces.length)]);
        }
      } else {
        if (r.nextBoolean()) {
          sb.append(' ');
        }
        sb.append(exotic[r.nextInt(exotic.length)]);
        if (r.nextBoolean()) {
          sb.append(letters.charAt(r.nextInt(letters.length())));
        }
      }
      seen.add(sb.toString());
    }
    for (String s : seen) {
      tokens.add(s.getBytes(StandardCharsets.UTF_8));
    }
    int eos = tokens.size();
    tokens.add("<|end|>".getBytes(StandardCharsets.UTF_8));
    tokens.add("<|pad|>".getBytes(StandardCharsets.UTF_8));
    BitSet special = new BitSet();
    special.set(eos, eos + 2);
    return TokenVocabulary.of(tokens, special, eos);
  }

  /** Greedy longest-match tokenization. */
  static int[] tokenize(byte[] text, TokenVocabulary v) {
    Map<String, Integer> ids = new HashMap<>();
    int max = 0;
    for (int id = 0; id < v.size(); id++) {
      if (!v.isSpecial(id)) {
        ids.putIfAbsent(new String(v.tokenBytes(id), StandardCharsets.ISO_8859_1), id);
        max = Math.max(max, v.tokenLength(id));
      }
    }
    String t = new String(text, StandardCharsets.ISO_8859_1);
    List<Integer> out = new ArrayList<>();
    for (int p = 0; p < t.length(); ) {
      for (int len = Math.min(max, t.length() - p); len > 0; len--) {
        Integer id = ids.get(t.substring(p, p + len));
        if (id != null) {
          out.add(id);
          p += len;
          break;
        }
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }
}
