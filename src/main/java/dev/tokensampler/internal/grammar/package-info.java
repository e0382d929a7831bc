/**
 * Internals of the grammar engine behind {@link dev.tokensampler.structured}: byte-level grammars,
 * their parsers, the pushdown automaton and the token trie. Not part of the API.
 */
package dev.tokensampler.internal.grammar;
