package dev.tokensampler.structured;

import dev.tokensampler.internal.grammar.ParseEngine;
import dev.tokensampler.internal.grammar.TokenAutomaton;
import dev.tokensampler.vocab.TokenVocabulary;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * The state of one sequence under a {@link TokenConstraint}: which tokens may come next, and the
 * tokens accepted so far.
 *
 * <p>Masks are packed bit sets, the form vLLM, XGrammar and llguidance use: token {@code id} is
 * allowed iff bit {@code id & 63} of {@code words[id >>> 6]} is set. A mask is computed from
 * cached masks of grammar fragments plus a check of the few tokens that reach past a fragment,
 * or by walking the vocabulary's token trie where that is cheaper; masks of recent states are
 * cached, so repeated states cost one copy, and steady-state use allocates nothing.
 *
 * <p>After an end-of-sequence token the matcher is finished and allows nothing. Not thread-safe:
 * one matcher per sequence ({@link #copy()} for another).
 */
public final class ConstraintMatcher {
  private static final int STATE_MAGIC = 0x47524d31; // "GRM1"
  private static final int MAX_STACKS = 1 << 16;
  private static final int MAX_STACK_DEPTH = 1 << 20;

  private final TokenConstraint constraint;
  private final TokenVocabulary vocabulary;
  private final int vocabularySize;
  private final int wordCount;
  private TokenAutomaton automaton;
  private int state;
  private boolean ended;

  ConstraintMatcher(TokenConstraint constraint) {
    this.constraint = constraint;
    this.vocabulary = constraint.vocabulary();
    this.vocabularySize = vocabulary.size();
    this.wordCount = (vocabularySize + 63) >>> 6;
    this.automaton = constraint.automaton();
    this.state = automaton.initial();
  }

  /** @return the constraint this matcher follows */
  public TokenConstraint constraint() {
    return constraint;
  }

  /** Moves to a fresh automaton once the shared one is full. */
  private void checkAutomaton() {
    if (automaton.isFull()) {
      TokenAutomaton fresh = constraint.replace(automaton);
      state = fresh.state(automaton.stacks(state), automaton.isAccepting(state));
      automaton = fresh;
    }
  }

  /**
   * Writes the allowed next tokens as a packed bit set.
   *
   * @param words at least {@code (vocabularySize + 63) / 64} words; the first that many are
   *     overwritten (bits past the vocabulary size are cleared)
   * @return the number of allowed tokens (0 only once the matcher has finished, or if no token
   *     of the vocabulary can continue the text)
   * @throws IllegalArgumentException if {@code words} is too short
   */
  public int fillAllowed(long[] words) {
    Objects.requireNonNull(words, "words");
    if (words.length < wordCount) {
      throw new IllegalArgumentException("words must hold at least " + wordCount
          + " longs for a vocabulary of " + vocabularySize + " tokens, got " + words.length);
    }
    if (ended) {
      Arrays.fill(words, 0, wordCount, 0L);
      return 0;
    }
    checkAutomaton();
    return automaton.fill(state, words);
  }

  /**
   * Whether a token is allowed next (computes the mask if needed).
   *
   * @param tokenId a token id
   * @return whether it is allowed
   */
  public boolean isAllowed(int tokenId) {
    if (ended || tokenId < 0 || tokenId >= vocabularySize) {
      return false;
    }
    checkAutomaton();
    return automaton.allows(state, tokenId);
  }

  /**
   * Advances past a token.
   *
   * @param tokenId the token chosen
   * @throws IllegalArgumentException naming the token if it is not allowed (the state is then
   *     unchanged), or if the id is outside the vocabulary
   */
  public void accept(int tokenId) {
    if (tokenId < 0 || tokenId >= vocabularySize) {
      throw new IllegalArgumentException(
          "token id " + tokenId + " is outside [0, " + vocabularySize + ")");
    }
    if (ended) {
      throw new IllegalArgumentException(
          "token " + describe(tokenId) + " is not allowed: the sequence has ended");
    }
    if (vocabulary.isEos(tokenId)) {
      if (!automaton.isAccepting(state)) {
        throw new IllegalArgumentException("token " + describe(tokenId)
            + " (end of sequence) is not allowed: the text so far is not complete");
      }
      ended = true;
      return;
    }
    if (vocabulary.isSpecial(tokenId) || vocabulary.tokenLength(tokenId) == 0) {
      throw new IllegalArgumentException("token " + describe(tokenId)
          + " is not allowed: special and empty tokens never match text");
    }
    checkAutomaton();
    int s = automaton.advance(state, tokenId);
    if (s == ParseEngine.DEAD) {
      throw new IllegalArgumentException("token " + describe(tokenId)
          + " is not allowed here: the text cannot continue with its byte "
          + automaton.failingByte(state, tokenId));
    }
    state = s;
  }

  /** @return whether the text so far is in the language (an end-of-sequence token may follow) */
  public boolean isAccepting() {
    return ended || automaton.isAccepting(state);
  }

  /**
   * @return whether nothing more can follow: an end-of-sequence token was accepted, or the text
   *     is complete and no byte can extend it
   */
  public boolean isFinished() {
    return ended || (automaton.isAccepting(state) && !automaton.canContinue(state));
  }

  /**
   * The only allowed token, so that a generation loop can skip the model for it.
   *
   * @return the token id, or -1 if zero or several tokens are allowed
   */
  public int forcedToken() {
    if (ended) {
      return -1;
    }
    checkAutomaton();
    return automaton.forcedToken(state);
  }

  /** Returns to the start of a sequence. */
  public void reset() {
    state = automaton.initial();
    ended = false;
  }

  /** @return an independent matcher in the same state */
  public ConstraintMatcher copy() {
    ConstraintMatcher m = new ConstraintMatcher(constraint);
    m.ended = ended;
    m.state = m.automaton == automaton ? state
        : m.automaton.state(automaton.stacks(state), automaton.isAccepting(state));
    return m;
  }

  /**
   * Writes the state: the parse stacks as grammar positions, and whether the sequence ended.
   *
   * @param out where to write
   * @throws IOException if {@code out} fails
   */
  public void saveState(DataOutput out) throws IOException {
    out.writeInt(STATE_MAGIC);
    out.writeLong(constraint.grammar().bytes().fingerprint());
    out.writeBoolean(ended);
    out.writeBoolean(automaton.isAccepting(state));
    int[][] stacks = automaton.stacks(state);
    out.writeInt(stacks.length);
    for (int[] s : stacks) {
      out.writeInt(s.length);
      for (int p : s) {
        out.writeInt(p);
      }
    }
  }

  /**
   * Replaces the state with one written by {@link #saveState} for the same grammar. On failure
   * the state is unchanged.
   *
   * @param in where to read
   * @throws IOException if {@code in} fails or holds no state of this grammar
   */
  public void restoreState(DataInput in) throws IOException {
    if (in.readInt() != STATE_MAGIC) {
      throw new IOException("not a constraint state");
    }
    if (in.readLong() != constraint.grammar().bytes().fingerprint()) {
      throw new IOException("the constraint state was saved for another grammar");
    }
    boolean isEnded = in.readBoolean();
    boolean accept = in.readBoolean();
    int n = in.readInt();
    if (n < 0 || n > MAX_STACKS) {
      throw new IOException("constraint state: bad stack count " + n);
    }
    int[][] stacks = new int[n][];
    long total = 0;
    for (int i = 0; i < n; i++) {
      int len = in.readInt();
      total += Math.max(0, len);
      if (len < 1 || len > MAX_STACK_DEPTH || total > MAX_STACK_DEPTH) {
        throw new IOException("constraint state: bad stack length " + len);
      }
      stacks[i] = new int[len];
      for (int k = 0; k < len; k++) {
        stacks[i][k] = in.readInt();
      }
    }
    try {
      checkAutomaton();
      int s = automaton.state(stacks, accept);
      state = s;
      ended = isEnded;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IOException("constraint state: " + e.getMessage(), e);
    }
  }

  private String describe(int id) {
    byte[] b = vocabulary.tokenBytes(id);
    StringBuilder sb = new StringBuilder().append(id).append(" \"");
    for (int i = 0; i < b.length && i < 40; i++) {
      int c = b[i] & 0xFF;
      if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02X", c));
      }
    }
    return sb.append(b.length > 40 ? "...\"" : "\"").toString();
  }

  @Override
  public String toString() {
    return "ConstraintMatcher[" + constraint.grammar() + ", accepting=" + isAccepting()
        + ", finished=" + isFinished() + "]";
  }
}
