package dev.tokensampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.stage.Candidates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The rules of the library's layout, checked on its compiled classes (read from their class files)
 * and its sources, so that they stay true:
 *
 * <ul>
 *   <li>DJL stays optional: no main class outside {@code dev.tokensampler.djl} uses {@code ai.djl},
 *       the DJL API and its tokenizers are optional dependencies and every other DJL artifact
 *       is test-only;
 *   <li>only {@code dev.tokensampler.kernel} uses the Vector API ({@code jdk.incubator.vector});
 *   <li>the root package {@code dev.tokensampler} does not use {@code dev.tokensampler.kernel}: it
 *       reaches the kernels through the stages' {@code Candidates};
 *   <li>no class of {@code dev.tokensampler.stage} reads or writes another class's fields: each
 *       piece of the candidates owns its state, and stages use methods;
 *   <li>no class of {@code dev.tokensampler.stage} uses a built-in stage other than itself: stages
 *       do not borrow each other's statics, and the core pieces never call down into a stage;
 *   <li>the input rule for logits ("finite or -Infinity") and its error messages are written once;
 * </ul>
 *
 * <p>Run from the project directory (as Maven does).
 */
class ArchitectureTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final Path MODULE_INFO = MAIN.resolve("module-info.java");
  private static final String ROOT = "dev/tokensampler";

  private static Map<String, ClassFile> classes;

  @BeforeAll
  static void readClasses() throws IOException, URISyntaxException {
    Path dir = Path.of(Candidates.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assertTrue(Files.isDirectory(dir.resolve(ROOT)), "main classes in a directory: " + dir);
    classes = new TreeMap<>();
    try (Stream<Path> files = Files.walk(dir.resolve(ROOT))) {
      for (Path f : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
        ClassFile c = ClassFile.read(f);
        classes.put(c.name, c);
      }
    }
    assertTrue(classes.size() > 50, "read the main classes: " + classes.size());
  }

  /** The classes of {@code pkg} (slashes) that name a type or member matching {@code used}. */
  private static List<String> using(Predicate pkg, String used) {
    List<String> offenders = new ArrayList<>();
    for (ClassFile c : classes.values()) {
      if (pkg.test(ClassFile.packageOf(c.name))
          && c.strings.stream().anyMatch(s -> s.contains(used))) {
        offenders.add(c.name);
      }
    }
    return offenders;
  }

  private interface Predicate {
    boolean test(String packageName);
  }

  @Test
  void onlyTheAdapterPackageUsesDjl() {
    assertEquals(List.of(), using(p -> !p.startsWith(ROOT + "/djl"), "ai/djl/"));
    assertTrue(!using(p -> p.startsWith(ROOT + "/djl"), "ai/djl/").isEmpty(),
        "the check sees the adapter's use of DJL");
  }

  @Test
  void noMainSourceOutsideTheAdapterMentionsDjl() throws IOException {
    Path adapter = MAIN.resolve("dev/tokensampler/djl");
    assertTrue(Files.isDirectory(adapter), "run from the project directory");
    List<Path> offenders;
    try (Stream<Path> files = Files.walk(MAIN)) {
      offenders = files
          .filter(f -> f.toString().endsWith(".java") && !f.startsWith(adapter))
          .filter(f -> !f.equals(MODULE_INFO))
          .filter(f -> read(f).contains("ai.djl"))
          .collect(Collectors.toList());
    }
    assertEquals(List.of(), offenders);
  }

  /**
   * The module descriptor names DJL's API and tokenizers, as static (compile-time only)
   * requirements.
   */
  @Test
  void theModuleRequiresDjlStaticallyOnly() {
    List<String> djlLines = read(MODULE_INFO).lines()
        .map(String::strip)
        .filter(line -> line.startsWith("requires") && line.contains("ai.djl"))
        .collect(Collectors.toList());
    assertEquals(List.of("requires static ai.djl.api;", "requires static ai.djl.tokenizers;"),
        djlLines);
  }

  @Test
  void onlyTheKernelPackageUsesTheVectorApi() {
    assertEquals(List.of(), using(p -> !p.equals(ROOT + "/kernel"), "jdk/incubator/vector/"));
    assertTrue(!using(p -> p.equals(ROOT + "/kernel"), "jdk/incubator/vector/").isEmpty(),
        "the check sees the kernels' use of the Vector API");
  }

  @Test
  void theRootPackageDoesNotUseTheKernels() {
    assertEquals(List.of(), using(p -> p.equals(ROOT), ROOT + "/kernel/"));
    assertTrue(!using(p -> p.equals(ROOT + "/stage"), ROOT + "/kernel/").isEmpty(),
        "the check sees the stages' use of the kernels");
  }

  private static final String STAGE = ROOT + "/stage/";

  private static boolean isStage(ClassFile c) {
    return c.interfaces.contains(STAGE + "Stage");
  }

  /**
   * Field references of {@code c} whose owner is another top-level class of the library: reads
   * and writes of another class's fields (constants are inlined by the compiler and never
   * appear).
   */
  private static List<String> foreignFieldAccesses(ClassFile c) {
    List<String> found = new ArrayList<>();
    for (ClassFile.Member m : c.members) {
      if (m.field && m.owner.startsWith(ROOT + "/")
          && !ClassFile.topLevel(m.owner).equals(ClassFile.topLevel(c.name))) {
        found.add(c.name + " -> " + m);
      }
    }
    return found;
  }

  @Test
  void noClassOfTheStagePackageUsesAnotherClassesFields() throws IOException {
    List<String> found = new ArrayList<>();
    for (ClassFile c : classes.values()) {
      if (c.name.startsWith(STAGE)) {
        found.addAll(foreignFieldAccesses(c));
      }
    }
    assertEquals(List.of(), found);
    // The check sees field accesses: this test reads ClassFile.Member's fields.
    Path self = Path.of(ArchitectureTest.class.getResource("ArchitectureTest.class").getPath());
    assertTrue(!foreignFieldAccesses(ClassFile.read(self)).isEmpty(), "the check sees a read");
  }

  /**
   * Members of built-in stages used by another class of the stage package: a stage borrowing a
   * sibling's static, or a core piece ({@code Candidates}, {@code Chain} and the package-private
   * pieces) calling down into a stage.
   */
  private static List<String> usesOfStages(ClassFile c) {
    List<String> found = new ArrayList<>();
    for (ClassFile.Member m : c.members) {
      ClassFile owner = classes.get(m.owner);
      if (owner != null && isStage(owner)
          && !ClassFile.topLevel(m.owner).equals(ClassFile.topLevel(c.name))) {
        found.add(c.name + " -> " + m);
      }
    }
    return found;
  }

  @Test
  void noClassOfTheStagePackageUsesABuiltInStage() {
    List<String> found = new ArrayList<>();
    int stages = 0;
    for (ClassFile c : classes.values()) {
      stages += isStage(c) ? 1 : 0;
      if (c.name.startsWith(STAGE)) {
        found.addAll(usesOfStages(c));
      }
    }
    assertTrue(stages >= 20, "found the built-in stages: " + stages);
    assertEquals(List.of(), found);
    // The check sees uses of stages: the config builder creates them.
    assertTrue(!usesOfStages(classes.get(ROOT + "/SamplerConfig$Builder")).isEmpty(),
        "the check sees the builder's use of the stages");
  }

  /**
   * Occurrences in main sources of string literals containing {@code text}. Character literals
   * ({@code '"'} among them) are matched too, so that their quotes start no string, and skipped.
   */
  private static List<String> literalsContaining(String text) throws IOException {
    Pattern literal = Pattern.compile(
        "'(?:[^'\\\\\\n]|\\\\[^'\\n]{1,5})'|\"[^\"\\\\]*(?:\\\\.[^\"\\\\]*)*\"");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList())) {
        Matcher m = literal.matcher(read(f));
        while (m.find()) {
          if (m.group().startsWith("\"") && m.group().contains(text)) {
            found.add(MAIN.relativize(f) + ": " + m.group());
          }
        }
      }
    }
    return found;
  }

  @Test
  void theLogitRuleAndItsMessagesAreWrittenOnce() throws IOException {
    for (String text : new String[] {"logits must be finite or -Infinity", "is NaN", "is +Infinity",
        "every logit is -Infinity"}) {
      List<String> found = literalsContaining(text);
      assertEquals(1, found.size(), "string literals with \"" + text + "\": " + found);
      assertTrue(found.get(0).startsWith(
          Path.of("dev/tokensampler/internal/logits/LogitRule.java").toString()), found.get(0));
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void djlIsOptionalAndItsEngineTestOnly() throws Exception {
    Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(Path.of("pom.xml").toFile()).getDocumentElement();
    NodeList list = child(project, "dependencies").getElementsByTagName("dependency");
    int djl = 0;
    for (int i = 0; i < list.getLength(); i++) {
      Element dependency = (Element) list.item(i);
      String group = text(dependency, "groupId");
      if (!group.startsWith("ai.djl")) {
        continue;
      }
      djl++;
      String artifact = group + ":" + text(dependency, "artifactId");
      if (artifact.equals("ai.djl:api") || artifact.equals("ai.djl.huggingface:tokenizers")) {
        assertEquals("true", text(dependency, "optional"), artifact);
        assertEquals("", text(dependency, "scope"), artifact + " is compiled against");
      } else {
        assertEquals("test", text(dependency, "scope"), artifact);
      }
    }
    assertTrue(djl >= 2, "the DJL API and an engine are declared");
  }

  /** The first child element named {@code tag} (so not the one inside dependencyManagement). */
  private static Element child(Element parent, String tag) {
    for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element && ((Element) node).getTagName().equals(tag)) {
        return (Element) node;
      }
    }
    throw new AssertionError("no <" + tag + "> in <" + parent.getTagName() + ">");
  }

  private static String text(Element parent, String tag) {
    NodeList nodes = parent.getElementsByTagName(tag);
    return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
  }
}
