/**
 * tokensampler: composable, reproducible LLM token sampling.
 *
 * <p>The core needs Apache Commons RNG only. The optional parts need their libraries on the
 * module path, and a module that uses them must make them readable, for instance by requiring
 * them itself:
 *
 * <ul>
 *   <li>{@code jdk.incubator.vector}: the SIMD kernels, used when the JVM is started with
 *       {@code --add-modules jdk.incubator.vector}; otherwise the scalar kernels give the same
 *       results;
 *   <li>{@code ai.djl.api}: the package {@code dev.tokensampler.djl};
 *   <li>{@code ai.djl.tokenizers} (and {@code com.google.gson}):
 *       {@code dev.tokensampler.djl.HuggingFaceTextTokenizer};
 *   <li>{@code com.google.gson}: {@code dev.tokensampler.config.GenerationConfigJson},
 *       {@code dev.tokensampler.structured.JsonSchemaGrammar} and
 *       {@code dev.tokensampler.vocab.TokenizerJson}.
 * </ul>
 *
 * <p>The packages {@code dev.tokensampler.kernel} and {@code dev.tokensampler.internal.*} (logits,
 * grammar, jsonschema) are internal and not exported.
 */
@SuppressWarnings("requires-automatic")
module dev.tokensampler {
  requires transitive org.apache.commons.rng.api;
  requires org.apache.commons.rng.core;

  requires static jdk.incubator.vector;
  // Not transitive: DJL's types appear in the API of dev.tokensampler.djl only, and a consumer
  // that does not use that package must compile without DJL (its classes therefore suppress
  // the "exports" lint).
  requires static ai.djl.api;
  requires static ai.djl.tokenizers;
  requires static com.google.gson;

  exports dev.tokensampler;
  exports dev.tokensampler.config;
  exports dev.tokensampler.djl;
  exports dev.tokensampler.random;
  exports dev.tokensampler.score;
  exports dev.tokensampler.search;
  exports dev.tokensampler.speculative;
  exports dev.tokensampler.stage;
  exports dev.tokensampler.structured;
  exports dev.tokensampler.vocab;
}
