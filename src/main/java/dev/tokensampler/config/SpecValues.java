package dev.tokensampler.config;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** The parsed values of a spec, read by the stage builders with the keys' defaults. */
final class SpecValues {
  private final Map<String, Object> values;

  SpecValues(Map<String, Object> values) {
    this.values = values;
  }

  boolean has(String key) {
    return values.containsKey(key);
  }

  float f(String key, float defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : (Float) v;
  }

  float f(String key) {
    return (Float) values.get(key);
  }

  boolean bool(String key, boolean defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : (Boolean) v;
  }

  int i(String key, int defaultValue) {
    Object v = values.get(key);
    return v == null ? defaultValue : (Integer) v;
  }

  int i(String key) {
    return (Integer) values.get(key);
  }

  int[] ints(String key) {
    Object v = values.get(key);
    return v == null ? new int[0] : ((int[]) v).clone();
  }

  List<int[]> lists(String key) {
    Object v = idForm(values.get(key));
    return v == null ? Collections.emptyList() : Arrays.asList(((int[][]) v).clone());
  }

  @SuppressWarnings("unchecked")
  Map<Integer, Float> biases(String key) {
    Object v = idForm(values.get(key));
    return v == null ? Collections.emptyMap() : (Map<Integer, Float>) v;
  }

  /** The strings of a {@link ValueType#STRINGS} key, empty if absent. */
  List<String> strings(String key) {
    Object v = idForm(values.get(key));
    return v == null ? Collections.emptyList() : Arrays.asList(((String[]) v).clone());
  }

  /** A text value's id form (resolved by a tokenizer), any other value itself. */
  private static Object idForm(Object value) {
    return value instanceof TextValue ? ((TextValue) value).ids : value;
  }

  /** {@code min_keep}, default 1: the floor of every truncating stage. */
  int minKeep() {
    return i(SpecRegistry.MIN_KEEP, 1);
  }

  /** {@code penalty_last_n}, default -1 (the whole history). */
  int penaltyLastN() {
    return i(SpecRegistry.PENALTY_LAST_N, -1);
  }
}
