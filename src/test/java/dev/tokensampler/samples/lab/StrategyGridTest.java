package dev.tokensampler.samples.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StrategyGridTest {
  private static List<String> labels(String... lines) {
    return StrategyGrid.expand(List.of(lines)).stream().map(StrategyGrid.Strategy::label)
        .toList();
  }

  @Test
  void expandsTheProductFirstKeySlowest() {
    assertEquals(List.of(
        "temperature=0.5,top_p=0.9", "temperature=0.5,top_p=0.95",
        "temperature=0.7,top_p=0.9", "temperature=0.7,top_p=0.95",
        "temperature=1.0,top_p=0.9", "temperature=1.0,top_p=0.95"),
        labels("temperature={0.5,0.7,1.0},top_p={0.9,0.95}"));
  }

  @Test
  void plainKeysStayAndLinesConcatenate() {
    assertEquals(List.of("temperature=0.7,top_k=40,min_p=0.05", "temperature=0.7,top_k=40,min_p=0.1",
        "temperature=0", ""),
        labels("temperature=0.7, top_k=40, min_p={0.05, 0.1}", "temperature=0", ""));
  }

  @Test
  void biasMapsAreValuesAndSetsOfThemNeedInnerBraces() {
    assertEquals(List.of("logit_bias={3:-1.5,4:2}"), labels("logit_bias={3:-1.5,4:2}"));
    assertEquals(List.of("top_k=5,logit_bias={3:-1}", "top_k=5,logit_bias={3:-5}"),
        labels("top_k=5,logit_bias={{3:-1},{3:-5}}"));
    assertEquals(List.of("bad_words_ids=[[1],[2,3]]"), labels("bad_words_ids=[[1],[2,3]]"));
  }

  @Test
  void eachStrategyIsAParsedSpec() {
    StrategyGrid.Strategy s = StrategyGrid.expand(List.of("top_k={10,20},temperature=0.8")).get(1);
    assertEquals("top_k=20,temperature=0.8", s.label());
    assertEquals("top_k=20,temperature=0.8", s.spec().toString());
  }

  @Test
  void rejectsWhatTheLabCannotRun() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> StrategyGrid.expand(List.of("top_p={0.9,1.5}")));
    assertTrue(bad.getMessage().contains("top_p=1.5"), bad.getMessage());
    assertTrue(bad.getMessage().contains("grid line \"top_p={0.9,1.5}\""), bad.getMessage());
    IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
        () -> StrategyGrid.expand(List.of("temperature={1.0,1}")));
    assertTrue(twice.getMessage().contains("repeats"), twice.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> StrategyGrid.expand(List.of("temperature=0.7,seed=3")));
    assertThrows(IllegalArgumentException.class, () -> StrategyGrid.expand(List.of("top_k={1,}")));
    assertThrows(IllegalArgumentException.class, () -> StrategyGrid.expand(List.of("top_k={1,2")));
    assertThrows(IllegalArgumentException.class, () -> StrategyGrid.expand(List.of()));
  }
}
