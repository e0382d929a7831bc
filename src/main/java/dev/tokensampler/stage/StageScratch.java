package dev.tokensampler.stage;

/**
 * Work arrays of the built-in stages, shared by the stages of one chain (a stage uses them within
 * its {@code apply} only) and allocated on first use, at most once each. Not thread-safe.
 */
final class StageScratch {
  private final int vocabularySize;
  private float[] keys;
  private float[] selectionKeys;
  private float[] selectionWeights;
  private double[] buckets;
  private int[] order;

  StageScratch(int vocabularySize) {
    this.vocabularySize = vocabularySize;
  }

  /** {@code V} floats for a stage's per-candidate keys. */
  float[] keys() {
    if (keys == null) {
      keys = new float[vocabularySize];
    }
    return keys;
  }

  /** {@code V} floats for keys that a selection permutes. */
  float[] selectionKeys() {
    if (selectionKeys == null) {
      selectionKeys = new float[vocabularySize];
    }
    return selectionKeys;
  }

  /** {@code V} floats for weights that a selection permutes with its keys. */
  float[] selectionWeights() {
    if (selectionWeights == null) {
      selectionWeights = new float[vocabularySize];
    }
    return selectionWeights;
  }

  /** {@link WeightedSelection#BUCKETS} doubles. */
  double[] buckets() {
    if (buckets == null) {
      buckets = new double[WeightedSelection.BUCKETS];
    }
    return buckets;
  }

  /** {@code V} ints for a stage's per-candidate positions. */
  int[] order() {
    if (order == null) {
      order = new int[vocabularySize];
    }
    return order;
  }
}
