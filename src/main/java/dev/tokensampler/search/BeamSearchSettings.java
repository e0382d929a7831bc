package dev.tokensampler.search;

import java.util.Objects;

/**
 * The settings of a beam search, with transformers' names, defaults and checks:
 * {@code num_beams} 1, {@code num_beam_groups} 1, {@code diversity_penalty} 0,
 * {@code length_penalty} 1, {@code early_stopping} false, {@code num_return_sequences} 1.
 * Immutable; {@link #builder()} makes one.
 */
public final class BeamSearchSettings {
  private final int numBeams;
  private final int numBeamGroups;
  private final float diversityPenalty;
  private final float lengthPenalty;
  private final EarlyStopping earlyStopping;
  private final int numReturnSequences;

  private BeamSearchSettings(Builder b) {
    if (b.numBeams < 1) {
      throw new IllegalArgumentException("num_beams must be at least 1, got " + b.numBeams);
    }
    if (b.numBeamGroups < 1 || b.numBeamGroups > b.numBeams || b.numBeams % b.numBeamGroups != 0) {
      throw new IllegalArgumentException("num_beam_groups must divide num_beams " + b.numBeams
          + " (1 <= num_beam_groups <= num_beams), got " + b.numBeamGroups);
    }
    if (!(b.diversityPenalty >= 0f) || Float.isInfinite(b.diversityPenalty)) {
      throw new IllegalArgumentException(
          "diversity_penalty must be finite and >= 0, got " + b.diversityPenalty);
    }
    if (b.diversityPenalty != 0f && b.numBeamGroups == 1) {
      throw new IllegalArgumentException("diversity_penalty " + b.diversityPenalty
          + " needs num_beam_groups > 1 (it penalises tokens chosen by earlier groups)");
    }
    if (!Float.isFinite(b.lengthPenalty)) {
      throw new IllegalArgumentException("length_penalty must be finite, got " + b.lengthPenalty);
    }
    if (b.numReturnSequences < 1 || (b.numBeams > 1 && b.numReturnSequences > b.numBeams)) {
      throw new IllegalArgumentException("num_return_sequences must be at least 1, and at most"
          + " num_beams = " + b.numBeams + " with beams, got " + b.numReturnSequences);
    }
    this.numBeams = b.numBeams;
    this.numBeamGroups = b.numBeamGroups;
    this.diversityPenalty = b.diversityPenalty;
    this.lengthPenalty = b.lengthPenalty;
    this.earlyStopping = b.earlyStopping;
    this.numReturnSequences = b.numReturnSequences;
  }

  /** @return a builder with transformers' defaults */
  public static Builder builder() {
    return new Builder();
  }

  /** @return {@code num_beams}, at least 1 */
  public int numBeams() {
    return numBeams;
  }

  /** @return {@code num_beam_groups}, a divisor of {@code num_beams} */
  public int numBeamGroups() {
    return numBeamGroups;
  }

  /** @return {@code diversity_penalty}, at least 0 */
  public float diversityPenalty() {
    return diversityPenalty;
  }

  /** @return {@code length_penalty}: a finished score is {@code sum / length^length_penalty} */
  public float lengthPenalty() {
    return lengthPenalty;
  }

  /** @return {@code early_stopping} */
  public EarlyStopping earlyStopping() {
    return earlyStopping;
  }

  /**
   * @return {@code num_return_sequences}: with {@code num_beams > 1} at most {@code num_beams}
   *     (the finished sequences returned); with one beam, the number of independent samples a
   *     spec asks for (a beam search of one beam returns one sequence)
   */
  public int numReturnSequences() {
    return numReturnSequences;
  }

  /** @return the settings as spec keys, e.g. {@code num_beams=4,length_penalty=1.0,...} */
  @Override
  public String toString() {
    return "num_beams=" + numBeams + ",num_beam_groups=" + numBeamGroups + ",diversity_penalty="
        + diversityPenalty + ",length_penalty=" + lengthPenalty + ",early_stopping="
        + earlyStopping + ",num_return_sequences=" + numReturnSequences;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BeamSearchSettings && o.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** A builder of {@link BeamSearchSettings}; values are checked by {@link #build()}. */
  public static final class Builder {
    private int numBeams = 1;
    private int numBeamGroups = 1;
    private float diversityPenalty;
    private float lengthPenalty = 1f;
    private EarlyStopping earlyStopping = EarlyStopping.FALSE;
    private int numReturnSequences = 1;

    private Builder() {}

    /**
     * @param numBeams {@code num_beams}, at least 1
     * @return this builder
     */
    public Builder numBeams(int numBeams) {
      this.numBeams = numBeams;
      return this;
    }

    /**
     * Diverse beam search: {@code numBeamGroups} groups of {@code num_beams / numBeamGroups}
     * beams, each group's log-probabilities lowered by {@code diversityPenalty} times the number
     * of times earlier groups chose the token at the same step (Hamming diversity).
     *
     * @param numBeamGroups {@code num_beam_groups}, dividing {@code num_beams}
     * @param diversityPenalty {@code diversity_penalty}, at least 0
     * @return this builder
     */
    public Builder groups(int numBeamGroups, float diversityPenalty) {
      this.numBeamGroups = numBeamGroups;
      this.diversityPenalty = diversityPenalty;
      return this;
    }

    /**
     * @param lengthPenalty {@code length_penalty}, finite
     * @return this builder
     */
    public Builder lengthPenalty(float lengthPenalty) {
      this.lengthPenalty = lengthPenalty;
      return this;
    }

    /**
     * @param earlyStopping {@code early_stopping}
     * @return this builder
     */
    public Builder earlyStopping(EarlyStopping earlyStopping) {
      this.earlyStopping = Objects.requireNonNull(earlyStopping, "early_stopping");
      return this;
    }

    /**
     * @param numReturnSequences {@code num_return_sequences}, at least 1, at most
     *     {@code num_beams} when {@code num_beams > 1}
     * @return this builder
     */
    public Builder numReturnSequences(int numReturnSequences) {
      this.numReturnSequences = numReturnSequences;
      return this;
    }

    /**
     * @return the settings
     * @throws IllegalArgumentException for a value out of range, naming it
     */
    public BeamSearchSettings build() {
      return new BeamSearchSettings(this);
    }
  }
}
