package dev.tokensampler.samples.lab;

import dev.tokensampler.random.Seeds;
import dev.tokensampler.vocab.TokenVocabulary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A deterministic model over a vocabulary of real size (4,096 tokens {@code " t<id>"}, 0 the end
 * of sequence), where whole-vocabulary paths of the stages (a pending top-p nucleus) are taken.
 */
final class WideTestModel implements LabModel {
  static final int SIZE = 4096;

  @Override
  public String name() {
    return "wide";
  }

  @Override
  public int vocabularySize() {
    return SIZE;
  }

  @Override
  public int[] encode(String text) {
    return text.chars().map(c -> 1 + c % (SIZE - 1)).toArray();
  }

  @Override
  public String decode(int[] ids, int offset, int length) {
    StringBuilder text = new StringBuilder();
    for (int i = offset; i < offset + length; i++) {
      text.append(" t").append(ids[i]);
    }
    return text.toString();
  }

  @Override
  public String tokenLabel(int id) {
    return "t" + id;
  }

  @Override
  public int endOfSequence() {
    return 0;
  }

  @Override
  public TokenVocabulary vocabulary() {
    List<byte[]> bytes = new ArrayList<>();
    for (int id = 0; id < SIZE; id++) {
      bytes.add((" t" + id).getBytes(StandardCharsets.UTF_8));
    }
    BitSet special = new BitSet();
    special.set(0);
    return TokenVocabulary.of(bytes, special, 0);
  }

  @Override
  public void nextTokenLogits(int[] tokens, int length, float[] out) {
    long last = tokens[length - 1];
    for (int id = 0; id < SIZE; id++) {
      double u = Seeds.uniform(Seeds.mix(Seeds.mix(last) + id));
      out[id] = (float) (10 * u * u);
    }
  }

  @Override
  public void close() {}
}
