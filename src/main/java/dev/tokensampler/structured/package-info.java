/**
 * Structured output: constrain sampling to a formal language. A {@link
 * dev.tokensampler.structured.Grammar} (GBNF, regular expression, choice) is compiled against a
 * {@link dev.tokensampler.vocab.TokenVocabulary} into a {@link
 * dev.tokensampler.structured.TokenConstraint}; a {@link
 * dev.tokensampler.structured.ConstraintMatcher} follows one sequence and writes allowed-token
 * bit masks; {@link dev.tokensampler.structured.ConstraintStage} applies them in a sampler chain.
 */
package dev.tokensampler.structured;
