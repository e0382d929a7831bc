package dev.tokensampler.score;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scoring allocates nothing per row after warm-up, measured on the calling thread as the
 * samplers' zero-allocation tests measure: one of {@value #WINDOWS} windows of {@value #MEASURED}
 * calls (each scoring {@value #ROWS} rows with 20 alternatives and 4 extra ids, and writing one
 * log-distribution) after {@value #WARM_UP} calls must allocate 0 bytes. Not a timing test.
 */
class LogitScorerAllocationTest {
  private static final int V = 32_000;
  private static final int ROWS = 4;
  private static final int WARM_UP = 1500;
  private static final int MEASURED = 500;
  private static final int WINDOWS = 10;

  private static com.sun.management.ThreadMXBean threads;
  private static float[] matrix;
  private static FloatBuffer direct;
  private static int[] tokens;

  @BeforeAll
  static void setUp() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no com.sun.management");
    threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
    threads.setThreadAllocatedMemoryEnabled(true);
    Random random = new Random(3);
    matrix = new float[ROWS * V];
    for (int i = 0; i < matrix.length; i++) {
      matrix[i] = (float) (random.nextGaussian() * 3);
    }
    direct = ByteBuffer.allocateDirect(matrix.length * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer().put(matrix);
    tokens = new int[] {5, 17, 31_999, 1234};
  }

  @ParameterizedTest(name = "direct buffer: {0}")
  @ValueSource(booleans = {false, true})
  void scoringAllocatesNothingPerRowAfterWarmUp(boolean useDirect) {
    LogitScorer scorer = new LogitScorer(V);
    SequenceScores out = new SequenceScores(ROWS, 20, 0, 1, 2, 3);
    float[] distribution = new float[V];
    double checksum = run(scorer, out, distribution, useDirect, WARM_UP);
    long[] allocated = new long[WINDOWS];
    for (int window = 0; window < WINDOWS; window++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      checksum += run(scorer, out, distribution, useDirect, MEASURED);
      allocated[window] = threads.getCurrentThreadAllocatedBytes() - before;
      if (allocated[window] == 0) {
        return;
      }
    }
    fail("bytes allocated by each window of " + MEASURED + " calls: "
        + Arrays.toString(allocated) + " (checksum " + checksum + ")");
  }

  private static double run(LogitScorer scorer, SequenceScores out, float[] distribution,
      boolean useDirect, int calls) {
    double checksum = 0;
    for (int n = 0; n < calls; n++) {
      if (useDirect) {
        scorer.score(direct, 0, tokens, 0, ROWS, out);
        checksum += scorer.logDistribution(direct, (n % ROWS) * V, distribution);
      } else {
        scorer.score(matrix, 0, tokens, 0, ROWS, out);
        checksum += scorer.logDistribution(matrix, (n % ROWS) * V, distribution);
      }
      checksum += out.logprob(n % ROWS) + out.rank(1) + out.topId(2, 19) + out.extraLogprob(3, 3);
    }
    return checksum;
  }
}
