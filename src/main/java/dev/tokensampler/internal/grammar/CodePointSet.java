package dev.tokensampler.internal.grammar;

import java.util.Arrays;

/**
 * A set of Unicode scalar values (code points {@code [0, 0x10FFFF]} without the surrogates
 * {@code [0xD800, 0xDFFF]}), as sorted disjoint ranges. Immutable once built; built with
 * {@link #add} on a fresh instance.
 */
final class CodePointSet {
  static final int MAX = 0x10FFFF;
  private static final int SURROGATE_LO = 0xD800;
  private static final int SURROGATE_HI = 0xDFFF;

  /** lo0, hi0, lo1, hi1, ... before {@link #normalize}, any order and overlap. */
  private int[] ranges = new int[8];
  private int count;

  void add(int lo, int hi) {
    if (lo > hi) {
      return;
    }
    if (count * 2 == ranges.length) {
      ranges = Arrays.copyOf(ranges, ranges.length * 2);
    }
    ranges[count * 2] = lo;
    ranges[count * 2 + 1] = hi;
    count++;
  }

  void add(int cp) {
    add(cp, cp);
  }

  void addAll(CodePointSet other) {
    int[] r = other.normalize();
    for (int i = 0; i < r.length; i += 2) {
      add(r[i], r[i + 1]);
    }
  }

  static CodePointSet all() {
    CodePointSet s = new CodePointSet();
    s.add(0, MAX);
    return s;
  }

  /**
   * @return sorted, merged ranges without surrogates, as lo, hi pairs
   */
  int[] normalize() {
    long[] packed = new long[count];
    for (int i = 0; i < count; i++) {
      packed[i] = ((long) ranges[2 * i] << 32) | ranges[2 * i + 1];
    }
    Arrays.sort(packed);
    int[] out = new int[count * 2 + 2];
    int n = 0;
    for (long p : packed) {
      int lo = (int) (p >>> 32);
      int hi = (int) p;
      if (n > 0 && lo <= out[n - 1] + 1) {
        out[n - 1] = Math.max(out[n - 1], hi);
      } else {
        out[n++] = lo;
        out[n++] = hi;
      }
    }
    // Cut out the surrogates.
    int[] cut = new int[n + 2];
    int m = 0;
    for (int i = 0; i < n; i += 2) {
      int lo = out[i];
      int hi = out[i + 1];
      if (hi < SURROGATE_LO || lo > SURROGATE_HI) {
        cut[m++] = lo;
        cut[m++] = hi;
      } else {
        if (lo < SURROGATE_LO) {
          cut[m++] = lo;
          cut[m++] = SURROGATE_LO - 1;
        }
        if (hi > SURROGATE_HI) {
          cut[m++] = SURROGATE_HI + 1;
          cut[m++] = hi;
        }
      }
    }
    return Arrays.copyOf(cut, m);
  }

  /** @return the complement within the scalar values */
  CodePointSet complement() {
    int[] r = normalize();
    CodePointSet c = new CodePointSet();
    int next = 0;
    for (int i = 0; i < r.length; i += 2) {
      c.add(next, r[i] - 1);
      next = r[i + 1] + 1;
    }
    c.add(next, MAX);
    return c;
  }

  boolean isEmpty() {
    return normalize().length == 0;
  }

  /** @return whether every member is below 0x80 (one UTF-8 byte each) */
  boolean isAscii() {
    int[] r = normalize();
    return r.length == 0 || r[r.length - 1] < 0x80;
  }

  /**
   * The UTF-8 encodings of the members as sequences of byte ranges: each sequence is
   * {@code lo0, hi0, lo1, hi1, ...} (one pair per byte), and a byte string encodes a member iff it
   * matches one of the sequences.
   *
   * @param sink receives each sequence
   */
  void utf8Sequences(java.util.function.Consumer<int[]> sink) {
    int[] r = normalize();
    for (int i = 0; i < r.length; i += 2) {
      split(r[i], r[i + 1], sink);
    }
  }

  private static final int[] LENGTH_LIMITS = {0x7F, 0x7FF, 0xFFFF, MAX};

  private static void split(int lo, int hi, java.util.function.Consumer<int[]> sink) {
    for (int limit : LENGTH_LIMITS) {
      if (lo <= limit && hi > limit) {
        split(lo, limit, sink);
        split(limit + 1, hi, sink);
        return;
      }
    }
    int n = utf8Length(lo);
    for (int i = 1; i < n; i++) {
      int m = (1 << (6 * i)) - 1;
      if ((lo & ~m) != (hi & ~m)) {
        if ((lo & m) != 0) {
          split(lo, lo | m, sink);
          split((lo | m) + 1, hi, sink);
          return;
        }
        if ((hi & m) != m) {
          split(lo, (hi & ~m) - 1, sink);
          split(hi & ~m, hi, sink);
          return;
        }
      }
    }
    byte[] a = encode(lo);
    byte[] b = encode(hi);
    int[] seq = new int[n * 2];
    for (int i = 0; i < n; i++) {
      seq[2 * i] = a[i] & 0xFF;
      seq[2 * i + 1] = b[i] & 0xFF;
    }
    sink.accept(seq);
  }

  static int utf8Length(int cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }

  /** @return the UTF-8 bytes of a code point (surrogates encoded as-is, three bytes) */
  static byte[] encode(int cp) {
    if (cp < 0x80) {
      return new byte[] {(byte) cp};
    }
    if (cp < 0x800) {
      return new byte[] {(byte) (0xC0 | cp >> 6), (byte) (0x80 | cp & 0x3F)};
    }
    if (cp < 0x10000) {
      return new byte[] {
        (byte) (0xE0 | cp >> 12), (byte) (0x80 | cp >> 6 & 0x3F), (byte) (0x80 | cp & 0x3F)
      };
    }
    return new byte[] {
      (byte) (0xF0 | cp >> 18), (byte) (0x80 | cp >> 12 & 0x3F),
      (byte) (0x80 | cp >> 6 & 0x3F), (byte) (0x80 | cp & 0x3F)
    };
  }
}
