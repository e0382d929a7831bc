package dev.tokensampler.stage;

/**
 * Sorts parallel arrays of logits and ids: largest logit first, ties by increasing id. In place,
 * no allocation, O(n log n) worst case (heapsort; insertion sort below 24 elements). Used only on
 * explicit candidate sets, never on the whole vocabulary.
 */
final class ByLogitSort {
  private static final int INSERTION_LIMIT = 24;

  private ByLogitSort() {}

  static void sort(float[] logits, int[] ids, int n) {
    if (n <= INSERTION_LIMIT) {
      insertionSort(logits, ids, n);
      return;
    }
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(logits, ids, i, n);
    }
    for (int end = n - 1; end > 0; end--) {
      swap(logits, ids, 0, end);
      siftDown(logits, ids, 0, end);
    }
  }

  /** Whether element a belongs after element b in the sorted order. */
  private static boolean after(float la, int ia, float lb, int ib) {
    return la < lb || (la == lb && ia > ib);
  }

  private static void insertionSort(float[] logits, int[] ids, int n) {
    for (int i = 1; i < n; i++) {
      float l = logits[i];
      int id = ids[i];
      int j = i - 1;
      while (j >= 0 && after(logits[j], ids[j], l, id)) {
        logits[j + 1] = logits[j];
        ids[j + 1] = ids[j];
        j--;
      }
      logits[j + 1] = l;
      ids[j + 1] = id;
    }
  }

  private static void siftDown(float[] logits, int[] ids, int root, int n) {
    while (true) {
      int child = 2 * root + 1;
      if (child >= n) {
        return;
      }
      if (child + 1 < n && after(logits[child + 1], ids[child + 1], logits[child], ids[child])) {
        child++;
      }
      if (!after(logits[child], ids[child], logits[root], ids[root])) {
        return;
      }
      swap(logits, ids, root, child);
      root = child;
    }
  }

  private static void swap(float[] logits, int[] ids, int a, int b) {
    float l = logits[a];
    logits[a] = logits[b];
    logits[b] = l;
    int id = ids[a];
    ids[a] = ids[b];
    ids[b] = id;
  }
}
