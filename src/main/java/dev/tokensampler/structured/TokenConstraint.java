package dev.tokensampler.structured;

import dev.tokensampler.internal.grammar.TokenAutomaton;
import dev.tokensampler.internal.grammar.TokenTrie;
import dev.tokensampler.vocab.TokenVocabulary;
import java.util.Objects;

/**
 * A {@link Grammar} bound to a {@link TokenVocabulary}: it knows which tokens can extend a text of
 * the grammar's language. Compile once; share across threads and samplers; each sequence gets its
 * own {@link ConstraintMatcher} from {@link #newMatcher()}.
 *
 * <p>A token is allowed when its byte string extends the text so far to a prefix of some string
 * of the language. Special tokens never match text. End-of-sequence tokens (the vocabulary's
 * {@link TokenVocabulary#eosTokenIds()}) are allowed exactly where the text so far is in the
 * language. Tokens need not align with characters: a token may end inside a multi-byte UTF-8
 * character, and the next token must complete it.
 *
 * <p>Compiling builds the vocabulary's token trie once per vocabulary (kept while the vocabulary
 * is reachable) and costs nothing per grammar beyond it. The automaton over parse states is built
 * lazily as matchers meet states, and shared by the matchers of this constraint (one per
 * thread slot, up to {@value #AUTOMATA}, each locked while in use), so that later sequences reuse
 * what earlier ones learned; token masks of grammar fragments are shared by every constraint on
 * the same vocabulary.
 */
public final class TokenConstraint {
  private final Grammar grammar;
  private final TokenVocabulary vocabulary;
  private final TokenTrie trie;
  private final int[] eosIds;
  /** The most automata a constraint keeps (matchers pick one by thread). */
  public static final int AUTOMATA = 4;
  private final TokenAutomaton[] automata;

  private TokenConstraint(Grammar grammar, TokenVocabulary vocabulary) {
    this.grammar = grammar;
    this.vocabulary = vocabulary;
    this.trie = TokenTrie.of(vocabulary);
    this.eosIds = vocabulary.eosTokenIds();
    this.automata = new TokenAutomaton[
        Math.max(1, Math.min(AUTOMATA, Runtime.getRuntime().availableProcessors()))];
  }

  /** The automaton for the calling thread's slot. */
  synchronized TokenAutomaton automaton() {
    int slot = (int) (Thread.currentThread().getId() % automata.length);
    TokenAutomaton a = automata[slot];
    if (a == null) {
      a = new TokenAutomaton(grammar.bytes(), trie, eosIds);
      automata[slot] = a;
    }
    return a;
  }

  /** A fresh automaton in place of a full one, for the matchers that leave it. */
  synchronized TokenAutomaton replace(TokenAutomaton full) {
    for (int i = 0; i < automata.length; i++) {
      if (automata[i] == full) {
        automata[i] = new TokenAutomaton(grammar.bytes(), trie, eosIds);
        return automata[i];
      }
    }
    return automaton();
  }

  /**
   * Binds a grammar to a vocabulary.
   *
   * @param grammar the language
   * @param vocabulary the token byte strings
   * @return the constraint
   * @throws NullPointerException if an argument is null
   */
  public static TokenConstraint compile(Grammar grammar, TokenVocabulary vocabulary) {
    Objects.requireNonNull(grammar, "grammar");
    Objects.requireNonNull(vocabulary, "vocabulary");
    return new TokenConstraint(grammar, vocabulary);
  }

  /** @return a matcher at the start of a sequence */
  public ConstraintMatcher newMatcher() {
    return new ConstraintMatcher(this);
  }

  /** @return the grammar */
  public Grammar grammar() {
    return grammar;
  }

  /** @return the vocabulary */
  public TokenVocabulary vocabulary() {
    return vocabulary;
  }

  /** @return the number of token ids, the length of the masks */
  public int vocabularySize() {
    return vocabulary.size();
  }

  TokenTrie trie() {
    return trie;
  }

  int[] eosIds() {
    return eosIds;
  }

  @Override
  public String toString() {
    return "TokenConstraint[" + grammar + ", " + vocabulary + "]";
  }
}
