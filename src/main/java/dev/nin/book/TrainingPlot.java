package dev.nin.book;

import dev.nin.train.HealthCheck;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What a training run did, drawn from its record: the training loss on one panel, training and test accuracy
 * on a second panel below it (the two have different scales), against the epoch. The title names the
 * configuration, so a figure cannot be mistaken for another run's; the legend sits inside the plot.
 * {@link #compare} draws several runs on the same panels, each in its own colour.
 */
public final class TrainingPlot {

    /** One line of the plot: its legend name, how to read it from an epoch, and d2l's colour and dash. */
    record Metric(String name, ToDoubleFunction<EpochMetrics> value, Color colour, float[] dash, boolean thin) {
        Metric(String name, ToDoubleFunction<EpochMetrics> value, Color colour, float[] dash) {
            this(name, value, colour, dash, false);
        }
    }

    /** The loss at every check point: a thin line under the epoch means, in a lighter shade of the loss's colour. */
    static final String EVERY_CHECK_POINT = "train loss, every check point";

    /** d2l's styles: loss solid blue ("-"), train acc dashed magenta ("m--"), test acc dash-dot green ("g-."). */
    static final List<Metric> METRICS = List.of(
            new Metric("train loss", EpochMetrics::loss, new Color(0x1f, 0x77, 0xb4), null),
            new Metric("train acc", EpochMetrics::trainAcc, new Color(0xbf, 0x00, 0xbf), new float[]{6, 4}),
            new Metric("test acc", EpochMetrics::testAcc, new Color(0x00, 0x80, 0x00), new float[]{6, 3, 2, 3}));

    /** One colour per run (or seed) in a comparison: matplotlib's first colours, distinct for colour-blind readers too. */
    static final List<Color> RUN_COLOURS = List.of(new Color(0x1f, 0x77, 0xb4), new Color(0xd6, 0x27, 0x28),
            new Color(0x2c, 0xa0, 0x2c), new Color(0xff, 0x7f, 0x0e), new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b));

    static final float[] DASHED = {6, 4};

    /** ln 10: the loss of ten equal class scores, where a dead NiN sits. */

    static final int WIDTH = 680, HEIGHT = 520;

    /** A run with the name its legend entry shows. */
    public record Labelled(String label, RunRecord run) {
    }

    private TrainingPlot() {
    }

    public static void writeSvg(RunRecord run, Path file) throws IOException {
        Svg.write(chart(run), WIDTH, HEIGHT, file);
    }

    /** Taller for more than two runs, so that their legends leave the lines room. */
    public static void writeComparisonSvg(String title, List<Labelled> runs, Path file) throws IOException {
        Svg.write(compare(title, runs), WIDTH, HEIGHT + 60 * Math.max(0, runs.size() - 2), file);
    }

    // tag::chart[]
    /** One run: loss above, accuracies below, d2l's colours. */
    static JFreeChart chart(RunRecord run) {
        XYSeriesCollection loss = new XYSeriesCollection(series(METRICS.get(0).name(), run, METRICS.get(0).value()));
        List<Metric> lossStyles = new ArrayList<>(List.of(METRICS.get(0)));
        if (!run.checkPoints().isEmpty()) {
            loss.addSeries(checkPoints(EVERY_CHECK_POINT, run));
            lossStyles.add(new Metric(EVERY_CHECK_POINT, EpochMetrics::loss, lighter(METRICS.get(0).colour()), null, true));
        }
        XYSeriesCollection accuracy = new XYSeriesCollection();
        accuracy.addSeries(series(METRICS.get(1).name(), run, METRICS.get(1).value()));
        accuracy.addSeries(series(METRICS.get(2).name(), run, METRICS.get(2).value()));
        XYPlot lossPanel = panel(loss, "training loss", lossRange(loss), lossStyles);
        XYPlot accuracyPanel = panel(accuracy, "accuracy", 1.0, List.of(METRICS.get(1), METRICS.get(2)));
        return assemble(configuration(run), run.device() + " · " + summary(run), List.of(run), lossPanel, accuracyPanel);
    }
    // end::chart[]

    /** Several runs on the same two panels, each run in its own colour: train acc dashed, test acc solid. */
    static JFreeChart compare(String title, List<Labelled> runs) {
        XYSeriesCollection loss = new XYSeriesCollection(), accuracy = new XYSeriesCollection();
        List<Metric> lossStyles = new ArrayList<>(), accuracyStyles = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Labelled l = runs.get(i);
            Color colour = RUN_COLOURS.get(i % RUN_COLOURS.size());
            loss.addSeries(series(l.label() + ": train loss", l.run(), EpochMetrics::loss));
            lossStyles.add(new Metric(l.label(), EpochMetrics::loss, colour, null));
            if (!l.run().checkPoints().isEmpty()) {
                loss.addSeries(checkPoints(l.label() + ": every check point", l.run()));
                lossStyles.add(new Metric(l.label(), EpochMetrics::loss, lighter(colour), null, true));
            }
            accuracy.addSeries(series(l.label() + ": test acc", l.run(), EpochMetrics::testAcc));
            accuracyStyles.add(new Metric(l.label(), EpochMetrics::testAcc, colour, null));
            if (runs.size() <= 3) {  // more runs: test accuracy alone, or the legend hides the lines
                accuracy.addSeries(series(l.label() + ": train acc", l.run(), EpochMetrics::trainAcc));
                accuracyStyles.add(new Metric(l.label(), EpochMetrics::trainAcc, colour, DASHED));
            }
        }
        // many runs make wide legends that would hide lines wherever they sit: each panel gets an empty band above
        // its lines, as tall as its legend, and the legend sits there
        XYPlot lossPanel = panel(loss, "training loss", lossRange(loss) * (1 + LEGEND_ROW * rows(loss)), lossStyles, true);
        XYPlot accuracyPanel = panel(accuracy, runs.size() <= 3 ? "accuracy (solid: test, dashed: train)" : "test accuracy",
                1.0 + LEGEND_ROW * rows(accuracy), accuracyStyles, true);
        return assemble(title, "", runs.stream().map(Labelled::run).toList(), lossPanel, accuracyPanel);
    }

    private static XYSeries series(String name, RunRecord run, ToDoubleFunction<EpochMetrics> value) {
        XYSeries series = new XYSeries(name);
        for (EpochMetrics epoch : run.epochs())
            if (Double.isFinite(value.applyAsDouble(epoch))) // a diverged loss is left out, not drawn off the chart
                series.add(epoch.epoch(), value.applyAsDouble(epoch));
        return series;
    }

    /** The check points' losses at their place in the run: step s of S in epoch e is at e − 1 + s/S. */
    private static XYSeries checkPoints(String name, RunRecord run) {
        XYSeries series = new XYSeries(name);
        for (RunRecord.CheckPoint c : run.checkPoints())
            if (Double.isFinite(c.loss())) series.add(c.epoch() - 1 + (double) c.step() / c.steps(), c.loss());
        return series;
    }

    private static Color lighter(Color c) {
        return new Color((c.getRed() + 255) / 2, (c.getGreen() + 255) / 2, (c.getBlue() + 255) / 2);
    }

    /** The share of a panel's height one legend row takes, with the legend's padding spread over the rows. */
    private static final double LEGEND_ROW = 0.1;

    /** Rows of a comparison's legend: entries of two or three runs' labels fit about two to a row. */
    private static int rows(XYSeriesCollection lines) {
        return (lines.getSeriesCount() + 1) / 2;
    }

    private static double lossRange(XYSeriesCollection loss) {
        return Math.max(HealthCheck.CHANCE_LOSS, loss.getSeriesCount() == 0 ? 0 : loss.getRangeUpperBound(false)) * 1.08;
    }

    private static XYPlot panel(XYSeriesCollection lines, String axisLabel, double upper, List<Metric> styles) {
        return panel(lines, axisLabel, upper, styles, false);
    }

    /** @param legendOnTop the legend in the band above the lines (the range leaves it room); no ticks above 1 for accuracy */
    private static XYPlot panel(XYSeriesCollection lines, String axisLabel, double upper, List<Metric> styles, boolean legendOnTop) {
        NumberAxis values = new NumberAxis(axisLabel);
        values.setRange(0, upper);
        if (legendOnTop && !axisLabel.startsWith("training loss")) values.setNumberFormatOverride(new java.text.DecimalFormat("0.0") {
            @Override
            public StringBuffer format(double number, StringBuffer to, java.text.FieldPosition at) {
                return number > 1.0001 ? to : super.format(number, to, at);  // an accuracy has no ticks above 1
            }
        });
        values.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setDrawSeriesLineAsPath(true); // one <path> per line in the SVG
        for (int s = 0; s < styles.size(); s++) {
            Metric style = styles.get(s);
            renderer.setSeriesPaint(s, style.colour());
            renderer.setSeriesStroke(s, new BasicStroke(style.thin() ? 1f : 2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, style.dash(), 0f));
            if (style.thin()) renderer.setSeriesShapesVisible(s, false);
        }
        XYPlot plot = new XYPlot(lines, null, values, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (axisLabel.startsWith("training loss")) plot.addRangeMarker(marker(HealthCheck.CHANCE_LOSS, "ln 10 = 2.303: ten equal scores"));
        else plot.addRangeMarker(marker(0.1, "0.1: chance"));
        LegendTitle legend = new LegendTitle(plot);
        legend.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        legend.setBackgroundPaint(new Color(255, 255, 255, 220));
        legend.setFrame(new BlockBorder(Color.LIGHT_GRAY));
        legend.setMargin(new RectangleInsets(4, 4, 4, 4));
        // inside the panel, in the corner the lines leave free: a loss starts high (ln 10 and above) and an
        // accuracy low, so the low corner of the loss panel and the high corner of the accuracy panel stay empty
        boolean loss = axisLabel.startsWith("training loss");
        if (legendOnTop) plot.addAnnotation(new XYTitleAnnotation(0.01, 0.99, legend, RectangleAnchor.TOP_LEFT));
        else plot.addAnnotation(new XYTitleAnnotation(0.01, loss ? 0.03 : 0.97, legend,
                loss ? RectangleAnchor.BOTTOM_LEFT : RectangleAnchor.TOP_LEFT));
        return plot;
    }

    private static ValueMarker marker(double at, String label) {
        ValueMarker marker = new ValueMarker(at, Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{2, 3}, 0f));
        marker.setLabel(label);
        marker.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        marker.setLabelPaint(Color.DARK_GRAY);
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 0));
        marker.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);
        marker.setLabelTextAnchor(TextAnchor.TOP_LEFT);
        return marker;
    }

    private static JFreeChart assemble(String title, String subtitle, List<RunRecord> runs, XYPlot top, XYPlot bottom) {
        int last = runs.stream().mapToInt(r -> r.epochs().isEmpty() ? 1 : r.epochs().getLast().epoch()).max().orElse(1);
        boolean withCheckPoints = runs.stream().anyMatch(r -> !r.checkPoints().isEmpty());
        NumberAxis epochs = new NumberAxis("epoch");
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochs.setRange(withCheckPoints ? 0 : 0.5, Math.max(1.5, last + (withCheckPoints ? 0.1 : 0.5)));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
        plot.setGap(14);
        plot.add(top, 1);
        plot.add(bottom, 1);
        JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 13), plot, false);
        if (!subtitle.isBlank()) chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** "NiN · lr 0.05 · Kaiming init · resize 72 · batch 64 · 2 epochs · 30,000 examples": what the run was. */
    static String configuration(RunRecord run) {
        Map<String, Object> c = run.config();
        List<String> parts = new ArrayList<>();
        parts.add(String.valueOf(c.getOrDefault("network", "NiN")));
        Double lr = ResultTables.lr(run);
        if (lr != null) parts.add("lr " + ResultTables.lrText(lr));
        for (String o : VariantRuns.optimizer(c).split(", ")) if (!o.isEmpty()) parts.add(o);  // momentum, schedule, clipping
        Object init = c.get("init");
        parts.add(init == null ? "Xavier init" : capitalised(String.valueOf(init)) + " init"); // records before --init were Xavier
        if (c.get("resize") != null) parts.add("resize " + c.get("resize"));
        if (c.get("batchSize") != null) parts.add("batch " + c.get("batchSize"));
        if (c.get("epochs") != null) parts.add(plural(((Number) c.get("epochs")).intValue(), "epoch"));
        parts.add(c.get("limit") instanceof Number n && n.longValue() > 0
                ? String.format(Locale.ROOT, "%,d examples", n.longValue()) : "all 60,000 examples");
        return String.join(" · ", parts);
    }

    static String plural(int n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
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
