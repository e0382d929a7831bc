package dev.tokensampler.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tokensampler.kernel.KernelProvider;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The token streams of fixed chains, seeds and logits equal the committed golden file, on whatever
 * kernels this JVM runs: the build runs it with the Vector API at the widest width, at 256 and 128
 * bits, and on the scalar path, and CI on JDK 17 and JDK 25. A change that alters any token fails.
 */
@Tag("kernels")
class GoldenTokensTest {
  @Test
  void tokenStreamsMatchTheGoldenFile() throws IOException {
    List<String> expected = GoldenTokens.stored();
    List<String> actual = GoldenTokens.compute();
    assertEquals(expected.size(), actual.size(), "number of golden streams");
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i),
          "stream " + i + " on kernels " + KernelProvider.description());
    }
  }
}
