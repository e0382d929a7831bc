package dev.tokensampler;

import java.util.Objects;

/**
 * The log-probabilities of one sampled token and its most likely alternatives, filled by
 * {@link Sampler#sample(float[], TokenLogprobs)} and its variants. The caller makes one holder and
 * reuses it for every token: filling it allocates nothing.
 *
 * <p>Two distributions are reported, both as natural logarithms:
 * <ul>
 *   <li><b>raw</b>: the log-softmax of the logits as passed in, before any stage
 *       ({@code x_i - max - ln(sum_j exp(x_j - max))}). This is what vLLM returns by default
 *       ({@code logprobs_mode=raw_logprobs}) and what the OpenAI API documents for
 *       {@code logprobs} / {@code top_logprobs}.
 *   <li><b>processed</b>: the distribution the token was drawn from, after every stage of the
 *       chain (penalties, truncation, temperature, in chain order), renormalised over the
 *       remaining candidates (vLLM's {@code processed_logprobs}). A token that a stage selected
 *       itself (greedy, temperature 0, mirostat, which draws the token inside the stage) has
 *       processed log-probability 0 and is the only alternative.
 * </ul>
 *
 * <p>The alternatives of each distribution are its {@link #capacity()} most likely tokens, most
 * likely first, ties to the lower token id. Likelihood is compared on the reported float values:
 * two tokens whose log-probabilities round to the same float are tied, even if their logits differ.
 * Raw alternatives cover the whole vocabulary (tokens with logit {@code -Infinity} are never
 * listed, so fewer are listed only when fewer tokens are unmasked); they are chosen among the
 * tokens whose logit is at least the {@code capacity}-th largest, so a token below that logit is
 * not listed even if its log-probability rounds to the same float as the last one listed.
 * Processed alternatives are the remaining candidates of positive probability, so truncation can
 * leave fewer than the capacity. The sampled token need not be among them.
 *
 * <p>Not thread-safe; a holder belongs to the thread that passes it to a sampler.
 */
public final class TokenLogprobs {
  /** The largest capacity, as the OpenAI API's {@code top_logprobs} (0 to 20). */
  public static final int MAX_TOP_LOGPROBS = 20;

  private final int capacity;
  private int token = -1;
  private float rawLogprob;
  private float processedLogprob;
  final int[] rawIds;
  final float[] rawLogprobs;
  int rawCount;
  final int[] processedIds;
  final float[] processedLogprobs;
  int processedCount;

  /**
   * A holder listing up to {@code topLogprobs} alternatives per distribution.
   *
   * @param topLogprobs the number of alternatives, {@code 0 <= topLogprobs <= 20} (0: the sampled
   *     token's log-probabilities only)
   * @throws IllegalArgumentException if {@code topLogprobs} is out of range
   */
  public TokenLogprobs(int topLogprobs) {
    if (topLogprobs < 0 || topLogprobs > MAX_TOP_LOGPROBS) {
      throw new IllegalArgumentException(
          "top_logprobs must be in [0, " + MAX_TOP_LOGPROBS + "], got " + topLogprobs);
    }
    this.capacity = topLogprobs;
    this.rawIds = new int[topLogprobs];
    this.rawLogprobs = new float[topLogprobs];
    this.processedIds = new int[topLogprobs];
    this.processedLogprobs = new float[topLogprobs];
  }

  /**
   * The most alternatives listed per distribution.
   *
   * @return the capacity fixed at construction
   */
  public int capacity() {
    return capacity;
  }

  /**
   * The sampled token.
   *
   * @return its id, or -1 before the first fill
   */
  public int token() {
    return token;
  }

  /**
   * The sampled token's log-probability under the raw logits.
   *
   * @return a value {@code <= 0}, or {@code -Infinity} if its raw logit was {@code -Infinity}
   */
  public float rawLogprob() {
    return rawLogprob;
  }

