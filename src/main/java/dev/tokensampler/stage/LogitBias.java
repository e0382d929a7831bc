package dev.tokensampler.stage;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Adds a fixed bias to the logits of chosen tokens: {@code logit[id] += bias[id]}; a bias of
 * {@code -Infinity} bans the token.
 *
 * <p>Source: llama.cpp's logit-bias sampler ({@code logit_bias}, any float; first in its default
 * chain) and the OpenAI API's {@code logit_bias} (values in {@code [-100, 100]} there; this stage
 * does not clamp). transformers has the same for single tokens in {@code SequenceBiasLogitsProcessor}
 * ({@code sequence_bias} with one-token keys); for multi-token bans see {@link BannedSequences}.
 * Biases must be finite or {@code -Infinity}; {@code +Infinity} and NaN are rejected (to force a
 * token, ban the others with {@link TokenMask}). If every candidate ends at {@code -Infinity},
 * the sampler throws, as for any such logits (see {@link Candidates}).
 *
 * <p>On the whole vocabulary this edits only the biased logits (after the one copy of the caller's
 * logits that any first write of a step costs); on explicit candidates each candidate's id is
 * looked up by binary search. A token id not below the vocabulary size is an error at
 * {@code apply}. Stateless and immutable.
 */
public final class LogitBias implements Stage {
  private final int[] ids;
  private final float[] biases;

  /**
   * A bias stage.
   *
   * @param logitBias {@code logit_bias}: token id ({@code >= 0}) to bias (finite or
   *     {@code -Infinity}); copied
   * @throws NullPointerException if the map, a key or a value is null
   * @throws IllegalArgumentException if an id is negative or a bias is NaN or {@code +Infinity}
   */
  public LogitBias(Map<Integer, Float> logitBias) {
    Objects.requireNonNull(logitBias, "logit_bias");
    TreeMap<Integer, Float> sorted = new TreeMap<>();
    for (Map.Entry<Integer, Float> e : logitBias.entrySet()) {
      int id = Objects.requireNonNull(e.getKey(), "logit_bias token id");
      float bias = Objects.requireNonNull(e.getValue(), "logit_bias of token " + id);
      if (id < 0) {
        throw new IllegalArgumentException("logit_bias token id must be >= 0, got " + id);
      }
      if (Float.isNaN(bias) || bias == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "logit_bias of token " + id + " must be finite or -Infinity, got " + bias);
      }
      sorted.put(id, bias);
    }
    this.ids = new int[sorted.size()];
    this.biases = new float[sorted.size()];
    int j = 0;
    for (Map.Entry<Integer, Float> e : sorted.entrySet()) {
      ids[j] = e.getKey();
      biases[j] = e.getValue();
      j++;
    }
  }

  /**
   * A bias stage from parallel arrays (no boxing: about 8 bytes per token however many).
   *
   * @param tokenIds token ids ({@code >= 0}, distinct, in any order); copied
   * @param logitBias the bias of each (finite or {@code -Infinity}); copied
   * @throws NullPointerException if an array is null
   * @throws IllegalArgumentException if the lengths differ, an id is negative or repeated, or a
   *     bias is NaN or {@code +Infinity}
   */
  public LogitBias(int[] tokenIds, float[] logitBias) {
    Objects.requireNonNull(tokenIds, "logit_bias token ids");
    Objects.requireNonNull(logitBias, "logit_bias");
    if (tokenIds.length != logitBias.length) {
      throw new IllegalArgumentException("logit_bias has " + logitBias.length + " biases for "
          + tokenIds.length + " token ids");
    }
    long[] order = new long[tokenIds.length];
    for (int j = 0; j < tokenIds.length; j++) {
      check(tokenIds[j], logitBias[j]);
      order[j] = ((long) tokenIds[j] << 32) | j;
    }
    Arrays.sort(order);
    this.ids = new int[order.length];
    this.biases = new float[order.length];
    for (int j = 0; j < order.length; j++) {
      int k = (int) order[j];
      ids[j] = tokenIds[k];
      biases[j] = logitBias[k];
      if (j > 0 && ids[j] == ids[j - 1]) {
        throw new IllegalArgumentException("logit_bias token id " + ids[j] + " is given twice");
      }
    }
  }

  private static void check(int id, float bias) {
    if (id < 0) {
      throw new IllegalArgumentException("logit_bias token id must be >= 0, got " + id);
    }
    if (Float.isNaN(bias) || bias == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException(
          "logit_bias of token " + id + " must be finite or -Infinity, got " + bias);
    }
  }

  /**
   * The biases.
   *
   * @return an unmodifiable map from token id to bias, in increasing id order
   */
  public Map<Integer, Float> biases() {
    TreeMap<Integer, Float> map = new TreeMap<>();
    for (int j = 0; j < ids.length; j++) {
      map.put(ids[j], biases[j]);
    }
    return Collections.unmodifiableMap(map);
  }

  /**
   * Adds the biases.
   *
   * @param c the candidates
   * @throws IllegalArgumentException if a biased token id is not below the vocabulary size, or a
   *     bias makes a valid logit {@code +Infinity} (an overflow past 3.4e38: the message names
   *     this stage)
   */
  @Override
  public void apply(Candidates c) {
    if (ids.length == 0) {
      return;
    }
    int last = ids[ids.length - 1];
    if (last >= c.vocabularySize()) {
      throw new IllegalArgumentException("logit_bias token " + last
          + " is outside the vocabulary of size " + c.vocabularySize());
    }
    c.writes().edit();
    LogitView view = c.logitView();
    float[] x = view.logits();
    int o = view.offset();
    int[] candidateIds = view.ids();
    if (candidateIds == null) {
      for (int j = 0; j < ids.length; j++) {
        float before = x[o + ids[j]];
        float after = before + biases[j];
        if (!(after < Float.POSITIVE_INFINITY)) {
          HistoryStages.checkCreated(this, ids[j], before, after);
        }
        c.writes().write(ids[j], after);
      }
    } else {
      for (int i = 0, n = c.size(); i < n; i++) {
        int j = Arrays.binarySearch(ids, candidateIds[i]);
        if (j >= 0) {
          float before = x[o + i];
          float after = before + biases[j];
          if (!(after < Float.POSITIVE_INFINITY)) {
            HistoryStages.checkCreated(this, ids[j], before, after);
          }
          c.writes().write(i, after);
        }
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("logit_bias={");
    for (int j = 0; j < ids.length; j++) {
      if (j == 8) {
        text.append("... ").append(ids.length).append(" tokens #")
            .append(Integer.toHexString(31 * Arrays.hashCode(ids) + Arrays.hashCode(biases)));
        break;
      }
      text.append(j == 0 ? "" : ",").append(ids[j]).append(':').append(biases[j]);
    }
    return text.append('}').toString();
  }
}
