package dev.tokensampler.structured;

/**
 * How {@link JsonSchemaGrammar} writes JSON for a schema, and the limits that bound its work.
 * Immutable; {@link #defaults()} and the {@code with...} methods return instances.
 *
 * <p><b>Whitespace.</b> {@link Whitespace#COMPACT} (the default) allows no whitespace at all:
 * {@code {"a":1,"b":[true,null]}}. {@link Whitespace#FLEXIBLE} allows, wherever JSON allows
 * whitespace between tokens (after <code>&#123;</code>, {@code [}, {@code ,}, {@code :}, a key and a value),
 * nothing, one space, or a newline followed by at most 20 spaces or tabs. Values of {@code const}
 * and {@code enum} are written compactly in both policies.
 *
 * <p><b>Property order.</b> {@link PropertyOrder#SCHEMA} (the default): declared properties
 * appear in the order of the schema's {@code properties} (then required names not declared
 * there), each optional one present or absent, and undeclared properties (where
 * {@code additionalProperties} allows them) after all declared ones. {@link
 * PropertyOrder#REQUIRED_FIRST}: the required ones first (in schema order), then the optional ones.
 * {@link PropertyOrder#ANY}: the declared properties in any order, each at most once, every
 * required one present, undeclared properties (where allowed) anywhere among them; exact, so its
 * grammar grows as {@code 2^n} in an object's number {@code n} of declared properties, and an
 * object with more than 10 declared properties, or with undeclared properties and
 * {@code minProperties}/{@code maxProperties}, is written in schema order instead (a subset of its
 * valid instances). Where a schema's order is arbitrary (alphabetical keys, a generator's order),
 * {@code ANY} accepts the orders documents and models write; it costs compile time and masks.
 *
 * <p><b>Limits.</b> A schema text longer than {@link #maxSchemaChars()}, a grammar longer than
 * {@link #maxGrammarChars()}, or compile work past {@link #maxWork()} steps is an
 * {@link IllegalArgumentException}. Repetition bounds ({@code maxLength}, {@code maxItems},
 * {@code {n,m}} in a pattern) above {@link #maxRepeat()} are lowered to it (the grammar then accepts
 * a subset of the schema's instances); lower bounds above it are an error.
 */
public final class JsonSchemaOptions {
  /** Whitespace between JSON tokens. */
  public enum Whitespace {
    /** No whitespace at all. */
    COMPACT,
    /** Bounded optional whitespace wherever JSON allows it. */
    FLEXIBLE
  }

  /** The order in which declared properties appear. */
  public enum PropertyOrder {
    /** The order of the schema's {@code properties}. */
    SCHEMA,
    /** Required properties first, then optional ones, each group in schema order. */
    REQUIRED_FIRST,
    /**
     * Any order, each declared property at most once, required ones enforced (objects with up to
     * 10 declared properties; larger ones in schema order).
     */
    ANY
  }

  private static final JsonSchemaOptions DEFAULTS = new JsonSchemaOptions(Whitespace.COMPACT,
      PropertyOrder.SCHEMA, true, 4_000_000, 8_000_000, 2_000_000, 1_000);

  private final Whitespace whitespace;
  private final PropertyOrder propertyOrder;
  private final boolean undeclaredProperties;
  private final int maxSchemaChars;
  private final int maxGrammarChars;
  private final int maxWork;
  private final int maxRepeat;

  private JsonSchemaOptions(Whitespace whitespace, PropertyOrder propertyOrder,
      boolean undeclaredProperties, int maxSchemaChars, int maxGrammarChars, int maxWork,
      int maxRepeat) {
    this.whitespace = whitespace;
    this.propertyOrder = propertyOrder;
    this.undeclaredProperties = undeclaredProperties;
    this.maxSchemaChars = maxSchemaChars;
    this.maxGrammarChars = maxGrammarChars;
    this.maxWork = maxWork;
    this.maxRepeat = maxRepeat;
  }

  /**
   * Compact whitespace, schema property order, undeclared properties as the schema allows them,
   * schemas up to 4,000,000 characters, grammars up to 8,000,000 characters, 2,000,000 steps of
   * compile work, repetition bounds up to 1,000.
   */
  public static JsonSchemaOptions defaults() {
    return DEFAULTS;
  }

  public Whitespace whitespace() {
    return whitespace;
  }

  public PropertyOrder propertyOrder() {
    return propertyOrder;
  }

  /**
   * Whether an object may carry properties its schema does not declare where the schema allows
   * them (absent or non-false {@code additionalProperties}). True by default, as JSON Schema
   * specifies; false restricts every object to its declared properties (a subset of the valid
   * instances, often what a generator wants).
   */
  public boolean undeclaredProperties() {
    return undeclaredProperties;
  }

  public int maxSchemaChars() {
    return maxSchemaChars;
  }

  public int maxGrammarChars() {
    return maxGrammarChars;
  }

  public int maxWork() {
    return maxWork;
  }

  public int maxRepeat() {
    return maxRepeat;
  }

  /** @throws NullPointerException if {@code value} is null */
  public JsonSchemaOptions withWhitespace(Whitespace value) {
    return new JsonSchemaOptions(java.util.Objects.requireNonNull(value, "whitespace"),
        propertyOrder, undeclaredProperties, maxSchemaChars, maxGrammarChars, maxWork, maxRepeat);
  }

  /** @throws NullPointerException if {@code value} is null */
  public JsonSchemaOptions withPropertyOrder(PropertyOrder value) {
    return new JsonSchemaOptions(whitespace, java.util.Objects.requireNonNull(value,
        "propertyOrder"), undeclaredProperties, maxSchemaChars, maxGrammarChars, maxWork,
        maxRepeat);
  }

  public JsonSchemaOptions withUndeclaredProperties(boolean value) {
    return new JsonSchemaOptions(whitespace, propertyOrder, value, maxSchemaChars,
        maxGrammarChars, maxWork, maxRepeat);
  }

  /** @throws IllegalArgumentException if {@code value < 1} */
  public JsonSchemaOptions withMaxSchemaChars(int value) {
    return new JsonSchemaOptions(whitespace, propertyOrder, undeclaredProperties,
        positive("maxSchemaChars", value), maxGrammarChars, maxWork, maxRepeat);
  }

  /** @throws IllegalArgumentException if {@code value < 1} */
  public JsonSchemaOptions withMaxGrammarChars(int value) {
    return new JsonSchemaOptions(whitespace, propertyOrder, undeclaredProperties, maxSchemaChars,
        positive("maxGrammarChars", value), maxWork, maxRepeat);
  }

  /** @throws IllegalArgumentException if {@code value < 1} */
  public JsonSchemaOptions withMaxWork(int value) {
    return new JsonSchemaOptions(whitespace, propertyOrder, undeclaredProperties, maxSchemaChars,
        maxGrammarChars, positive("maxWork", value), maxRepeat);
  }

  /** @throws IllegalArgumentException if {@code value < 1} */
  public JsonSchemaOptions withMaxRepeat(int value) {
    return new JsonSchemaOptions(whitespace, propertyOrder, undeclaredProperties, maxSchemaChars,
        maxGrammarChars, maxWork, positive("maxRepeat", value));
  }

  private static int positive(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
    return value;
  }

  @Override
  public String toString() {
    return "JsonSchemaOptions[whitespace=" + whitespace + ", propertyOrder=" + propertyOrder
        + ", undeclaredProperties=" + undeclaredProperties + ", maxSchemaChars=" + maxSchemaChars
        + ", maxGrammarChars=" + maxGrammarChars + ", maxWork=" + maxWork + ", maxRepeat="
        + maxRepeat + "]";
  }
}
