package dev.nin.book;

import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The picture d2l's {@code Animator} draws during {@code train_ch6}: training loss, training accuracy and
 * test accuracy per epoch on one shared axis from 0, drawn from a run record after the run.
 */
public final class TrainingPlot {

    /** One line of the plot: its legend name, how to read it from an epoch, and d2l's colour and dash. */
    record Metric(String name, ToDoubleFunction<EpochMetrics> value, Color colour, float[] dash) {
    }

    /** d2l's styles: loss solid blue ("-"), train acc dashed magenta ("m--"), test acc dash-dot green ("g-."). */
    static final List<Metric> METRICS = List.of(
            new Metric("train loss", EpochMetrics::loss, new Color(0x1f, 0x77, 0xb4), null),
            new Metric("train acc", EpochMetrics::trainAcc, new Color(0xbf, 0x00, 0xbf), new float[]{6, 4}),
            new Metric("test acc", EpochMetrics::testAcc, new Color(0x00, 0x80, 0x00), new float[]{6, 3, 2, 3}));

    static final int WIDTH = 640, HEIGHT = 420;

    private TrainingPlot() {
    }

    public static void writeSvg(RunRecord run, Path file) throws IOException {
        Svg.write(chart(run), WIDTH, HEIGHT, file);
    }

    // tag::chart[]
    static JFreeChart chart(RunRecord run) {
        XYSeriesCollection lines = new XYSeriesCollection();
        for (Metric metric : METRICS) {
            XYSeries series = new XYSeries(metric.name());
            for (EpochMetrics epoch : run.epochs())
                if (Double.isFinite(metric.value().applyAsDouble(epoch))) // a diverged loss is left out, not drawn off the chart
                    series.add(epoch.epoch(), metric.value().applyAsDouble(epoch));
            lines.addSeries(series);
        }
        NumberAxis epochs = new NumberAxis("epoch");
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochs.setRange(run.epochs().isEmpty() ? 0.5 : Math.min(0.5, run.epochs().getFirst().epoch() - 0.5),
                Math.max(1.5, run.epochs().isEmpty() ? 1.5 : run.epochs().getLast().epoch() + 0.5));
        NumberAxis values = new NumberAxis();
        values.setRange(0, Math.max(1.0, lines.getRangeUpperBound(false)) * 1.05);

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setDrawSeriesLineAsPath(true); // one <path> per metric in the SVG
        for (int s = 0; s < METRICS.size(); s++) {
            Metric metric = METRICS.get(s);
            renderer.setSeriesPaint(s, metric.colour());
            renderer.setSeriesStroke(s, new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, metric.dash(), 0f));
        }
        XYPlot plot = new XYPlot(lines, epochs, values, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

        JFreeChart chart = new JFreeChart(title(run), new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.addSubtitle(new TextTitle(summary(run), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
    // end::chart[]

    static String title(RunRecord run) {
        return "NiN on " + run.backend() + " (" + run.device() + ")";
    }

    /** The chapter's closing line: final loss and accuracies, speed, and the outcome when not completed. */
    static String summary(RunRecord run) {
        EpochMetrics last = run.lastEpoch();
        String numbers = last == null ? "no epoch finished"
                : String.format(Locale.ROOT, "loss %.3f, train acc %.3f, test acc %.3f", last.loss(), last.trainAcc(), last.testAcc());
        String speed = String.format(Locale.ROOT, "%.1f examples/sec", run.examplesPerSecond());
        String outcome = RunRecord.COMPLETED.equals(run.outcome()) ? "" : " — " + run.outcome()
                + (run.message() == null || run.message().isBlank() ? "" : ": " + run.message());
        return numbers + " · " + speed + outcome;
    }
}
