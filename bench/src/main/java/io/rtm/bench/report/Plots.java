package io.rtm.bench.report;

import io.rtm.bench.run.RunResult;
import io.rtm.bench.run.WindowedLatency;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNGs: latency CDFs per workload and rate, latency over time per run. */
final class Plots {
  /** More commit lines than this would paint the plot grey; the title gives their count instead. */
  private static final int MAX_COMMIT_LINES = 120;
  private static final int CDF_POINTS = 1_000;

  private Plots() {}

  /** One line per mode that ran: fraction of records at or below each latency, log scale. */
  static Path cdf(Path dir, String name, String title, List<RunResult> runs) {
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title)
        .xAxisTitle("end-to-end latency (ms, log scale)").yAxisTitle("fraction of records").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    for (RunResult r : runs) {
      int[] sorted = r.samples().sortedLatencies(r.windowFromSec(), r.windowToSec());
      if (sorted.length == 0) {
        continue;
      }
      int points = Math.min(CDF_POINTS, sorted.length);
      double[] x = new double[points];
      double[] y = new double[points];
      for (int i = 0; i < points; i++) {
        int index = (int) ((long) (i + 1) * sorted.length / points) - 1;
        x[i] = Math.max(0.01, sorted[index] / 1000.0);
        y[i] = (index + 1) / (double) sorted.length;
      }
      XYSeries s = chart.addSeries(r.spec().mode().id(), x, y);
      s.setMarker(SeriesMarkers.NONE);
    }
    return save(chart, dir, name);
  }

  /** p50 and max per time bucket, with the epoch or batch commits as vertical lines. */
  static Path timeline(Path dir, String name, RunResult r) {
    double end = end(r);
    double bucket = bucketSec(end);
    Series s = bucketed(r, bucket);
    long commitsShown = Arrays.stream(r.commitsSec()).filter(c -> c >= 0 && c <= end).count();
    String what = r.spec().mode().engine() == io.rtm.bench.spec.Mode.Engine.FLINK ? "checkpoints" : "commits";
    String title = String.format(Locale.ROOT, "%s, %s, %d/s: latency per %.0f ms (window %.0f-%.0f s, %d %s)",
        r.spec().workload().id(), r.spec().mode().id(), r.spec().rate(), bucket * 1000,
        r.windowFromSec(), r.windowToSec(), commitsShown, what);
    XYChart chart = new XYChartBuilder().width(1000).height(520).title(title)
        .xAxisTitle("seconds since the generator started").yAxisTitle("latency (ms, log scale)").build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setXAxisDecimalPattern("#0");
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    chart.getStyler().setAnnotationLineColor(new Color(120, 120, 220, 110));
    chart.getStyler().setAnnotationLineStroke(new BasicStroke(1f));
    chart.addSeries("max", s.x, s.max).setMarker(SeriesMarkers.NONE);
    chart.addSeries("p50", s.x, s.p50).setMarker(SeriesMarkers.NONE);
    if (commitsShown <= MAX_COMMIT_LINES) {
      for (double c : r.commitsSec()) {
        if (c >= 0 && c <= end) {
          chart.addAnnotation(new AnnotationLine(c, true, false));
        }
      }
    }
    return save(chart, dir, name);
  }

  /**
   * The plugin and Flink at the same epoch / checkpoint interval on one time axis: both runs'
   * p50 and max per bucket, the plugin's epoch commits and Flink's completed checkpoints as two
   * rows of markers along the bottom, so a spike can be matched to the boundary under it.
   */
  static Path versus(Path dir, String name, RunResult plugin, RunResult flink) {
    double end = Math.max(end(plugin), end(flink));
    double bucket = bucketSec(end);
    Series p = bucketed(plugin, bucket);
    Series f = bucketed(flink, bucket);
    String title = String.format(Locale.ROOT, "%s at %d/s: %s vs %s, latency per %.0f ms",
        plugin.spec().workload().id(), plugin.spec().rate(), plugin.spec().mode().id(), flink.spec().mode().id(),
        bucket * 1000);
    XYChart chart = new XYChartBuilder().width(1000).height(560).title(title)
        .xAxisTitle("seconds since the generator started").yAxisTitle("latency (ms, log scale)").build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setXAxisDecimalPattern("#0");
    chart.getStyler().setMarkerSize(7);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
    line(chart, plugin.spec().mode().id() + " max", p.x, p.max, new Color(60, 90, 200));
    line(chart, plugin.spec().mode().id() + " p50", p.x, p.p50, new Color(140, 170, 255));
    line(chart, flink.spec().mode().id() + " max", f.x, f.max, new Color(210, 80, 40));
    line(chart, flink.spec().mode().id() + " p50", f.x, f.p50, new Color(250, 170, 120));
    double low = Math.max(0.01, Math.min(min(p.p50), min(f.p50)) / 2);
    markers(chart, plugin.spec().mode().id() + " epoch commits", plugin.commitsSec(), end, low,
        SeriesMarkers.TRIANGLE_UP, new Color(60, 90, 200));
    markers(chart, flink.spec().mode().id() + " checkpoints completed", flink.commitsSec(), end, low / 1.6,
        SeriesMarkers.TRIANGLE_DOWN, new Color(210, 80, 40));
    return save(chart, dir, name);
  }

  private static void line(XYChart chart, String name, List<Double> x, List<Double> y, Color color) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.NONE);
    s.setLineColor(color);
  }

  private static void markers(XYChart chart, String name, double[] at, double end, double y,
      org.knowm.xchart.style.markers.Marker marker, Color color) {
    List<Double> x = new ArrayList<>();
    for (double c : at) {
      if (c >= 0 && c <= end) {
        x.add(c);
      }
    }
    if (x.isEmpty()) {
      return;
    }
    XYSeries s = chart.addSeries(name, x, java.util.Collections.nCopies(x.size(), y));
    s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    s.setMarker(marker);
    s.setMarkerColor(color);
  }

  /** About 600 buckets over the run, rounded up to whole 50 ms so that the title reads plainly. */
  static double bucketSec(double end) {
    return Math.max(0.1, Math.ceil(end / 600 / 0.05) * 0.05);
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(1);
  }

  private static double end(RunResult r) {
    return Arrays.stream(r.samples().atSec()).max().orElse(1);
  }

  /** p50 and max of each time bucket that has samples. */
  private record Series(List<Double> x, List<Double> p50, List<Double> max) {}

  private static Series bucketed(RunResult r, double bucket) {
    WindowedLatency samples = r.samples();
    double end = end(r);
    int buckets = (int) Math.ceil(end / bucket) + 1;
    List<List<Integer>> perBucket = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      perBucket.add(new ArrayList<>());
    }
    for (int i = 0; i < samples.size(); i++) {
      if (samples.atSec()[i] >= 0) {
        perBucket.get((int) (samples.atSec()[i] / bucket)).add(samples.latencyUs()[i]);
      }
    }
    List<Double> x = new ArrayList<>();
    List<Double> p50 = new ArrayList<>();
    List<Double> max = new ArrayList<>();
    for (int i = 0; i < buckets; i++) {
      List<Integer> values = perBucket.get(i);
      if (values.isEmpty()) {
        continue;
      }
      int[] sorted = values.stream().mapToInt(Integer::intValue).sorted().toArray();
      x.add(i * bucket);
      p50.add(Math.max(0.01, sorted[(sorted.length - 1) / 2] / 1000.0));
      max.add(Math.max(0.01, sorted[sorted.length - 1] / 1000.0));
    }
    if (x.isEmpty()) {
      x.add(0.0);
      p50.add(0.01);
      max.add(0.01);
    }
    return new Series(x, p50, max);
  }

  private static Path save(XYChart chart, Path dir, String name) {
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".png");
      BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
