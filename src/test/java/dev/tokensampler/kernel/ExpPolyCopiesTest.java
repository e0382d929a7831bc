package dev.tokensampler.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The vector code writes {@link ExpPoly#exp} out inside each loop (a helper would make C2 box
 * the vectors, see {@code VectorKernels}), so the exponential exists in several copies. This test
 * reads the sources and holds every copy to one text: the copies in {@code VectorKernels} and in
 * the benchmarks' {@code FloorBenchmark} are the same statements (blanks and comments aside),
 * use the constants of {@link ExpPoly} in the order {@link ExpPoly#exp} does, and every constant
 * vector they use is the broadcast of the {@link ExpPoly} constant of the same name. The
 * bit-identity of the results is tested separately ({@link KernelAgreementTest}); this catches a
 * copy edited alone even where its results stay the same.
 */
class ExpPolyCopiesTest {
  private static final Path VECTOR_KERNELS =
      Paths.get("src/main/java/dev/tokensampler/kernel/VectorKernels.java");
  private static final Path FLOOR_BENCHMARK =
      Paths.get("bench/src/main/java/dev/tokensampler/bench/FloorBenchmark.java");
  private static final Path EXP_POLY =
      Paths.get("src/main/java/dev/tokensampler/kernel/ExpPoly.java");
  /** A copy: from the rounding of {@code y * log2(e)} to the zero below the input range. */
  private static final Pattern COPY = Pattern.compile(
      "FloatVectortm=y\\.mul\\(LOG2E\\).*?\\(VectorOperators\\.LT,MIN_INPUT\\)\\);");
  /**
   * The copies in {@code VectorKernels}: two in expSum, one in each of its two in-memory forms,
   * sumWeightsAbove and expExponentSum.
   */
  private static final int KERNEL_COPIES = 6;

  @Test
  void everyCopyIsTheSameText() throws IOException {
    List<String> kernels = copies(VECTOR_KERNELS);
    assertEquals(KERNEL_COPIES, kernels.size(), "copies of the exponential in " + VECTOR_KERNELS
        + " (update KERNEL_COPIES with the kernels that write it out)");
    List<String> bench = copies(FLOOR_BENCHMARK);
    assertEquals(1, bench.size(), "copies in " + FLOOR_BENCHMARK);
    for (String copy : kernels) {
      assertEquals(kernels.get(0), copy, "a copy in " + VECTOR_KERNELS + " differs");
    }
    assertEquals(kernels.get(0), bench.get(0), FLOOR_BENCHMARK + " differs from the kernels");
  }

  @Test
  void theCopiesUseTheConstantsInTheOrderOfTheScalarExponential() throws IOException {
    Set<String> constants = Arrays.stream(ExpPoly.class.getDeclaredFields())
        .filter(f -> Modifier.isStatic(f.getModifiers())).map(Field::getName)
        .collect(Collectors.toSet());
    String scalar = normalised(EXP_POLY);
    int start = scalar.indexOf("publicstaticfloatexp(floaty){");
    assertTrue(start >= 0, "ExpPoly.exp not found");
    String body = scalar.substring(start, scalar.indexOf("}", start));
    List<String> order = constantsIn(body, constants);
    assertTrue(order.size() >= 10, "constants of ExpPoly.exp: " + order);
    for (Path file : List.of(VECTOR_KERNELS, FLOOR_BENCHMARK)) {
      for (String copy : copies(file)) {
        assertEquals(order, constantsIn(copy, constants), file + ": constants out of order");
      }
    }
  }

  @Test
  void everyConstantVectorIsTheBroadcastOfTheExpPolyConstant() throws IOException {
    Pattern broadcast = Pattern.compile(
        "privatestaticfinal(?:Float|Int)Vector([A-Z0-9_]+)=(?:Float|Int)Vector\\.broadcast\\("
            + "[^;]*?,ExpPoly\\.([A-Z0-9_]+)\\);");
    for (Path file : List.of(VECTOR_KERNELS, FLOOR_BENCHMARK)) {
      Matcher m = broadcast.matcher(normalised(file));
      List<String> names = new ArrayList<>();
      while (m.find()) {
        assertEquals(m.group(1), m.group(2), file + ": vector " + m.group(1));
        names.add(m.group(1));
      }
      assertTrue(names.containsAll(List.of("LOG2E", "MAGIC", "LN2_HI", "LN2_LO", "P0", "P1",
          "P2", "P3", "P4", "P5", "EXPONENT_BIAS", "TWO_POW_MINUS_64", "MIN_INPUT")),
          file + ": vectors broadcast from ExpPoly: " + names);
    }
  }

  /** The copies in a file, normalised, with the last statement's target left out. */
  private static List<String> copies(Path file) throws IOException {
    Matcher m = COPY.matcher(normalised(file));
    List<String> copies = new ArrayList<>();
    while (m.find()) {
      copies.add(m.group().replace("FloatVectore=r.mul(pow)", "r.mul(pow)")
          .replace("returnr.mul(pow)", "r.mul(pow)"));
    }
    return copies;
  }

  private static List<String> constantsIn(String code, Set<String> constants) {
    Matcher m = Pattern.compile("[A-Z][A-Z0-9_]*").matcher(code);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      if (constants.contains(m.group())) {
        found.add(m.group());
      }
    }
    return found;
  }

  /** The source without comments and blanks. */
  private static String normalised(Path file) throws IOException {
    Path path = Paths.get(System.getProperty("basedir", ".")).resolve(file);
    String text = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
    return text.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "")
        .replaceAll("\\s+", "");
  }
}
