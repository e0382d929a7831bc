package dev.tokensampler.samples.lab;

import dev.tokensampler.structured.ConstraintMatcher;
import dev.tokensampler.structured.ConstraintStage;
import dev.tokensampler.structured.Grammar;
import dev.tokensampler.structured.JsonSchemaGrammar;
import dev.tokensampler.structured.TokenConstraint;
import dev.tokensampler.vocab.TokenVocabulary;
import java.util.Objects;

/**
 * The optional constraint of a grid, bound to the model's vocabulary: a JSON Schema or a regular
 * expression ({@code dev.tokensampler.structured}). It either {@linkplain Mode#ENFORCE enforces}
 * the language (a {@link ConstraintStage} first in every strategy's chain, and a continuation
 * ends when the constraint is finished) or only {@linkplain Mode#MEASURE measures} how often
 * unconstrained continuations fall in it. A continuation is valid when its tokens' byte strings,
 * concatenated, form a complete text of the language (the end-of-sequence token excluded).
 */
public final class LabConstraint {
  /** Whether the constraint steers sampling or is only measured. */
  public enum Mode {
    /** A constraint stage first in the chain. */
    ENFORCE,
    /** Validity measured on unconstrained continuations. */
    MEASURE
  }

  /** The kinds of constraint. */
  public enum Kind {
    /** A JSON Schema document. */
    JSON_SCHEMA,
    /** A regular expression (the subset of {@link Grammar#regex}). */
    REGEX
  }

  /**
   * A constraint as written.
   *
   * @param kind its kind
   * @param text the schema or the pattern
   * @param mode enforce or measure
   */
  public record Spec(Kind kind, String text, Mode mode) {
    /** Checks for null. */
    public Spec {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(mode, "mode");
    }
  }

  private final Spec spec;
  private final TokenConstraint constraint;

  private LabConstraint(Spec spec, TokenConstraint constraint) {
    this.spec = spec;
    this.constraint = constraint;
  }

  /**
   * Compiles a constraint for a vocabulary.
   *
   * @param spec the constraint
   * @param vocabulary the model's token byte strings
   * @return the compiled constraint
   * @throws IllegalArgumentException if the schema or pattern is invalid
   */
  public static LabConstraint compile(Spec spec, TokenVocabulary vocabulary) {
    Grammar grammar = spec.kind() == Kind.JSON_SCHEMA
        ? JsonSchemaGrammar.compile(spec.text())
        : Grammar.regex(spec.text());
    return new LabConstraint(spec, TokenConstraint.compile(grammar, vocabulary));
  }

  /**
   * Whether the constraint steers sampling.
   *
   * @return true in {@link Mode#ENFORCE}
   */
  public boolean enforced() {
    return spec.mode() == Mode.ENFORCE;
  }

  /**
   * A new stage that enforces the constraint, for the start of a chain.
   *
   * @return the stage
   */
  public ConstraintStage newStage() {
    return new ConstraintStage(constraint);
  }

  /**
   * Whether generated tokens form a complete text of the language.
   *
   * @param tokens the continuation, without the end-of-sequence token
   * @return true if every token may follow the ones before it and the text is complete
   */
  public boolean isValid(int[] tokens) {
    ConstraintMatcher matcher = constraint.newMatcher();
    for (int token : tokens) {
      if (!matcher.isAllowed(token)) {
        return false;
      }
      matcher.accept(token);
    }
    return matcher.isAccepting();
  }
}
