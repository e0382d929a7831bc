package dev.tokensampler.internal.jsonschema;

import java.util.ArrayList;
import java.util.List;

/**
 * The members of an object in any order: each declared property at most once, every required one
 * present, undeclared members (where allowed) anywhere, and {@code minProperties} /
 * {@code maxProperties} counted when no undeclared member may appear. One rule per set of
 * properties already written, so the grammar grows as {@code 2^n} in the number {@code n} of
 * declared properties; the caller keeps {@code n} at most {@link #MAX_PROPERTIES}.
 */
final class AnyOrderBody {
  /** The most declared properties written in any order (2^10 = 1,024 states). */
  static final int MAX_PROPERTIES = 10;

  private final SchemaCompiler c;
  private final List<String> kvs;
  private final long requiredMask;
  private final String extraKv;
  private final long minP;
  private final long maxP;
  private final String w;
  private final String ptr;
  private final String hint;

  /**
   * @param kvs each declared property as name, colon and value (with trailing whitespace)
   * @param required which of them are required
   * @param extraKv an undeclared member, or null if none may appear
   * @param minP {@code minProperties} (0 if absent)
   * @param maxP {@code maxProperties}, or -1 if absent
   * @throws IllegalStateException if there are more than {@link #MAX_PROPERTIES} properties, or
   *     bounds together with undeclared members (the caller's preconditions)
   */
  AnyOrderBody(SchemaCompiler c, List<String> kvs, List<Boolean> required, String extraKv,
      long minP, long maxP, String w, String ptr) {
    if (kvs.size() > MAX_PROPERTIES || extraKv != null && (minP > 0 || maxP >= 0)) {
      throw new IllegalStateException("any-order object outside its preconditions at " + ptr);
    }
    this.c = c;
    this.kvs = kvs;
    long mask = 0;
    for (int i = 0; i < required.size(); i++) {
      if (required.get(i)) {
        mask |= 1L << i;
      }
    }
    this.requiredMask = mask;
    this.extraKv = extraKv;
    this.minP = minP;
    this.maxP = maxP;
    this.w = w;
    this.ptr = ptr;
    String last = ptr.substring(ptr.lastIndexOf('/') + 1);
    this.hint = (last.isEmpty() || last.equals("#") ? "obj" : last) + "-any";
  }

  /** The members between the braces, or null if no object satisfies the bounds. */
  String build() {
    int n = kvs.size();
    List<String> members = new ArrayList<>();
    for (String kv : kvs) {
      members.add(kv.length() < 24 ? "(" + kv + ")" : c.rules.add(hint + "-kv", kv));
    }
    // after[s]: what may follow once the properties in s (and at least one member) are written.
    String[] after = new String[1 << n];
    for (int s = (1 << n) - 1; s >= 0; s--) {
      c.step(ptr);
      List<String> alts = new ArrayList<>();
      int count = Integer.bitCount(s);
      if (maxP < 0 || count < maxP) {
        for (int i = 0; i < n; i++) {
          if ((s & (1 << i)) == 0 && after[s | 1 << i] != null) {
            alts.add("\",\"" + w + " " + members.get(i) + " " + after[s | 1 << i]);
          }
        }
      }
      boolean complete = (s & requiredMask) == requiredMask && count >= minP;
      if (alts.isEmpty() && !complete) {
        after[s] = null; // the required properties can no longer all be written
        continue;
      }
      String name = c.rules.reserve(hint);
      if (extraKv != null) {
        // A loop: undeclared members change neither the set nor (without bounds) a count.
        alts.add("\",\"" + w + " " + extraKv + " " + name);
      }
      if (complete) {
        alts.add("\"\"");
      }
      c.rules.define(name, String.join(" | ", alts));
      after[s] = name;
    }
    List<String> first = new ArrayList<>();
    if (maxP != 0) {
      for (int i = 0; i < n; i++) {
        if (after[1 << i] != null) {
          first.add(members.get(i) + " " + after[1 << i]);
        }
      }
    }
    if (extraKv != null && after[0] != null) {
      first.add(extraKv + " " + after[0]);
    }
    if (requiredMask == 0 && minP == 0) {
      first.add("\"\"");
    }
    return SchemaCompiler.union(first);
  }
}
