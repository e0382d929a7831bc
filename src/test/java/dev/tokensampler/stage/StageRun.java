package dev.tokensampler.stage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Runs stages on candidates and reads the result by token id, for the history stage tests. */
final class StageRun {
  private StageRun() {}

  /**
   * Tells a stage the tokens, in order.
   *
   * @param stage the stage
   * @param tokens the tokens
   * @return the stage
   */
  static <S extends Stage> S accepted(S stage, int... tokens) {
    for (int token : tokens) {
      stage.accept(token);
    }
    return stage;
  }

  /**
   * Applies stages in order to candidates holding {@code logits}, in the given form.
   *
   * @param path the form of the candidates
   * @param logits one logit per token (not written)
   * @param stages the stages
   * @return the candidates afterwards
   */
  static Candidates apply(CandidatePath path, float[] logits, Stage... stages) {
    Candidates c = path.start(logits);
    for (Stage stage : stages) {
      stage.apply(c);
    }
    return c;
  }

  /**
   * The logit of every token id after the stages, {@code -Infinity} for a token that is no longer
   * a candidate.
   *
   * @param path the form of the candidates
   * @param logits one logit per token (not written)
   * @param stages the stages
   * @return one logit per token id
   */
  static float[] logitsAfter(CandidatePath path, float[] logits, Stage... stages) {
    return byId(apply(path, logits, stages), logits.length);
  }

  /**
   * The logit of every token id, {@code -Infinity} for a token that is not a candidate.
   *
   * @param c the candidates
   * @param vocabulary the number of ids
   * @return one logit per token id
   */
  static float[] byId(Candidates c, int vocabulary) {
    float[] out = new float[vocabulary];
    Arrays.fill(out, Float.NEGATIVE_INFINITY);
    for (int i = 0; i < c.size(); i++) {
      if (c.id(i) < vocabulary) {
        out[c.id(i)] = c.logit(i);
      }
    }
    return out;
  }

  /**
   * The probability of every token id after the stages, 0 for a token that is not a candidate.
   *
   * @param c the candidates
   * @param vocabulary the number of ids
   * @return one probability per token id
   */
  static float[] probabilitiesById(Candidates c, int vocabulary) {
    float[] out = new float[vocabulary];
    for (int i = 0; i < c.size(); i++) {
      if (c.id(i) < vocabulary) {
        out[c.id(i)] = c.probability(i);
      }
    }
    return out;
  }

  /**
   * The bytes of {@link Stage#saveState}.
   *
   * @param stage the stage
   * @return its state
   */
  static byte[] saved(Stage stage) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      stage.saveState(new DataOutputStream(bytes));
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Restores a state into a stage, checking that every byte was read.
   *
   * @param stage the stage
   * @param state bytes of {@link #saved}
   * @return the stage
   * @throws IOException if the stage rejects the state
   */
  static Stage restored(Stage stage, byte[] state) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(state));
    stage.restoreState(in);
    if (in.available() != 0) {
      throw new IOException(in.available() + " bytes left unread");
    }
    return stage;
  }
}
