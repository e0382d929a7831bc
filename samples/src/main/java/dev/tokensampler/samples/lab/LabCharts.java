package dev.tokensampler.samples.lab;

import dev.tokensampler.Softmax;
import dev.tokensampler.random.Seeds;
import dev.tokensampler.samples.experiments.DistributionCharts;
import dev.tokensampler.stage.Candidates;
import dev.tokensampler.stage.Chain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG charts of a grid, titled with the model and the prompt:
 *
 * <ul>
 *   <li>{@value #SCATTER}: each strategy's mean entropy of the distribution its chain drew from
 *       (x) against its distinct-2 (y), one point per strategy;
 *   <li>{@value #TEMPERATURE}: the model's next-token distribution after the first prompt at the
 *       grid's temperatures (with 1; 0.5, 1, 1.5 and 2 when the grid has fewer than two), the
 *       {@value #BARS} most likely tokens: temperature above 1 flattens it, below 1 sharpens it;
 *   <li>{@code truncation-<s>.png} for each of the first {@value #MAX_TRUNCATION_CHARTS}
 *       strategies: the same distribution at the strategy's temperature (1 if it has none or 0)
 *       before, and after the whole chain (the candidates it draws from, renormalised; a random
 *       stage such as XTC shown with one draw of stream 0 of the plan's seed).
 * </ul>
 */
public final class LabCharts {
  /** The scatter's file. */
  public static final String SCATTER = "entropy-vs-diversity.png";
  /** The temperature chart's file. */
  public static final String TEMPERATURE = "temperature.png";
  /** Bars per distribution chart. */
  public static final int BARS = 30;
  /** The most truncation charts written. */
  public static final int MAX_TRUNCATION_CHARTS = 12;

  private LabCharts() {}

  /**
   * Writes every chart.
   *
   * @param directory the output directory
   * @param plan the plan
   * @param summaries the strategy rows
   * @param model the plan's model
   * @return the files written
   * @throws IOException if a file cannot be written
   */
  public static List<Path> write(Path directory, LabPlan plan, List<StrategySummary> summaries,
      LabModel model) throws IOException {
    List<Path> files = new ArrayList<>();
    String context = model.name() + ", prompt \"" + shorten(plan.prompts().get(0)) + "\"";
    files.add(save(scatter(plan, summaries, model.name()), directory.resolve(SCATTER)));
    int[] prompt = model.encode(plan.prompts().get(0));
    float[] logits = new float[model.vocabularySize()];
    model.nextTokenLogits(prompt, prompt.length, logits);
    CategoryChart temperature =
        DistributionCharts.temperatures(logits, model::tokenLabel, temperatures(plan), BARS);
    temperature.setTitle("Temperature reshapes the next-token distribution: " + context);
    files.add(save(temperature, directory.resolve(TEMPERATURE)));
    List<StrategyGrid.Strategy> strategies = plan.strategies();
    for (int s = 0; s < Math.min(MAX_TRUNCATION_CHARTS, strategies.size()); s++) {
      files.add(save(truncation(logits, model, strategies.get(s), plan.seed(), context),
          directory.resolve("truncation-" + s + ".png")));
    }
    return files;
  }

  static XYChart scatter(LabPlan plan, List<StrategySummary> summaries, String modelName) {
    XYChart chart = new XYChartBuilder().width(DistributionCharts.WIDTH)
        .height(DistributionCharts.HEIGHT)
        .title("Entropy vs diversity: " + modelName + ", " + plan.prompts().size()
            + " prompts (\"" + shorten(plan.prompts().get(0)) + "\", ...) x "
            + plan.continuations())
        .xAxisTitle("mean entropy of the sampled distribution (nats)")
        .yAxisTitle("distinct-2")
        .build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendPosition(LegendPosition.OutsideE);
    chart.getStyler().setMarkerSize(10);
    for (StrategySummary s : summaries) {
      double y = Double.isNaN(s.distinct2()) ? 0 : s.distinct2();
      XYSeries series = chart.addSeries(s.strategy() + ": " + shorten(s.label()),
          new double[] {s.meanChainEntropy()}, new double[] {y});
      series.setMarker(SeriesMarkers.CIRCLE);
    }
    return chart;
  }

  /** The grid's positive temperatures and 1, ascending; a default set if fewer than two. */
  static float[] temperatures(LabPlan plan) {
    TreeSet<Float> values = new TreeSet<>();
    values.add(1f);
    for (StrategyGrid.Strategy strategy : plan.strategies()) {
      float t = temperatureOf(strategy);
      if (t > 0) {
        values.add(t);
      }
    }
    if (values.size() < 2) {
      return new float[] {0.5f, 1f, 1.5f, 2f};
    }
    float[] out = new float[values.size()];
    int i = 0;
    for (float t : values) {
      out[i++] = t;
    }
    return out;
  }

  static CategoryChart truncation(float[] logits, LabModel model, StrategyGrid.Strategy strategy,
      long seed, String context) {
    float t = temperatureOf(strategy);
    float before = t > 0 ? t : 1f;
    float[] beforeProbabilities = Softmax.probabilities(logits, before);
    float[] after = new float[logits.length];
    Chain chain = new Chain(strategy.spec().config().stages());
    Candidates candidates = chain.apply(logits, 0, logits.length, Seeds.generator(seed, 0));
    float[] probabilities = new float[candidates.size()];
    candidates.writeProbabilities(probabilities);
    for (int i = 0; i < candidates.size(); i++) {
      after[candidates.id(i)] = probabilities[i];
    }
    int[] ids = IntStream.range(0, logits.length).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -logits[i]).thenComparingInt(i -> i))
        .limit(BARS).mapToInt(Integer::intValue).toArray();
    List<String> labels = new ArrayList<>();
    for (int id : ids) {
      labels.add(model.tokenLabel(id) + " #" + id);
    }
    CategoryChart chart = new CategoryChartBuilder().width(DistributionCharts.WIDTH)
        .height(DistributionCharts.HEIGHT)
        .title(shorten(strategy.label()) + ": before and after the chain, " + context)
        .xAxisTitle("token (most likely first)").yAxisTitle("probability").build();
    chart.getStyler().setLegendPosition(LegendPosition.InsideNE);
    chart.getStyler().setXAxisLabelRotation(90);
    chart.getStyler().setYAxisDecimalPattern("0.00");
    chart.addSeries(String.format(Locale.ROOT, "before (T = %s)", before), labels,
        values(beforeProbabilities, ids));
    chart.addSeries("after " + shorten(strategy.label()), labels, values(after, ids));
    return chart;
  }

  private static float temperatureOf(StrategyGrid.Strategy strategy) {
    String value = strategy.spec().value("temperature");
    return value == null ? -1f : Float.parseFloat(value);
  }

  private static List<Double> values(float[] probabilities, int[] ids) {
    List<Double> values = new ArrayList<>();
    for (int id : ids) {
      values.add((double) probabilities[id]);
    }
    return values;
  }

  private static String shorten(String text) {
    return text.length() <= 60 ? text : text.substring(0, 57) + "...";
  }

  private static Path save(Chart<?, ?> chart, Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return file;
  }
}
