package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sampling stays free of garbage whatever ran before it in the JVM. Each case starts a fresh JVM
 * (the same java, class path, kernel flags) running {@link AllocationProbe} on the built-in chains
 * in one order, and requires every chain to reach a window of calls that allocates nothing.
 *
 * <p>This guards against a C2 hazard of the incubating Vector API: on JDK 17, once {@code
 * reduceLanes} had been compiled for one kernel (the maximum, used by greedy), the exp-sum kernel
 * compiled afterwards fell back to allocating a vector per operation, about 360 KB per token at
 * 32,000 tokens, for the rest of the JVM's life. Which kernel warms up first is up to the
 * application, so every order must hold, including small vocabularies first (where the vector
 * loops never run and their profiles say so).
 *
 * <p>The second case compiles early ({@link #EARLY_COMPILATION}), so that C2 compiles the kernels
 * while their profiles are thin, which is when it may leave a vector operation as a call. On JDK
 * 17, with the exp-sum lane sums in vectors carried by its loops, every one of these three cases
 * failed, and about 2 in 100 JVMs did at the default thresholds in the small-vocabularies-first
 * order (see {@code VectorKernels.ACCUMULATORS_IN_REGISTERS}). Tagged {@code kernels}, so it runs
 * at every vector width.
 */
@Tag("kernels")
class WarmUpOrderTest {
  /** Tier thresholds about a hundred times below the defaults. */
  static final List<String> EARLY_COMPILATION = List.of(
      "-XX:Tier3InvocationThreshold=20", "-XX:Tier3CompileThreshold=50",
      "-XX:Tier3BackEdgeThreshold=500", "-XX:Tier4InvocationThreshold=100",
      "-XX:Tier4CompileThreshold=150", "-XX:Tier4BackEdgeThreshold=1000");

  @ParameterizedTest
  @ValueSource(strings = {
    "greedy temperature topp topk topk_topp",
    "topk_topp topk topp temperature greedy",
    "topk greedy topp",
    "tiny-greedy tiny-temperature tiny-topp tiny-topk temperature topp topk greedy"
  })
  void everyChainStopsAllocatingWhateverRanBefore(String order)
      throws IOException, InterruptedException {
    assertEveryChainStopsAllocating(order, List.of());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "temperature",
    "topp",
    "tiny-greedy tiny-temperature tiny-topp tiny-topk temperature topp topk greedy"
  })
  void everyChainStopsAllocatingWhenCompiledEarly(String order)
      throws IOException, InterruptedException {
    assertEveryChainStopsAllocating(order, EARLY_COMPILATION);
  }

  /**
   * A chain whose draw sees only a few explicit candidates (after top-k 40 or min-p 0.05, a custom
   * drawing stage or adaptive-p after min-p), run first in a fresh JVM, allocates nothing after
   * {@value AllocationProbe#WARM_UP} calls, within {@value #FEW_WINDOWS} windows. Before short
   * ranges ran the scalar kernels, such a chain allocated 8 to 15 KB per token for 10,000 to
   * 25,000 tokens: the vector kernels that only ever saw the candidates ran as C1 code, boxing
   * every vector operation, until C2 compiled them on invocation counts alone.
   */
  @ParameterizedTest
  @ValueSource(strings = {"topk", "minp_draw", "minp_adaptivep"})
  void chainsOnFewCandidatesStopAllocatingSoon(String chain)
      throws IOException, InterruptedException {
    assertEveryChainStopsAllocating("--windows=" + FEW_WINDOWS + " " + chain, List.of());
  }

  /** The windows of {@link #chainsOnFewCandidatesStopAllocatingSoon}. */
  static final int FEW_WINDOWS = 6;

  private static void assertEveryChainStopsAllocating(String order, List<String> jvmFlags)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
      command.add("--add-modules");
      command.add("jdk.incubator.vector");
    }
    for (String property : new String[] {"dev.tokensampler.kernels", "dev.tokensampler.vectorBits"}) {
      String value = System.getProperty(property);
      if (value != null) {
        command.add("-D" + property + "=" + value);
      }
    }
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(AllocationProbe.class.getName());
    command.addAll(List.of(order.split(" ")));

    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the probe did not finish");
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), output);

    for (String chain : order.split(" ")) {
      if (chain.startsWith("--")) {
        continue;
      }
      String line = output.lines().filter(l -> l.startsWith(chain + " ")).findFirst()
          .orElseThrow(() -> new AssertionError("no result for " + chain + " in:\n" + output));
      String[] windows = line.split(" ");
      assertEquals("0", windows[windows.length - 1],
          chain + " allocated in every window after the chains before it (bytes per window of "
              + AllocationProbe.MEASURED + " calls: " + line + ")\n" + output);
    }
  }
}
