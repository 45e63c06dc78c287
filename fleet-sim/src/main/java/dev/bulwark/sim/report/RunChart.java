package dev.bulwark.sim.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A PNG of a run: operations finished per second (filled, left axis) and their p50 and p99 latency in
 * ms (lines, right axis), against seconds since the start. Drawn off-screen, so it works on servers and
 * in CI without a display.
 */
public final class RunChart {

    static final int WIDTH = 1200;
    static final int HEIGHT = 600;

    private static final int THROUGHPUT_AXIS = 0;
    private static final int LATENCY_AXIS = 1;

    private RunChart() {
    }

    /** Draws the chart of {@code recorder} into {@code png} (directories created); returns {@code png}. */
    public static Path write(Path png, RunRecorder recorder, String title) {
        // Must precede the first AWT call of the JVM; the launcher may not have set it.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYChart chart = chart(recorder.timeline(), title);
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            // To a stream: given a file name, XChart appends ".png" when the name lacks it.
            try (OutputStream out = Files.newOutputStream(png)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            return png;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart to " + png, e);
        }
    }

    static XYChart chart(List<RunRecorder.Second> timeline, String title) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("seconds since start").yAxisTitle("operations finished per second").build();
        style(chart.getStyler());
        chart.setYAxisGroupTitle(LATENCY_AXIS, "latency (ms)");

        // XChart refuses empty series: a run where nothing finished is drawn as one point at zero.
        List<RunRecorder.Second> seconds = timeline.isEmpty() ? List.of(new RunRecorder.Second(0, 0, 0, 0)) : timeline;
        // A second without finished operations has no latency; zeros there would draw false dips.
        List<RunRecorder.Second> measured = seconds.stream().filter(s -> s.finished() > 0).toList();
        if (measured.isEmpty()) {
            measured = seconds;
        }

        XYSeries throughput = chart.addSeries("finished / s",
                seconds.stream().map(RunRecorder.Second::second).toList(),
                seconds.stream().map(RunRecorder.Second::finished).toList());
        throughput.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
        throughput.setYAxisGroup(THROUGHPUT_AXIS);
        throughput.setFillColor(new Color(70, 130, 180, 110));
        throughput.setLineColor(new Color(70, 130, 180));
        throughput.setMarker(SeriesMarkers.NONE); // an hour-long run has 3,600 points: dots would hide the area

        latencyLine(chart, "p50 latency (ms)", measured, false, new Color(46, 139, 87));
        latencyLine(chart, "p99 latency (ms)", measured, true, new Color(205, 92, 92));
        return chart;
    }

    private static void latencyLine(XYChart chart, String name, List<RunRecorder.Second> seconds, boolean p99, Color color) {
        XYSeries series = chart.addSeries(name,
                seconds.stream().map(RunRecorder.Second::second).toList(),
                seconds.stream().map(s -> p99 ? s.p99Ms() : s.p50Ms()).toList());
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        series.setYAxisGroup(LATENCY_AXIS);
        series.setLineColor(color);
        series.setLineStyle(new BasicStroke(2f));
        series.setMarker(SeriesMarkers.NONE);
    }

    private static void style(org.knowm.xchart.style.XYStyler styler) {
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setYAxisGroupPosition(LATENCY_AXIS, Styler.YAxisPosition.Right);
        styler.setYAxisMin(THROUGHPUT_AXIS, 0.0);
        styler.setYAxisMin(LATENCY_AXIS, 0.0);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(225, 225, 225));
        styler.setXAxisDecimalPattern("#,##0");
        styler.setAntiAlias(true);
    }
}
