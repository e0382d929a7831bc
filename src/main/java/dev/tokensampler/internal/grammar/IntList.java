package dev.tokensampler.internal.grammar;

import java.util.Arrays;

/** A growable list of ints. */
final class IntList {
  private int[] a;
  private int n;

  IntList() {
    this(8);
  }

  IntList(int capacity) {
    a = new int[Math.max(1, capacity)];
  }

  void add(int v) {
    if (n == a.length) {
      a = Arrays.copyOf(a, a.length * 2);
    }
    a[n++] = v;
  }

  void addAll(int[] v) {
    for (int x : v) {
      add(x);
    }
  }

  int get(int i) {
    return a[i];
  }

  int size() {
    return n;
  }

  /** Sorts the elements in place, ascending. */
  void sort() {
    java.util.Arrays.sort(a, 0, n);
  }

  void clear() {
    n = 0;
  }

  void truncate(int size) {
    n = size;
  }

  int[] toArray() {
    return Arrays.copyOf(a, n);
  }

  int[] toArray(int from) {
    return Arrays.copyOfRange(a, from, n);
  }
}
