package dev.tokensampler.structured;

import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Stage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Objects;

/**
 * A sampler stage that removes every token a {@link TokenConstraint} does not allow next (sets
 * its logit to {@code -Infinity}), and follows the sequence through {@link #accept}.
 *
 * <p>It draws no random bits and selects nothing, so a chain with it takes one {@code nextLong()}
 * per token like any other, and works anywhere in a chain (a truncating stage before it may leave
 * only disallowed tokens, an {@link IllegalArgumentException} from
 * {@link Candidates#keepAllowed(long[])}; placing it first avoids that). Everything the sampler accepts goes
 * through the constraint: feed prompt tokens to the sampler only if they belong to the
 * constrained text. The mask is applied with {@link Candidates#keepAllowed(long[])}: one pass
 * that validates every logit (NaN, {@code +Infinity}), as the built-in masks do. {@link #saveState} writes the constraint state, so a restored sampler
 * continues identically.
 *
 * <p>Stateful: each sampler gets its own {@link #copy()}.
 */
public final class ConstraintStage implements Stage {
  private final ConstraintMatcher matcher;
  private final long[] words;

  /**
   * A stage at the start of a sequence.
   *
   * @param constraint the constraint
   */
  public ConstraintStage(TokenConstraint constraint) {
    this(Objects.requireNonNull(constraint, "constraint").newMatcher());
  }

  private ConstraintStage(ConstraintMatcher matcher) {
    this.matcher = matcher;
    this.words = new long[(matcher.constraint().vocabularySize() + 63) >>> 6];
  }

  /**
   * Masks the tokens the constraint does not allow.
   *
   * @param c the candidates
   * @throws IllegalArgumentException if the candidates' vocabulary size differs from the
   *     constraint's, the logits are invalid, or every allowed token's logit is
   *     {@code -Infinity}
   * @throws IllegalStateException if the constraint allows no token (it has finished, or no token
   *     of the vocabulary can continue the text)
   */
  @Override
  public void apply(Candidates c) {
    int v = matcher.constraint().vocabularySize();
    if (c.vocabularySize() != v) {
      throw new IllegalArgumentException("candidates have a vocabulary of " + c.vocabularySize()
          + " tokens, the constraint's has " + v);
    }
    int allowed = matcher.fillAllowed(words);
    if (allowed == 0) {
      throw new IllegalStateException(matcher.isFinished()
          ? "the constraint has finished: no token can follow (stop at end of sequence)"
          : "the constraint allows no token of the vocabulary here");
    }
    c.keepAllowed(words);
  }

  /**
   * Advances the constraint past the chosen token.
   *
   * @throws IllegalArgumentException if the constraint does not allow the token
   */
  @Override
  public void accept(int token) {
    matcher.accept(token);
  }

  @Override
  public void reset() {
    matcher.reset();
  }

  @Override
  public void saveState(DataOutput out) throws IOException {
    matcher.saveState(out);
  }

  @Override
  public void restoreState(DataInput in) throws IOException {
    matcher.restoreState(in);
  }

  @Override
  public Stage copy() {
    return new ConstraintStage(matcher.copy());
  }

  /** @return the only allowed next token, or -1 (see {@link ConstraintMatcher#forcedToken()}) */
  public int forcedToken() {
    return matcher.forcedToken();
  }

  /** @return whether the text so far is complete and nothing more can follow */
  public boolean isFinished() {
    return matcher.isFinished();
  }

  /** @return whether the text so far is in the language */
  public boolean isAccepting() {
    return matcher.isAccepting();
  }

  @Override
  public String toString() {
    return "constraint=" + matcher.constraint().grammar();
  }
}
