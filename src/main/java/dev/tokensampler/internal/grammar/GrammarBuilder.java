package dev.tokensampler.internal.grammar;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link ByteGrammar}: rules are declared by name, defined by their alternatives, and
 * checked when built. Parsers of text grammars use it; it is not thread-safe.
 *
 * <p>Limits: at most {@link #MAX_ELEMENTS} elements and {@link #MAX_RULES} rules in all
 * (repetitions count once per copy); past them, {@link IllegalArgumentException}.
 */
public final class GrammarBuilder {
  /** The most elements a grammar may hold. */
  public static final int MAX_ELEMENTS = 1 << 21;
  /** The most rules a grammar may hold. */
  public static final int MAX_RULES = 1 << 19;

  private final List<String> names = new ArrayList<>();
  private final List<int[][]> rules = new ArrayList<>();
  private final Map<ClassKey, Integer> classIndex = new HashMap<>();
  private long[] classes = new long[64];
  private int classCount;
  private final Map<String, Integer> charSetRules = new HashMap<>();
  private long elements;
  private final int[] singleBytes = new int[256];

  /**
   * Declares a rule.
   *
   * @param name its name, for messages
   * @return its id
   */
  int declare(String name) {
    if (names.size() >= MAX_RULES) {
      throw new IllegalArgumentException(
          "grammar too large: more than " + MAX_RULES + " rules (after expanding repetitions)");
    }
    names.add(name);
    rules.add(null);
    return names.size() - 1;
  }

  String name(int rule) {
    return names.get(rule);
  }

  boolean isDefined(int rule) {
    return rules.get(rule) != null;
  }

  int ruleCount() {
    return names.size();
  }

  /**
   * Defines a declared rule.
   *
   * @param rule its id
   * @param alternatives its alternatives, each a sequence of element codes (may be empty)
   */
  void define(int rule, List<int[]> alternatives) {
    long n = 0;
    for (int[] a : alternatives) {
      n += a.length + 1;
    }
    count(n);
    rules.set(rule, alternatives.toArray(new int[0][]));
  }

  /** Declares and defines a rule. */
  int rule(String name, List<int[]> alternatives) {
    int id = declare(name);
    define(id, alternatives);
    return id;
  }

  private void count(long n) {
    elements += n;
    if (elements > MAX_ELEMENTS) {
      throw new IllegalArgumentException(
          "grammar too large: more than " + MAX_ELEMENTS + " elements (after expanding repetitions)");
    }
  }

  static int ref(int rule) {
    return (rule << 2) | ByteGrammar.KIND_REF;
  }

  /** @return the element of a byte class given as four words */
  int byteClass(long w0, long w1, long w2, long w3) {
    ClassKey key = new ClassKey(w0, w1, w2, w3);
    Integer idx = classIndex.get(key);
    if (idx == null) {
      if (classCount * 4 == classes.length) {
        classes = Arrays.copyOf(classes, classes.length * 2);
      }
      classes[classCount * 4] = w0;
      classes[classCount * 4 + 1] = w1;
      classes[classCount * 4 + 2] = w2;
      classes[classCount * 4 + 3] = w3;
      idx = classCount++;
      classIndex.put(key, idx);
    }
    return (idx << 2) | ByteGrammar.KIND_CLASS;
  }

  /** @return the element matching the bytes {@code [lo, hi]} */
  int byteRange(int lo, int hi) {
    long[] w = new long[4];
    for (int b = lo; b <= hi; b++) {
      w[b >>> 6] |= 1L << b;
    }
    return byteClass(w[0], w[1], w[2], w[3]);
  }

  int byteElement(int b) {
    int e = singleBytes[b];
    if (e == 0) {
      e = byteRange(b, b);
      singleBytes[b] = e;
    }
    return e;
  }

  /** Appends the UTF-8 bytes of a code point, one element per byte. */
  void appendCodePoint(IntList seq, int cp) {
    for (byte b : CodePointSet.encode(cp)) {
      seq.add(byteElement(b & 0xFF));
    }
  }

  /**
   * The element matching one member of a set of code points (its UTF-8 bytes): a byte class for
   * an ASCII set, else a reference to a rule over byte ranges (one rule per distinct set).
   */
  int charSet(CodePointSet set) {
    int[] r = set.normalize();
    if (r.length == 0 || r[r.length - 1] < 0x80) {
      long[] w = new long[4];
      for (int i = 0; i < r.length; i += 2) {
        for (int b = r[i]; b <= r[i + 1]; b++) {
          w[b >>> 6] |= 1L << b;
        }
      }
      return byteClass(w[0], w[1], w[2], w[3]);
    }
    String key = Arrays.toString(r);
    Integer id = charSetRules.get(key);
    if (id == null) {
      List<int[]> alts = new ArrayList<>();
      set.utf8Sequences(seq -> {
        int[] elems = new int[seq.length / 2];
        for (int i = 0; i < elems.length; i++) {
          elems[i] = byteRange(seq[2 * i], seq[2 * i + 1]);
        }
        alts.add(elems);
      });
      id = rule("[chars " + describe(r) + "]", alts);
      charSetRules.put(key, id);
    }
    return ref(id);
  }

  private static String describe(int[] r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < r.length && i < 8; i += 2) {
      sb.append(String.format("U+%04X-U+%04X ", r[i], r[i + 1]));
    }
    return sb.toString().trim() + (r.length > 8 ? " ..." : "");
  }

  /**
   * The elements matching {@code item} repeated between {@code min} and {@code max} times.
   *
   * @param owner the name of the rule this appears in, for the names of helper rules
   * @param item one element
   * @param max the most repetitions, or -1 for no bound
   * @return the elements to append
   */
  int[] repeat(String owner, int item, int min, int max) {
    if (min < 0 || (max >= 0 && max < min)) {
      throw new IllegalArgumentException("repetition {" + min + "," + max + "} is empty");
    }
    long cost = (long) min + (max < 0 ? 3 : 3L * (max - min));
    if (elements + cost > MAX_ELEMENTS) {
      throw new IllegalArgumentException("grammar too large: repetition {" + min + ","
          + (max < 0 ? "" : max) + "} exceeds " + MAX_ELEMENTS + " elements");
    }
    IntList out = new IntList(min + 1);
    for (int i = 0; i < min; i++) {
      out.add(item);
    }
    count(min);
    if (max < 0) {
      int star = declare(owner + "-star");
      define(star, List.of(new int[] {item, ref(star)}, new int[0]));
      out.add(ref(star));
    } else if (max > min) {
      int last = -1;
      for (int i = 0; i < max - min; i++) {
        int opt = declare(owner + "-opt");
        define(opt, List.of(last < 0 ? new int[] {item} : new int[] {item, ref(last)}, new int[0]));
        last = opt;
      }
      out.add(ref(last));
    }
    return out.toArray();
  }

  /**
   * The grammar matching exactly the given strings (their UTF-8 bytes).
   *
   * @param options the strings, at least one
   * @return the grammar
   * @throws IllegalArgumentException if there is no option, or they exceed the limits
   */
  public static ByteGrammar choice(List<String> options) {
    if (options.isEmpty()) {
      throw new IllegalArgumentException("choice needs at least one option");
    }
    GrammarBuilder b = new GrammarBuilder();
    int root = b.declare("choice");
    List<int[]> alts = new ArrayList<>();
    for (int i = 0; i < options.size(); i++) {
      String o = options.get(i);
      if (o == null) {
        throw new IllegalArgumentException("choice option " + i + " is null");
      }
      b.count(o.length() + 1L);
      IntList seq = new IntList(o.length() + 1);
      for (int k = 0; k < o.length(); ) {
        int cp = o.codePointAt(k);
        if (Character.isSurrogate(o.charAt(k)) && cp == o.charAt(k)) {
          throw new IllegalArgumentException(
              "choice option " + i + " holds an unpaired surrogate at index " + k);
        }
        b.appendCodePoint(seq, cp);
        k += Character.charCount(cp);
      }
      alts.add(seq.toArray());
    }
    b.elements = 0;
    b.define(root, alts);
    return b.build(root);
  }

  /**
   * The compiled grammar.
   *
   * @param root the start rule
   * @return the grammar
   * @throws IllegalArgumentException if a rule is undefined, the root matches no finite string,
   *     or a rule is left-recursive
   */
  public ByteGrammar build(int root) {
    int n = names.size();
    for (int r = 0; r < n; r++) {
      if (rules.get(r) == null) {
        throw new IllegalArgumentException("rule '" + names.get(r) + "' is not defined");
      }
    }
    boolean[] productive = productive(n);
    if (!productive[root]) {
      throw new IllegalArgumentException(
          "rule '" + names.get(root) + "' matches no finite string");
    }
    // Drop alternatives that cannot complete: every state left can then reach an end.
    int[][][] kept = new int[n][][];
    for (int r = 0; r < n; r++) {
      List<int[]> alts = new ArrayList<>();
      for (int[] a : rules.get(r)) {
        if (allProductive(a, productive)) {
          alts.add(a);
        }
      }
      kept[r] = alts.toArray(new int[0][]);
    }
    checkLeftRecursion(kept);
    IntList code = new IntList(1024);
    IntList altStarts = new IntList(256);
    int[] ruleAlts = new int[n + 1];
    for (int r = 0; r < n; r++) {
      ruleAlts[r] = altStarts.size();
      for (int[] a : kept[r]) {
        altStarts.add(code.size());
        for (int e : a) {
          code.add(e);
        }
        code.add(ByteGrammar.END);
      }
    }
    ruleAlts[n] = altStarts.size();
    return new ByteGrammar(code.toArray(), ruleAlts, altStarts.toArray(),
        Arrays.copyOf(classes, classCount * 4), names.toArray(new String[0]), root);
  }

  private boolean classEmpty(int cls) {
    return (classes[cls * 4] | classes[cls * 4 + 1] | classes[cls * 4 + 2] | classes[cls * 4 + 3])
        == 0;
  }

  private boolean allProductive(int[] alt, boolean[] productive) {
    for (int e : alt) {
      if (ByteGrammar.kind(e) == ByteGrammar.KIND_CLASS
          ? classEmpty(ByteGrammar.value(e))
          : !productive[ByteGrammar.value(e)]) {
        return false;
      }
    }
    return true;
  }

  private boolean[] productive(int n) {
    boolean[] productive = new boolean[n];
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int r = 0; r < n; r++) {
        if (productive[r]) {
          continue;
        }
        for (int[] a : rules.get(r)) {
          if (allProductive(a, productive)) {
            productive[r] = true;
            changed = true;
            break;
          }
        }
      }
    }
    return productive;
  }

  /**
   * Rejects left recursion that grows the stack: a cycle of leftmost references (each preceded
   * only by nullable elements) containing a reference with more to match after it.
   */
  private void checkLeftRecursion(int[][][] rs) {
    int n = rs.length;
    boolean[] nullable = new boolean[n];
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int r = 0; r < n; r++) {
        if (nullable[r]) {
          continue;
        }
        for (int[] a : rs[r]) {
          boolean all = true;
          for (int e : a) {
            if (ByteGrammar.kind(e) == ByteGrammar.KIND_CLASS || !nullable[ByteGrammar.value(e)]) {
              all = false;
              break;
            }
          }
          if (all) {
            nullable[r] = true;
            changed = true;
            break;
          }
        }
      }
    }
    // Leftmost-reference edges; an edge is "growing" if something follows the reference.
    IntList[] edges = new IntList[n];
    List<int[]> growing = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      edges[r] = new IntList(2);
      for (int[] a : rs[r]) {
        for (int i = 0; i < a.length; i++) {
          int e = a[i];
          if (ByteGrammar.kind(e) == ByteGrammar.KIND_CLASS) {
            break;
          }
          int target = ByteGrammar.value(e);
          edges[r].add(target);
          if (i < a.length - 1) {
            growing.add(new int[] {r, target});
          }
          if (!nullable[target]) {
            break;
          }
        }
      }
    }
    int[] scc = stronglyConnectedComponents(edges);
    for (int[] g : growing) {
      if (scc[g[0]] == scc[g[1]]) {
        throw new IllegalArgumentException("rule '" + names.get(g[0])
            + "' is left-recursive (through '" + names.get(g[1])
            + "'): rewrite it with repetition, e.g. x ::= a (op a)*");
      }
    }
  }

  /** Tarjan's algorithm, iterative. */
  private static int[] stronglyConnectedComponents(IntList[] edges) {
    int n = edges.length;
    int[] index = new int[n];
    int[] low = new int[n];
    int[] comp = new int[n];
    Arrays.fill(index, -1);
    boolean[] onStack = new boolean[n];
    int[] stack = new int[n];
    int sp = 0;
    int counter = 0;
    int comps = 0;
    int[] callNode = new int[n];
    int[] callEdge = new int[n];
    for (int s = 0; s < n; s++) {
      if (index[s] >= 0) {
        continue;
      }
      int depth = 0;
      callNode[0] = s;
      callEdge[0] = 0;
      index[s] = low[s] = counter++;
      stack[sp++] = s;
      onStack[s] = true;
      while (depth >= 0) {
        int v = callNode[depth];
        if (callEdge[depth] < edges[v].size()) {
          int w = edges[v].get(callEdge[depth]++);
          if (index[w] < 0) {
            index[w] = low[w] = counter++;
            stack[sp++] = w;
            onStack[w] = true;
            depth++;
            callNode[depth] = w;
            callEdge[depth] = 0;
          } else if (onStack[w]) {
            low[v] = Math.min(low[v], index[w]);
          }
        } else {
          if (low[v] == index[v]) {
            int w;
            do {
              w = stack[--sp];
              onStack[w] = false;
              comp[w] = comps;
            } while (w != v);
            comps++;
          }
          depth--;
          if (depth >= 0) {
            int u = callNode[depth];
            low[u] = Math.min(low[u], low[v]);
          }
        }
      }
    }
    return comp;
  }

  private record ClassKey(long w0, long w1, long w2, long w3) {}
}
