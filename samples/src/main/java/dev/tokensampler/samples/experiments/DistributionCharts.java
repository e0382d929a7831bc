package dev.tokensampler.samples.experiments;

import dev.tokensampler.SamplerConfig;
import dev.tokensampler.Softmax;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import dev.tokensampler.stage.Stage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler.LegendPosition;

/**
 * Bar charts of one next-token distribution (any logits): how temperature reshapes it, and what
 * a truncating chain (top-k, top-p) keeps. Probabilities come from the library itself:
 * {@link Softmax} for a temperature, and the chain's own stages run on {@link Candidates} for a
 * truncation, so the bars show exactly what the samplers draw from.
 */
public final class DistributionCharts {
  /** Chart size in pixels. */
  public static final int WIDTH = 1000;
  /** Chart size in pixels. */
  public static final int HEIGHT = 560;

  private DistributionCharts() {}

  /**
   * The {@code count} token ids with the largest logits, largest first (ties to the lower id).
   *
   * @param logits the logits
   * @param count how many, at most {@code logits.length}
   * @return the ids
   */
  static int[] topIds(float[] logits, int count) {
    return IntStream.range(0, logits.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i))
        .limit(count)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /**
   * The next-token probabilities of the top {@code count} tokens at each temperature: above 1 the
   * distribution flattens, below 1 it sharpens.
   *
   * @param logits the model's logits
   * @param text a token's label
   * @param temperatures each one a series, {@code > 0}
   * @param count how many of the most likely tokens to show
   * @return the chart
   */
  public static CategoryChart temperatures(
      float[] logits, IntFunction<String> text, float[] temperatures, int count) {
    int[] ids = topIds(logits, count);
    CategoryChart chart = chart(
        "Next-token probabilities of the top " + count + " tokens at several temperatures",
        "token (most likely first at T = 1)");
    List<String> labels = labels(ids, text);
    for (float temperature : temperatures) {
      float[] probabilities = Softmax.probabilities(logits, temperature);
      chart.addSeries("T = " + temperature, labels,
          values(probabilities, ids));
    }
    return chart;
  }

  /**
   * The probabilities of the top {@code count} tokens at a temperature, before and after a
   * truncating chain (0 for a token it drops; the kept ones renormalised).
   *
   * @param logits the model's logits
   * @param text a token's label
   * @param temperature the temperature of both series, {@code > 0}
   * @param truncation the chain applied after the temperature, e.g. {@code topK(10)}
   * @param name the chain's name in the title and legend
   * @param count how many of the most likely tokens to show
   * @return the chart
   */
  public static CategoryChart truncation(float[] logits, IntFunction<String> text,
      float temperature, SamplerConfig truncation, String name, int count) {
    int[] ids = topIds(logits, count);
    CategoryChart chart = chart(
        name + " at T = " + temperature + ": probabilities before and after",
        "token (most likely first)");
    List<String> labels = labels(ids, text);
    chart.addSeries("before", labels, values(Softmax.probabilities(logits, temperature), ids));
    chart.addSeries("after " + name, labels,
        values(afterChain(logits, temperature, truncation), ids));
    return chart;
  }

  /**
   * The distribution a sampler draws from after temperature and the chain's stages: each
   * remaining candidate's probability at its token id, 0 elsewhere.
   *
   * @param logits the logits
   * @param temperature applied first
   * @param chain the stages that follow
   * @return one probability per token id
   */
  static float[] afterChain(float[] logits, float temperature, SamplerConfig chain) {
    List<Stage> stages = new ArrayList<>();
    stages.addAll(SamplerConfig.builder().temperature(temperature).build().stages());
    stages.addAll(chain.stages());
    Candidates candidates = new Chain(stages).apply(logits, 0, logits.length);
    float[] probabilities = new float[logits.length];
    for (int i = 0; i < candidates.size(); i++) {
      probabilities[candidates.id(i)] = candidates.probability(i);
    }
    return probabilities;
  }

  /**
   * Writes a chart as a PNG file, creating its directory.
   *
   * @param chart the chart
   * @param file the file
   * @throws IOException if it cannot be written
   */
  public static void savePng(CategoryChart chart, Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    BufferedImage image = BitmapEncoder.getBufferedImage(chart);
    if (!ImageIO.write(image, "png", file.toFile())) {
      throw new IOException("no PNG writer for " + file);
    }
  }

  private static CategoryChart chart(String title, String xTitle) {
    CategoryChart chart = new CategoryChartBuilder()
        .width(WIDTH)
        .height(HEIGHT)
        .title(title)
        .xAxisTitle(xTitle)
        .yAxisTitle("probability")
        .build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
    chart.getStyler().setXAxisLabelRotation(90);
    chart.getStyler().setAvailableSpaceFill(0.9);
    chart.getStyler().setYAxisDecimalPattern("0.00");
    return chart;
  }

  private static List<String> labels(int[] ids, IntFunction<String> text) {
    List<String> labels = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (int id : ids) {
      String label = text.apply(id);
      labels.add(used.add(label) ? label : label + " #" + id);
    }
    return labels;
  }

  private static List<Double> values(float[] probabilities, int[] ids) {
    List<Double> values = new ArrayList<>();
    for (int id : ids) {
      values.add((double) probabilities[id]);
    }
    return values;
  }
}
