package dev.tokensampler.search;

import dev.tokensampler.score.LogitScorer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Beam search over a model's next-token logits, step by step, with the semantics of transformers'
 * {@code _beam_search} (and, with groups, of its diverse group beam search): the caller runs the
 * model on every running beam, passes the logits to {@link #step(float[])}, then feeds each beam's
 * {@link #token(int) new token}, reordering its key/value cache by {@link #parent(int)}.
 *
 * <p><b>One step, per group of {@code g = num_beams / num_beam_groups} beams.</b> Each running
 * beam's logits become raw log-probabilities (the log-softmax of {@link LogitScorer}, the
 * samplers' kernels); in group {@code i > 0}, each token's log-probability is lowered by
 * {@code diversity_penalty} times the number of beams of groups {@code 0..i-1} that chose it at
 * this step (Hamming diversity); the beam's score is added (float). The
 * {@code max(2, 1 + |eos|) * g} best continuations are taken (ties to the lower beam, then the
 * lower token id). A continuation ends its sequence if its token is an end-of-sequence id or it
 * reaches {@code max_new_tokens}. The {@code g} best continuations that do not end (if fewer,
 * ending ones with {@code -1e9} added) are the next running beams. Ending continuations among the
 * first {@code g} are finished candidates, scored {@code sum / generated_length^length_penalty}
 * (the length counts the generated tokens, the end-of-sequence token included), and kept if they
 * are among the group's {@code g} best finished so far; none is added once the group has
 * {@code g} finished with {@code early_stopping=true}, or once no running beam can improve.
 *
 * <p><b>Stopping</b>, per group: when {@code early_stopping=true} and it has {@code g} finished;
 * when every continuation ended; or when the best running score divided by
 * {@code L^length_penalty} is at most the worst of {@code g} finished scores, with {@code L} the
 * current generated length, or {@code max_new_tokens} for {@code early_stopping=never} and
 * {@code length_penalty > 0}. The search ends when every group has stopped.
 *
 * <p><b>Results</b> ({@link #results()}): the finished candidates of all groups, best score first
 * (ties: lower group, then earlier slot), at most {@code num_return_sequences}.
 *
 * <p>Deterministic: no randomness. Differences from transformers: ties between equal scores are
 * broken by position here, by {@code torch.topk}'s order there; no logits processors run inside
 * the search (transformers applies the generation config's processors to the log-probabilities
 * first); a group that has stopped keeps its beams (fed a padding token) until all have stopped.
 * Not thread-safe.
 */
public final class BeamSearch {
  /** The score added to beams that cannot be chosen, as transformers adds {@code -1e9}. */
  static final float UNSELECTABLE = -1.0e9f;

  private final BeamSearchSettings settings;
  private final int vocabularySize;
  private final int maxNewTokens;
  private final int[] eos;
  private final int groupSize;
  private final int keep;
  private final LogitScorer scorer;
  private final float[] row;
  private final float[] candidateScores;
  private final int[] candidates;
  private final boolean[] ends;
  private final float[] adjusted;
  private final boolean[] taken;
  private final int[] chosen;
  private int[][] sequences;
  private int[][] nextSequences;
  private final float[] scores;
  private final float[] nextScores;
  private final int[] parents;
  private final int[] tokens;
  private final float[][] finishedScores;
  private final boolean[][] finished;
  private final int[][][] finishedTokens;
  private final boolean[] improvable;
  private final boolean[] stopped;
  private int generated;
  private boolean done;

  /**
   * A search over a vocabulary of {@code vocabularySize} tokens.
   *
   * @param settings the beam settings
   * @param vocabularySize V, at least 1
   * @param maxNewTokens the most tokens a sequence generates, at least 1
   * @param eosTokenIds the end-of-sequence ids (may be empty), each in {@code [0, V)}
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException for a value out of range
   */
  public BeamSearch(BeamSearchSettings settings, int vocabularySize, int maxNewTokens,
      int... eosTokenIds) {
    this.settings = Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(eosTokenIds, "eos_token_id");
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max_new_tokens must be at least 1, got " + maxNewTokens);
    }
    this.scorer = new LogitScorer(vocabularySize);
    for (int id : eosTokenIds) {
      if (id < 0 || id >= vocabularySize) {
        throw new IllegalArgumentException(
            "eos_token_id must be in [0, " + vocabularySize + "), got " + id);
      }
    }
    this.vocabularySize = vocabularySize;
    this.maxNewTokens = maxNewTokens;
    this.eos = eosTokenIds.clone();
    int beams = settings.numBeams();
    int groups = settings.numBeamGroups();
    this.groupSize = beams / groups;
    this.keep = (int) Math.min((long) Math.max(2, 1 + eos.length) * groupSize,
        (long) groupSize * vocabularySize);
    this.row = new float[vocabularySize];
    this.candidateScores = new float[keep];
    this.candidates = new int[keep];
    this.ends = new boolean[keep];
    this.adjusted = new float[keep];
    this.taken = new boolean[keep];
    this.chosen = new int[vocabularySize];
    this.sequences = new int[beams][maxNewTokens];
    this.nextSequences = new int[beams][maxNewTokens];
    this.scores = new float[beams];
    this.nextScores = new float[beams];
    this.parents = new int[beams];
    this.tokens = new int[beams];
    this.finishedScores = new float[groups][groupSize];
    this.finished = new boolean[groups][groupSize];
    this.finishedTokens = new int[groups][groupSize][];
    this.improvable = new boolean[groups];
    this.stopped = new boolean[groups];
    for (int g = 0; g < groups; g++) {
      Arrays.fill(finishedScores[g], UNSELECTABLE);
      improvable[g] = true;
      for (int j = 0; j < groupSize; j++) {
        scores[g * groupSize + j] = j == 0 ? 0f : UNSELECTABLE;
      }
    }
  }

  /** @return the settings */
  public BeamSearchSettings settings() {
    return settings;
  }

  /** @return the number of running beams, {@code num_beams} (rows of each step's logits) */
  public int beams() {
    return settings.numBeams();
  }

  /** @return the tokens generated so far by every running beam */
  public int generatedLength() {
    return generated;
  }

  /** @return true once every group has stopped; then {@link #results()} is final */
  public boolean isDone() {
    return done;
  }

  /**
   * Advances every running beam by one token.
   *
   * @param logits {@code num_beams} rows of V logits, row {@code b} the next-token logits of
   *     running beam {@code b} (before the first step every beam is the prompt, so the rows may be
   *     equal); finite or {@code -Infinity}
   * @throws IllegalStateException if the search is done
   * @throws IllegalArgumentException for a short array or bad logits
   */
  public void step(float[] logits) {
    Objects.requireNonNull(logits, "logits");
    if (done) {
      throw new IllegalStateException("the search is done after " + generated + " tokens");
    }
    int beams = beams();
    if (logits.length < (long) beams * vocabularySize) {
      throw new IllegalArgumentException("logits must hold num_beams * V = " + beams + " * "
          + vocabularySize + " values, got " + logits.length);
    }
    Arrays.fill(chosen, 0);
    boolean lastStep = generated + 1 >= maxNewTokens;
    for (int g = 0; g < settings.numBeamGroups(); g++) {
      if (stopped[g]) {
        holdGroup(g);
      } else {
        stepGroup(g, logits, lastStep);
      }
    }
    int[][] swap = sequences;
    sequences = nextSequences;
    nextSequences = swap;
    System.arraycopy(nextScores, 0, scores, 0, beams);
    generated++;
    boolean all = true;
    for (int g = 0; g < settings.numBeamGroups(); g++) {
      all &= stopped[g];
    }
    done = all || generated >= maxNewTokens;
  }

  private void holdGroup(int g) {
    int pad = eos.length > 0 ? eos[0] : 0;
    for (int j = 0; j < groupSize; j++) {
      int b = g * groupSize + j;
      parents[b] = b;
      tokens[b] = pad;
      System.arraycopy(sequences[b], 0, nextSequences[b], 0, generated);
      nextSequences[b][generated] = pad;
      nextScores[b] = scores[b];
    }
  }

  private void stepGroup(int g, float[] logits, boolean lastStep) {
    int base = g * groupSize;
    int count = 0;
    float diversity = settings.diversityPenalty();
    for (int j = 0; j < groupSize; j++) {
      int b = base + j;
      scorer.logDistribution(logits, b * vocabularySize, row);
      float score = scores[b];
      for (int t = 0; t < vocabularySize; t++) {
        float lp = row[t];
        if (g > 0 && diversity != 0f && chosen[t] > 0) {
          lp = lp - diversity * chosen[t];
        }
        count = offer(count, lp + score, j * vocabularySize + t);
      }
    }
    boolean allEnd = true;
    for (int k = 0; k < count; k++) {
      ends[k] = lastStep || isEos(candidates[k] % vocabularySize);
      allEnd &= ends[k];
    }
    // The next running beams: the best continuations, those that end lowered by 1e9.
    for (int k = 0; k < count; k++) {
      adjusted[k] = ends[k] ? candidateScores[k] + UNSELECTABLE : candidateScores[k];
      taken[k] = false;
    }
    for (int next = 0; next < groupSize && next < count; next++) {
      int best = -1;
      for (int k = 0; k < count; k++) {
        if (!taken[k] && (best < 0 || adjusted[k] > adjusted[best])) {
          best = k;
        }
      }
      taken[best] = true;
      int b = base + next;
      int parent = base + candidates[best] / vocabularySize;
      int token = candidates[best] % vocabularySize;
      parents[b] = parent;
      tokens[b] = token;
      nextScores[b] = adjusted[best];
      System.arraycopy(sequences[parent], 0, nextSequences[b], 0, generated);
      nextSequences[b][generated] = token;
      chosen[token]++;
    }
    boolean full = allFinished(g);
    if (improvable[g] && !(full && settings.earlyStopping() == EarlyStopping.TRUE)) {
      float norm = (float) Math.pow(generated + 1, settings.lengthPenalty());
      for (int k = 0; k < Math.min(count, groupSize); k++) {
        if (ends[k]) {
          int parent = base + candidates[k] / vocabularySize;
          int[] hyp = Arrays.copyOf(sequences[parent], generated + 1);
          hyp[generated] = candidates[k] % vocabularySize;
          addFinished(g, candidateScores[k] / norm, hyp);
        }
      }
    }
    updateStop(g, allEnd, base);
  }

  /** Keeps the {@code keep} best (score, flat index) pairs, sorted, ties to the earlier index. */
  private int offer(int count, float score, int flat) {
    if (count == keep && !(score > candidateScores[keep - 1])) {
      return count;
    }
    int slot = Math.min(count, keep - 1);
    while (slot > 0 && score > candidateScores[slot - 1]) {
      candidateScores[slot] = candidateScores[slot - 1];
      candidates[slot] = candidates[slot - 1];
      slot--;
    }
    candidateScores[slot] = score;
    candidates[slot] = flat;
    return Math.min(count + 1, keep);
  }

  private boolean isEos(int token) {
    for (int id : eos) {
      if (id == token) {
        return true;
      }
    }
    return false;
  }

  private boolean allFinished(int g) {
    for (boolean f : finished[g]) {
      if (!f) {
        return false;
      }
    }
    return true;
  }

  /** Merges one candidate into the group's best {@code g}: a later equal score ranks after. */
  private void addFinished(int g, float score, int[] hyp) {
    float[] s = finishedScores[g];
    int worst = -1;
    for (int j = groupSize - 1; j >= 0; j--) {
      if (worst < 0 || s[j] < s[worst]) {
        worst = j;
      }
    }
    if (!(score > s[worst])) {
      return;
    }
    // Remove the worst slot, insert in order (slots stay sorted best first).
    for (int j = worst; j < groupSize - 1; j++) {
      s[j] = s[j + 1];
      finished[g][j] = finished[g][j + 1];
      finishedTokens[g][j] = finishedTokens[g][j + 1];
    }
    int slot = groupSize - 1;
    while (slot > 0 && score > s[slot - 1]) {
      s[slot] = s[slot - 1];
      finished[g][slot] = finished[g][slot - 1];
      finishedTokens[g][slot] = finishedTokens[g][slot - 1];
      slot--;
    }
    s[slot] = score;
    finished[g][slot] = true;
    finishedTokens[g][slot] = hyp;
  }

  private void updateStop(int g, boolean allEnd, int base) {
    int length = generated + 1;
    float lp = settings.lengthPenalty();
    int bestLength =
        settings.earlyStopping() == EarlyStopping.NEVER && lp > 0f ? maxNewTokens : length;
    float bestPossible = nextScores[base] / (float) Math.pow(bestLength, lp);
    float min = Float.POSITIVE_INFINITY;
    for (float s : finishedScores[g]) {
      min = Math.min(min, s);
    }
    boolean canImprove = false;
    for (int j = 0; j < groupSize; j++) {
      canImprove |= bestPossible > (finished[g][j] ? min : UNSELECTABLE);
    }
    improvable[g] &= canImprove;
    boolean full = allFinished(g) && settings.earlyStopping() == EarlyStopping.TRUE;
    stopped[g] = !improvable[g] || full || allEnd;
  }

  /**
   * The source beam of running beam {@code b} after the last step: its sequence is the source's
   * plus {@link #token(int)}. Reorder a key/value cache by these indices.
   *
   * @param b {@code 0 <= b < beams()}
   * @return the index of the beam it continues
   */
  public int parent(int b) {
    return parents[Objects.checkIndex(b, beams())];
  }

  /**
   * The token running beam {@code b} took at the last step: the model's next input for it.
   *
   * @param b {@code 0 <= b < beams()}
   * @return the token id
   */
  public int token(int b) {
    return tokens[Objects.checkIndex(b, beams())];
  }

  /**
   * The generated tokens of running beam {@code b}.
   *
   * @param b {@code 0 <= b < beams()}
   * @return a copy of its {@link #generatedLength()} tokens
   */
  public int[] sequence(int b) {
    return Arrays.copyOf(sequences[Objects.checkIndex(b, beams())], generated);
  }

  /**
   * The cumulative score of running beam {@code b} (sum of its log-probabilities; {@code -1e9}
   * lower for beams that cannot be chosen).
   *
   * @param b {@code 0 <= b < beams()}
   * @return the score
   */
  public float score(int b) {
    return scores[Objects.checkIndex(b, beams())];
  }

  /**
   * The best finished sequences so far (final once {@link #isDone()}).
   *
   * @return at most {@code num_return_sequences} hypotheses, best first
   */
  public List<BeamHypothesis> results() {
    List<BeamHypothesis> all = new ArrayList<>();
    for (int g = 0; g < settings.numBeamGroups(); g++) {
      for (int j = 0; j < groupSize; j++) {
        if (finished[g][j]) {
          all.add(new BeamHypothesis(finishedTokens[g][j], finishedScores[g][j], g));
        }
      }
    }
    all.sort((x, y) -> Float.compare(y.score(), x.score()));
    return List.copyOf(all.subList(0, Math.min(all.size(), settings.numReturnSequences())));
  }
}
