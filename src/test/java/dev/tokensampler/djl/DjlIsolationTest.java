package dev.tokensampler.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * DJL stays optional for users of the core: no main source outside {@code dev.tokensampler.djl}
 * mentions {@code ai.djl} but the module descriptor, which requires it statically only (not
 * transitively, so a consumer of the core compiles without DJL), the DJL API is an optional
 * dependency, and every other DJL artifact (the engine) is test-only. Reads the sources and {@code pom.xml} of the project directory.
 */
class DjlIsolationTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final Path ADAPTER = MAIN.resolve("dev/tokensampler/djl");
  private static final Path MODULE_INFO = MAIN.resolve("module-info.java");

  @Test
  void onlyTheAdapterPackageUsesDjl() throws IOException {
    assertTrue(Files.isDirectory(ADAPTER), "run from the project directory");
    List<Path> offenders;
    try (Stream<Path> files = Files.walk(MAIN)) {
      offenders = files
          .filter(f -> f.toString().endsWith(".java") && !f.startsWith(ADAPTER))
          .filter(f -> !f.equals(MODULE_INFO))
          .filter(f -> read(f).contains("ai.djl"))
          .collect(Collectors.toList());
    }
    assertEquals(List.of(), offenders);
  }

  /** The module descriptor names DJL once, as a static (compile-time only) requirement. */
  @Test
  void theModuleRequiresDjlStaticallyOnly() {
    List<String> djlLines = read(MODULE_INFO).lines()
        .map(String::strip)
        .filter(line -> line.startsWith("requires") && line.contains("ai.djl"))
        .collect(Collectors.toList());
    assertEquals(List.of("requires static ai.djl.api;"), djlLines);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
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
      if (artifact.equals("ai.djl:api")) {
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