  /**
   * The sampled token's log-probability under the processed distribution it was drawn from.
   *
   * @return a value {@code <= 0}; 0 if a stage selected it
   */
  public float processedLogprob() {
    return processedLogprob;
  }

  /**
   * The number of raw alternatives listed.
   *
   * @return {@code min(capacity, unmasked tokens)}
   */
  public int rawTopCount() {
    return rawCount;
  }

  /**
   * The token id of raw alternative {@code rank}.
   *
   * @param rank {@code 0 <= rank < rawTopCount()}, 0 being the most likely
   * @return the token id
   * @throws IndexOutOfBoundsException if {@code rank} is out of range
   */
  public int rawTopId(int rank) {
    return rawIds[Objects.checkIndex(rank, rawCount)];
  }

  /**
   * The raw log-probability of raw alternative {@code rank}.
   *
   * @param rank {@code 0 <= rank < rawTopCount()}
   * @return the log-probability
   * @throws IndexOutOfBoundsException if {@code rank} is out of range
   */
  public float rawTopLogprob(int rank) {
    return rawLogprobs[Objects.checkIndex(rank, rawCount)];
  }

  /**
   * The number of processed alternatives listed.
   *
   * @return {@code min(capacity, candidates of positive probability)}
   */
  public int processedTopCount() {
    return processedCount;
  }

  /**
   * The token id of processed alternative {@code rank}.
   *
   * @param rank {@code 0 <= rank < processedTopCount()}, 0 being the most likely
   * @return the token id
   * @throws IndexOutOfBoundsException if {@code rank} is out of range
   */
  public int processedTopId(int rank) {
    return processedIds[Objects.checkIndex(rank, processedCount)];
  }

  /**
   * The processed log-probability of processed alternative {@code rank}.
   *
   * @param rank {@code 0 <= rank < processedTopCount()}
   * @return the log-probability
   * @throws IndexOutOfBoundsException if {@code rank} is out of range
   */
  public float processedTopLogprob(int rank) {
    return processedLogprobs[Objects.checkIndex(rank, processedCount)];
  }

  void set(int sampledToken, float raw, float processed) {
    this.token = sampledToken;
    this.rawLogprob = raw;
    this.processedLogprob = processed;
  }

  /**
   * Inserts {@code (id, key)} into the first {@code count} entries of a list kept in decreasing
   * key order, ties by increasing id, holding at most {@code ids.length}.
   *
   * @return the new count
   */
  static int insert(int[] ids, float[] keys, int count, int id, float key) {
    int capacity = ids.length;
    int slot = count;
    while (slot > 0 && precedes(id, key, ids[slot - 1], keys[slot - 1])) {
      slot--;
    }
    if (slot >= capacity) {
      return count;
    }
    int end = Math.min(count, capacity - 1);
    System.arraycopy(ids, slot, ids, slot + 1, end - slot);
    System.arraycopy(keys, slot, keys, slot + 1, end - slot);
    ids[slot] = id;
    keys[slot] = key;
    return Math.min(count + 1, capacity);
  }

  private static boolean precedes(int id, float key, int otherId, float otherKey) {
    return key > otherKey || (key == otherKey && id < otherId);
  }

  /**
   * A readable summary, e.g. {@code token=5 raw=-1.2 processed=-0.3 top=[5:-1.2, 7:-1.9]}.
   *
   * @return the summary
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder()
        .append("token=").append(token)
        .append(" raw=").append(rawLogprob)
        .append(" processed=").append(processedLogprob)
        .append(" raw_top=[");
    for (int i = 0; i < rawCount; i++) {
      s.append(i == 0 ? "" : ", ").append(rawIds[i]).append(':').append(rawLogprobs[i]);
    }
    s.append("] processed_top=[");
    for (int i = 0; i < processedCount; i++) {
      s.append(i == 0 ? "" : ", ")
          .append(processedIds[i]).append(':').append(processedLogprobs[i]);
    }
    return s.append(']').toString();
  }
}
