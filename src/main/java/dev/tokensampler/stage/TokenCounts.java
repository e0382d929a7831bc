package dev.tokensampler.stage;

import java.util.Arrays;

/**
 * A map from token id to a positive int (a count, or a length), by open addressing with linear
 * probing; a key whose value drops to 0 is removed (backward-shift deletion, so lookups never
 * slow down). The table doubles when half full, so its allocation amortises to zero and stops
 * once the number of distinct tokens stops growing. Iterate with {@link #slots()},
 * {@link #keyAt} and {@link #valueAt}. Not thread-safe.
 */
final class TokenCounts {
  private static final int EMPTY = -1;
  private static final int INITIAL = 16;

  private int[] keys;
  private int[] values;
  private int size;

  TokenCounts() {
    keys = new int[INITIAL];
    values = new int[INITIAL];
    Arrays.fill(keys, EMPTY);
  }

  private TokenCounts(TokenCounts other) {
    keys = other.keys.clone();
    values = other.values.clone();
    size = other.size;
  }

  /**
   * An independent copy.
   *
   * @return a map with the same entries
   */
  TokenCounts copy() {
    return new TokenCounts(this);
  }

  /**
   * The value of a token.
   *
   * @param token a token id, {@code >= 0}
   * @return its value, 0 if absent
   */
  int get(int token) {
    int mask = keys.length - 1;
    for (int slot = hash(token) & mask; ; slot = (slot + 1) & mask) {
      int key = keys[slot];
      if (key == token) {
        return values[slot];
      }
      if (key == EMPTY) {
        return 0;
      }
    }
  }

  /**
   * Adds {@code delta} to the value of a token; a result of 0 removes it.
   *
   * @param token a token id, {@code >= 0}
   * @param delta the change; the result must not be negative
   */
  void add(int token, int delta) {
    int mask = keys.length - 1;
    int slot = hash(token) & mask;
    while (keys[slot] != EMPTY && keys[slot] != token) {
      slot = (slot + 1) & mask;
    }
    if (keys[slot] == EMPTY) {
      if (delta == 0) {
        return;
      }
      keys[slot] = token;
      values[slot] = delta;
      if (++size * 2 > keys.length) {
        grow();
      }
      return;
    }
    values[slot] += delta;
    if (values[slot] == 0) {
      remove(slot);
    }
  }

  /**
   * Sets the value of a token.
   *
   * @param token a token id, {@code >= 0}
   * @param value the new value, {@code >= 0}; 0 removes the token
   */
  void put(int token, int value) {
    add(token, value - get(token));
  }

  /**
   * Raises the value of a token to at least {@code value}.
   *
   * @param token a token id, {@code >= 0}
   * @param value a positive value
   */
  void max(int token, int value) {
    int current = get(token);
    if (value > current) {
      add(token, value - current);
    }
  }

  /** Removes every entry; keeps the table. */
  void clear() {
    if (size > 0) {
      Arrays.fill(keys, EMPTY);
      size = 0;
    }
  }

  /**
   * The number of tokens with a value.
   *
   * @return the count
   */
  int size() {
    return size;
  }

  /**
   * The number of slots to iterate over; a slot holds an entry iff {@link #keyAt} is not negative.
   *
   * @return the table length
   */
  int slots() {
    return keys.length;
  }

  /**
   * The token in a slot.
   *
   * @param slot {@code 0 <= slot < slots()}
   * @return the token id, or -1 for an empty slot
   */
  int keyAt(int slot) {
    return keys[slot];
  }

  /**
   * The value in a slot.
   *
   * @param slot a slot holding an entry
   * @return its value
   */
  int valueAt(int slot) {
    return values[slot];
  }

  private void remove(int slot) {
    int mask = keys.length - 1;
    int hole = slot;
    for (int j = (hole + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
      int home = hash(keys[j]) & mask;
      // The entry at j may move into the hole iff its home is not cyclically in (hole, j].
      boolean homeBetween = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!homeBetween) {
        keys[hole] = keys[j];
        values[hole] = values[j];
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    size--;
  }

  private void grow() {
    int[] oldKeys = keys;
    int[] oldValues = values;
    keys = new int[oldKeys.length * 2];
    values = new int[oldKeys.length * 2];
    Arrays.fill(keys, EMPTY);
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != EMPTY) {
        int slot = hash(oldKeys[i]) & mask;
        while (keys[slot] != EMPTY) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        values[slot] = oldValues[i];
      }
    }
  }

  private static int hash(int token) {
    int h = token * 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
