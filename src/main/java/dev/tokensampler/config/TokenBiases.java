package dev.tokensampler.config;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Token biases as two sorted arrays: a read-only map from token id to bias in increasing id order,
 * holding about 8 bytes per entry (a map of boxed entries holds ten times that).
 */
final class TokenBiases extends AbstractMap<Integer, Float> {
  private final int[] ids;
  private final float[] biases;

  /** Biases of distinct ids sorted increasing; the arrays are kept. */
  TokenBiases(int[] ids, float[] biases) {
    this.ids = ids;
    this.biases = biases;
  }

  int[] ids() {
    return ids.clone();
  }

  float[] biases() {
    return biases.clone();
  }

  @Override
  public int size() {
    return ids.length;
  }

  @Override
  public Set<Map.Entry<Integer, Float>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return ids.length;
      }

      @Override
      public Iterator<Map.Entry<Integer, Float>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < ids.length;
          }

          @Override
          public Map.Entry<Integer, Float> next() {
            if (next >= ids.length) {
              throw new NoSuchElementException();
            }
            int j = next++;
            return new SimpleImmutableEntry<>(ids[j], biases[j]);
          }
        };
      }
    };
  }

  /** Appends {@code {id:bias,...}} as the spec writes it. */
  StringBuilder format(StringBuilder out) {
    out.append('{');
    for (int j = 0; j < ids.length; j++) {
      out.append(j == 0 ? "" : ",").append(ids[j]).append(':').append(biases[j]);
    }
    return out.append('}');
  }
}
