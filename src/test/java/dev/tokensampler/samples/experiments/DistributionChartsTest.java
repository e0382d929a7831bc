package dev.tokensampler.samples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tokensampler.SamplerConfig;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;

/**
 * The distribution charts on a fixed synthetic distribution (Zipf-like logits over 1,000 tokens):
 * their data says what the pictures claim, and the PNG files are real, non-trivial images.
 */
class DistributionChartsTest {
  private static final int V = 1_000;
  private static final int SHOWN = 30;

  /** {@code logit_i = -1.1 ln(i + 1)} with a fixed permutation of ids, so rank is not id order. */
  private static float[] zipfLogits() {
    float[] logits = new float[V];
    for (int rank = 0; rank < V; rank++) {
      logits[(rank * 379) % V] = (float) (-1.1 * Math.log(rank + 1));
    }
    return logits;
  }

  private static String text(int id) {
    return "tok" + id;
  }

  private static List<? extends Number> series(CategoryChart chart, String name) {
    assertTrue(chart.getSeriesMap().containsKey(name), "series " + name);
    return new ArrayList<>(chart.getSeriesMap().get(name).getYData());
  }

  @Test
  void temperatureFlattensTheDistribution() {
    CategoryChart chart = DistributionCharts.temperatures(
        zipfLogits(), DistributionChartsTest::text, new float[] {0.5f, 1f, 1.5f, 2f}, SHOWN);
    assertEquals(4, chart.getSeriesMap().size());
    String[] names = {"T = 0.5", "T = 1.0", "T = 1.5", "T = 2.0"};
    double previousTop = Double.POSITIVE_INFINITY;
    double previousRatio = Double.POSITIVE_INFINITY;
    for (String name : names) {
      List<? extends Number> values = series(chart, name);
      assertEquals(SHOWN, values.size());
      double top = values.get(0).doubleValue();
      double ratio = top / values.get(SHOWN - 1).doubleValue();
      assertTrue(top < previousTop, name + ": the most likely token loses mass as T grows");
      assertTrue(ratio < previousRatio, name + ": the first over the 30th shrinks as T grows");
      previousTop = top;
      previousRatio = ratio;
    }
    // The first bar is the most likely token: id 0 (rank 0).
    assertEquals("tok0", chart.getSeriesMap().get("T = 1.0").getXData().iterator().next());
  }

  @Test
  void topKKeepsKTokensRenormalised() {
    CategoryChart chart = DistributionCharts.truncation(zipfLogits(), DistributionChartsTest::text,
        1f, SamplerConfig.builder().topK(10).build(), "top-k 10", SHOWN);
    List<? extends Number> before = series(chart, "before");
    List<? extends Number> after = series(chart, "after top-k 10");
    double keptBefore = 0;
    double keptAfter = 0;
    for (int i = 0; i < SHOWN; i++) {
      double a = after.get(i).doubleValue();
      if (i < 10) {
        assertTrue(a > before.get(i).doubleValue(), "kept token " + i + " gains mass");
        keptBefore += before.get(i).doubleValue();
        keptAfter += a;
      } else {
        assertEquals(0.0, a, "dropped token " + i);
      }
    }
    assertEquals(1.0, keptAfter, 1e-5);
    assertEquals(before.get(0).doubleValue() / keptBefore, after.get(0).doubleValue(), 1e-5);
  }

  @Test
  void topPKeepsTheSmallestSetReachingP() {
    float[] logits = zipfLogits();
    CategoryChart chart = DistributionCharts.truncation(logits, DistributionChartsTest::text,
        1f, SamplerConfig.builder().topP(0.5f).build(), "top-p 0.5", SHOWN);
    List<? extends Number> before = series(chart, "before");
    List<? extends Number> after = series(chart, "after top-p 0.5");
    int kept = 0;
    double massBeforeLastKept = 0;
    double massKept = 0;
    while (kept < SHOWN && after.get(kept).doubleValue() > 0) {
      massBeforeLastKept = massKept;
      massKept += before.get(kept).doubleValue();
      kept++;
    }
    assertTrue(kept > 1 && kept < SHOWN, "kept " + kept);
    assertTrue(massBeforeLastKept < 0.5 && massKept >= 0.5,
        "the nucleus is the smallest top set reaching 0.5: " + massBeforeLastKept + ", "
            + massKept);
    for (int i = kept; i < SHOWN; i++) {
      assertEquals(0.0, after.get(i).doubleValue(), "token " + i + " is outside the nucleus");
    }
  }

  /** Each chart is a decodable PNG of the chart's size with many colours and drawn content. */
  @Test
  void pngFilesAreRealImages(@TempDir Path directory) throws IOException {
    float[] logits = zipfLogits();
    Path temperatures = directory.resolve("charts/temperature.png");
    Path topK = directory.resolve("charts/top-k.png");
    DistributionCharts.savePng(DistributionCharts.temperatures(logits,
        DistributionChartsTest::text, new float[] {0.5f, 1f, 1.5f, 2f}, SHOWN), temperatures);
    DistributionCharts.savePng(DistributionCharts.truncation(logits, DistributionChartsTest::text,
        1f, SamplerConfig.builder().topK(10).build(), "top-k 10", SHOWN), topK);
    for (Path file : new Path[] {temperatures, topK}) {
      assertNonTrivialPng(file);
    }
  }

  /**
   * Decodes the file and checks its size, that it has more than 16 distinct colours, and that
   * more than 3% of its pixels differ from the most common (background) colour.
   *
   * @param file the PNG
   * @throws IOException if it cannot be read
   */
  static void assertNonTrivialPng(Path file) throws IOException {
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, file + " is not a decodable image");
    assertEquals(DistributionCharts.WIDTH, image.getWidth(), file + " width");
    assertEquals(DistributionCharts.HEIGHT, image.getHeight(), file + " height");
    Map<Integer, Integer> colours = new HashMap<>();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        colours.merge(image.getRGB(x, y), 1, Integer::sum);
      }
    }
    assertTrue(colours.size() > 16, file + " has only " + colours.size() + " colours");
    int background = colours.values().stream().max(Integer::compare).orElse(0);
    int pixels = image.getWidth() * image.getHeight();
    double drawn = 1.0 - (double) background / pixels;
    assertTrue(drawn > 0.03, file + ": only " + drawn + " of the pixels are drawn");
  }
}
