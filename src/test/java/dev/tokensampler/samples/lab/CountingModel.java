package dev.tokensampler.samples.lab;

import dev.tokensampler.vocab.TokenVocabulary;

/** A {@link FakeLabModel} that counts its forward passes. */
final class CountingModel implements LabModel {
  private final FakeLabModel fake = new FakeLabModel();
  int forwardPasses;

  @Override
  public String name() {
    return fake.name();
  }

  @Override
  public int vocabularySize() {
    return fake.vocabularySize();
  }

  @Override
  public int[] encode(String text) {
    return fake.encode(text);
  }

  @Override
  public String decode(int[] ids, int offset, int length) {
    return fake.decode(ids, offset, length);
  }

  @Override
  public String tokenLabel(int id) {
    return fake.tokenLabel(id);
  }

  @Override
  public int endOfSequence() {
    return fake.endOfSequence();
  }

  @Override
  public TokenVocabulary vocabulary() {
    return fake.vocabulary();
  }

  @Override
  public void nextTokenLogits(int[] tokens, int length, float[] out) {
    forwardPasses++;
    fake.nextTokenLogits(tokens, length, out);
  }

  @Override
  public void close() {}
}
