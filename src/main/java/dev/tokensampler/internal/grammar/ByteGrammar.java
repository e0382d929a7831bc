package dev.tokensampler.internal.grammar;

/**
 * A grammar over bytes, compiled to flat arrays: rules of alternatives, each alternative a
 * sequence of elements ending with {@link #END}. An element is a byte class (a set of byte values)
 * or a reference to a rule. Text grammars reach this form through UTF-8: a set of code points
 * becomes a rule over the byte ranges of their encodings.
 *
 * <p>Invariants established by {@link GrammarBuilder#build}: every rule is defined and productive
 * (matches some finite byte string), no alternative holds a non-productive element, and no rule
 * can reach itself through a chain of leftmost references that leaves something to match after
 * it (left recursion that would grow a parse stack without reading input).
 *
 * <p>Immutable.
 */
public final class ByteGrammar {
  /** The code of the element that ends an alternative. */
  public static final int END = 0;
  static final int KIND_CLASS = 1;
  static final int KIND_REF = 2;

  /** Elements: END, {@code (class << 2) | 1} or {@code (rule << 2) | 2}. */
  final int[] code;
  /** The start positions in {@link #code} of the alternatives of rule r: {@code alts[ruleAlts[r] .. ruleAlts[r+1])}. */
  final int[] ruleAlts;
  final int[] alts;
  /** Byte classes, four words each (bit b of word b >>> 6 set = byte b in the class). */
  final long[] classes;
  final String[] ruleNames;
  final int root;
  final boolean[] returnPosition;
  final long fingerprint;

  ByteGrammar(int[] code, int[] ruleAlts, int[] alts, long[] classes, String[] ruleNames, int root) {
    this.code = code;
    this.ruleAlts = ruleAlts;
    this.alts = alts;
    this.classes = classes;
    this.ruleNames = ruleNames;
    this.root = root;
    this.returnPosition = new boolean[code.length];
    for (int p = 1; p < code.length; p++) {
      returnPosition[p] = kind(code[p - 1]) == KIND_REF && code[p] != END;
    }
    long h = 1125899906842597L;
    for (int c : code) {
      h = 31 * h + c;
    }
    for (long w : classes) {
      h = 31 * h + w;
    }
    h = 31 * h + root;
    this.fingerprint = h;
  }

  static int kind(int element) {
    return element & 3;
  }

  static int value(int element) {
    return element >>> 2;
  }

  boolean classContains(int cls, int b) {
    return (classes[cls * 4 + (b >>> 6)] & (1L << b)) != 0;
  }

  /** @return whether {@code p} holds a byte class (a valid top of a parse stack) */
  boolean isClassPosition(int p) {
    return p >= 0 && p < code.length && kind(code[p]) == KIND_CLASS;
  }

  /** @return whether {@code p} may be a return position (follows a reference, not an end) */
  boolean isReturnPosition(int p) {
    return p >= 0 && p < code.length && returnPosition[p];
  }

  /** @return the number of elements, ends included */
  public int size() {
    return code.length;
  }

  /** @return the number of rules */
  public int ruleCount() {
    return ruleNames.length;
  }

  /** @return a value that differs between grammars with different structure (for saved states) */
  public long fingerprint() {
    return fingerprint;
  }
}
