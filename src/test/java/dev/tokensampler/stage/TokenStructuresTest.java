package dev.tokensampler.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link TokenCounts} and {@link TokenHistory} against plain collections on random operations. */
class TokenStructuresTest {
  @Test
  void tokenCountsAgreeWithAHashMapThroughGrowthAndDeletion() {
    SplittableRandom random = new SplittableRandom(7);
    TokenCounts counts = new TokenCounts();
    Map<Integer, Integer> reference = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      // Few distinct keys at first, many later: the table grows and entries are deleted.
      int token = random.nextInt(step < 100_000 ? 40 : 5_000);
      int current = reference.getOrDefault(token, 0);
      int delta = current > 0 && random.nextBoolean() ? -1 : 1;
      counts.add(token, delta);
      if (current + delta == 0) {
        reference.remove(token);
      } else {
        reference.put(token, current + delta);
      }
      if (step % 997 == 0) {
        assertSame(reference, counts);
      }
    }
    assertSame(reference, counts);
    counts.clear();
    assertEquals(0, counts.size());
    assertEquals(0, counts.get(3));
  }

  @Test
  void maxRaisesOnly() {
    TokenCounts counts = new TokenCounts();
    counts.max(4, 3);
    counts.max(4, 2);
    counts.max(9, 1);
    assertEquals(3, counts.get(4));
    assertEquals(1, counts.get(9));
    assertEquals(2, counts.size());
  }

  private static void assertSame(Map<Integer, Integer> reference, TokenCounts counts) {
    assertEquals(reference.size(), counts.size());
    for (Map.Entry<Integer, Integer> e : reference.entrySet()) {
      assertEquals(e.getValue(), counts.get(e.getKey()), "token " + e.getKey());
    }
    int seen = 0;
    for (int slot = 0; slot < counts.slots(); slot++) {
      if (counts.keyAt(slot) >= 0) {
        seen++;
        assertEquals(reference.get(counts.keyAt(slot)), counts.valueAt(slot));
      }
    }
    assertEquals(reference.size(), seen);
  }

  @Test
  void boundedHistoryKeepsTheLastTokensAndReportsTheDroppedOne() {
    TokenHistory history = new TokenHistory(3);
    ArrayDeque<Integer> reference = new ArrayDeque<>();
    for (int token = 0; token < 10; token++) {
      int dropped = history.push(token);
      reference.addLast(token);
      int expectedDrop = reference.size() > 3 ? reference.removeFirst() : -1;
      assertEquals(expectedDrop, dropped);
      assertEquals(reference.size(), history.size());
      assertEquals(token, history.fromEnd(0));
      assertEquals(reference.peekFirst(), history.get(0));
    }
  }

  @Test
  void unboundedHistoryGrowsAndRoundTrips() throws IOException {
    TokenHistory history = new TokenHistory(TokenHistory.UNBOUNDED);
    for (int token = 0; token < 1000; token++) {
      assertEquals(-1, history.push(token * 3));
    }
    assertEquals(1000, history.size());
    assertEquals(999 * 3, history.fromEnd(0));
    assertEquals(0, history.get(0));

    TokenHistory restored = new TokenHistory(TokenHistory.UNBOUNDED);
    restored.read(written(history));
    assertEquals(history.toString(), restored.toString());
  }

  @Test
  void aBoundedHistoryRejectsALongerState() throws IOException {
    TokenHistory history = new TokenHistory(TokenHistory.UNBOUNDED);
    for (int token = 0; token < 5; token++) {
      history.push(token);
    }
    DataInputStream state = written(history);
    IOException e = assertThrows(IOException.class, () -> new TokenHistory(4).read(state));
    assertEquals("token history length 5 exceeds the window of 4", e.getMessage());
  }

  private static DataInputStream written(TokenHistory history) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    history.write(new DataOutputStream(bytes));
    return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
  }
}
