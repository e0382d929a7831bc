package dev.tokensampler;

import dev.tokensampler.random.Seeds;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * A generator that counts what is taken from it: {@code nextLong()} calls, and calls of any other
 * method that draws (which a sampler is not supposed to make). It delegates to the generator of
 * a seed, so its stream is the one {@link SamplerConfig#newSampler(long)} uses.
 */
final class CountingRandom implements UniformRandomProvider {
  private final UniformRandomProvider delegate;
  private long longs;
  private long others;

  CountingRandom(long seed) {
    this.delegate = Seeds.generator(seed);
  }

  /** The number of {@code nextLong()} calls so far. */
  long nextLongCalls() {
    return longs;
  }

  /** The number of calls of other drawing methods so far. */
  long otherCalls() {
    return others;
  }

  @Override
  public long nextLong() {
    longs++;
    return delegate.nextLong();
  }

  @Override
  public long nextLong(long n) {
    others++;
    return delegate.nextLong(n);
  }

  @Override
  public long nextLong(long origin, long bound) {
    others++;
    return delegate.nextLong(origin, bound);
  }

  @Override
  public int nextInt() {
    others++;
    return delegate.nextInt();
  }

  @Override
  public int nextInt(int n) {
    others++;
    return delegate.nextInt(n);
  }

  @Override
  public int nextInt(int origin, int bound) {
    others++;
    return delegate.nextInt(origin, bound);
  }

  @Override
  public double nextDouble() {
    others++;
    return delegate.nextDouble();
  }

  @Override
  public double nextDouble(double bound) {
    others++;
    return delegate.nextDouble(bound);
  }

  @Override
  public double nextDouble(double origin, double bound) {
    others++;
    return delegate.nextDouble(origin, bound);
  }

  @Override
  public float nextFloat() {
    others++;
    return delegate.nextFloat();
  }

  @Override
  public float nextFloat(float bound) {
    others++;
    return delegate.nextFloat(bound);
  }

  @Override
  public float nextFloat(float origin, float bound) {
    others++;
    return delegate.nextFloat(origin, bound);
  }

  @Override
  public boolean nextBoolean() {
    others++;
    return delegate.nextBoolean();
  }

  @Override
  public void nextBytes(byte[] bytes) {
    others++;
    delegate.nextBytes(bytes);
  }

  @Override
  public void nextBytes(byte[] bytes, int start, int len) {
    others++;
    delegate.nextBytes(bytes, start, len);
  }
}
