/**
 * Random streams for sampling: how a {@code long} seed becomes a generator, and how uniform
 * numbers are derived from 64-bit outputs. Only {@code nextLong()} of Apache Commons RNG is used,
 * the one output its releases promise to keep stable, so a seed gives the same tokens with every
 * release of this library that keeps the same derivation.
 */
package dev.tokensampler.random;
