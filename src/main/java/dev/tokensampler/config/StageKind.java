package dev.tokensampler.config;

import dev.tokensampler.stage.Stage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One kind of stage in a spec: its keys (the first one or more are primary: at least one must be
 * given; the others are parameters with defaults), when its values mean "off" (the stage is then
 * left out of the chain), and how to build it.
 */
final class StageKind {
  final String name;
  final Map<String, ValueType> keys = new LinkedHashMap<>();
  final List<String> primaries = new ArrayList<>();
  private final Function<SpecValues, Stage> build;
  private Predicate<SpecValues> off = values -> false;

  private StageKind(String primary, ValueType type, Function<SpecValues, Stage> build) {
    this.name = primary;
    this.build = build;
    primary(primary, type);
  }

  /** A kind with one primary key. */
  static StageKind of(String primary, ValueType type, Function<SpecValues, Stage> build) {
    return new StageKind(primary, type, build);
  }

  /** Adds another primary key: any one of the primaries places the stage. */
  StageKind primary(String key, ValueType type) {
    keys.put(key, type);
    primaries.add(key);
    return this;
  }

  /** Adds a parameter key, which needs a primary key next to it. */
  StageKind with(String key, ValueType type) {
    keys.put(key, type);
    return this;
  }

  /** Leaves the stage out when the values satisfy {@code predicate} (a neutral setting). */
  StageKind offWhen(Predicate<SpecValues> predicate) {
    this.off = predicate;
    return this;
  }

  List<String> keyNames() {
    return Collections.unmodifiableList(new ArrayList<>(keys.keySet()));
  }

  boolean isOff(SpecValues values) {
    return off.test(values);
  }

  Stage build(SpecValues values) {
    return build.apply(values);
  }
}
