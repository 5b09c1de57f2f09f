package dev.nin.book;

import dev.nin.train.HealthCheck;
import dev.nin.train.record.StudyRecord;
import dev.nin.train.record.StudyRecord.LossPoint;
import dev.nin.train.record.StudyRecord.StudyRun;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
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

/**
 * The dead-run study as one picture: every run's training loss against its steps, one colour per learning
 * rate, solid for NiN and dashed for NiN without its final ReLU. A dead run is a flat line at ln 10 that
 * stops where the health check declared it dead.
 */
public final class StudyPlot {

    static final int WIDTH = 640, HEIGHT = 420;
    private static final Color[] COLOURS = {new Color(0x1f, 0x77, 0xb4), new Color(0x2c, 0xa0, 0x2c),
            new Color(0xff, 0x7f, 0x0e), new Color(0xd6, 0x27, 0x28), new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b)};

    private StudyPlot() {
    }

    public static void writeSvg(StudyRecord study, Path file) throws IOException {
        Svg.write(chart(study), WIDTH, HEIGHT, file);
    }

    /** The second picture: for each run of the first network, its class channels still positive after its last step, against lr. */
    public static void writeChannelsSvg(StudyRecord study, Path file) throws IOException {
        Svg.write(channels(study), WIDTH, HEIGHT * 3 / 4, file);
    }

    static JFreeChart channels(StudyRecord study) {
        String network = study.runs().getFirst().network();
        XYSeriesCollection points = new XYSeriesCollection();
        for (long seed : study.runs().stream().map(StudyRun::seed).distinct().toList()) {
            XYSeries series = new XYSeries("seed " + seed);
            for (StudyRun run : study.runs())
                if (run.network().equals(network) && run.seed() == seed && !run.activity().isEmpty())
                    series.add(run.lr(), run.activity().getLast().perChannel().stream().filter(f -> f > 0).count());
            points.addSeries(series);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int s = 0; s < points.getSeriesCount(); s++) renderer.setSeriesPaint(s, COLOURS[s % COLOURS.length]);
        NumberAxis lr = new NumberAxis("learning rate");
        NumberAxis alive = new NumberAxis("class channels with a positive output");
        alive.setRange(-0.5, 10.5);
        alive.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        XYPlot plot = new XYPlot(points, lr, alive, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(network + ": class channels alive after the last step",
                new Font(Font.SANS_SERIF, Font.BOLD, 14), plot, true);
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    static JFreeChart chart(StudyRecord study) {
        List<Double> lrs = study.runs().stream().map(StudyRun::lr).distinct().sorted().toList();
        List<String> networks = study.runs().stream().map(StudyRun::network).distinct().toList();
        XYSeriesCollection lines = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setDrawSeriesLineAsPath(true);
        for (StudyRun run : study.runs()) {
            XYSeries series = new XYSeries(run.network() + ", lr " + run.lr() + ", seed " + run.seed());
            for (LossPoint p : run.loss()) if (Double.isFinite(p.loss())) series.add(p.step(), p.loss());
            int s = lines.getSeriesCount();
            lines.addSeries(series);
            renderer.setSeriesPaint(s, COLOURS[lrs.indexOf(run.lr()) % COLOURS.length]);
            float[] dash = networks.indexOf(run.network()) == 0 ? null : new float[]{6, 4};
            renderer.setSeriesStroke(s, new BasicStroke(1.6f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, dash, 0f));
            renderer.setSeriesVisibleInLegend(s, false);  // the subtitle explains colours and dashes
        }
        NumberAxis steps = new NumberAxis("step");
        NumberAxis loss = new NumberAxis("training loss");
        loss.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(lines, steps, loss, renderer);
        ValueMarker chance = new ValueMarker(HealthCheck.CHANCE_LOSS, Color.GRAY, new BasicStroke(1f));  // where a dead run sits
        chance.setLabel("ln 10");
        chance.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        chance.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        plot.addRangeMarker(chance);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Dead-run study on " + study.backend() + " (" + study.device() + ")",
                new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < lrs.size(); i++) key.append(i == 0 ? "" : ", ").append(colourName(i)).append(" lr ").append(lrs.get(i));
        chart.addSubtitle(new TextTitle(key + "; solid " + networks.getFirst()
                + (networks.size() > 1 ? ", dashed " + networks.get(1) : ""), new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.getSubtitle(0).setPosition(RectangleEdge.BOTTOM);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static String colourName(int i) {
        return List.of("blue", "green", "orange", "red", "purple", "brown").get(i % COLOURS.length);
    }
}
