package dev.tokensampler.samples.lab;

/**
 * A shard of a grid, written {@code i/N}: the cells whose index is {@code i} modulo {@code N}.
 * Shards are disjoint and together cover the grid; each can run in its own process, in any
 * order, on any machine that has the model.
 *
 * @param index {@code i}, in {@code [0, N)}
 * @param count {@code N}, at least 1
 */
public record Shard(int index, int count) {
  /** The whole grid as one shard. */
  public static final Shard ALL = new Shard(0, 1);

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if {@code N < 1} or {@code i} is outside {@code [0, N)}
   */
  public Shard {
    if (count < 1 || index < 0 || index >= count) {
      throw new IllegalArgumentException(
          "--shard must be i/N with N >= 1 and 0 <= i < N, got " + index + "/" + count);
    }
  }

  /**
   * Parses {@code i/N}.
   *
   * @param text the text
   * @return the shard
   * @throws IllegalArgumentException if it is not two integers around a slash, or out of range
   */
  public static Shard parse(String text) {
    int slash = text.indexOf('/');
    try {
      if (slash > 0) {
        return new Shard(Integer.parseInt(text.substring(0, slash).strip()),
            Integer.parseInt(text.substring(slash + 1).strip()));
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("--shard must be i/N (e.g. 0/4), got \"" + text + "\"");
  }

  /**
   * Whether a cell belongs to this shard.
   *
   * @param cell the cell
   * @return true if its index is {@code i} modulo {@code N}
   */
  public boolean contains(Cell cell) {
    return cell.index() % count == index;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
