/**
 * Sampler chains from text: a compact {@code key=value} spec for command lines and experiment
 * grids ({@link dev.tokensampler.config.SamplerSpec}), presets for llama.cpp's and transformers'
 * default chains, and Hugging Face {@code generation_config.json} files
 * ({@link dev.tokensampler.config.GenerationConfigJson}, which needs the optional Gson dependency).
 */
package dev.tokensampler.config;
