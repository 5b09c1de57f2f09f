package dev.nin.book;

import dev.nin.train.record.BenchRecord;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Ours against PyTorch on the same machine: images per second for a training step and for inference,
 * one pair of bars per (resize, batch size) measured, with the ratios underneath.
 */
public final class BenchmarkPlot {

    static final String OURS = "ours", PYTORCH = "PyTorch";
    static final Color OURS_COLOUR = new Color(0x1f, 0x77, 0xb4), PYTORCH_COLOUR = new Color(0xff, 0x7f, 0x0e);

    private BenchmarkPlot() {
    }

    public static void writeSvg(List<BenchRecord> benches, Path file) throws IOException {
        Svg.write(chart(benches), Math.max(480, 120 + 220 * benches.size()), 440, file);
    }

    /**
     * Every size measured against PyTorch in one picture: ours / PyTorch for training speed, inference speed and peak
     * memory, one group of bars per (resize, batch size), and a line at 1 (above it for speed: ours faster; below it
     * for memory: ours smaller). Ratios, because the sizes' images/s differ fortyfold.
     */
    public static void writeRatioSvg(List<BenchRecord> benches, Path file) throws IOException {
        List<BenchRecord> measured = benches.stream().filter(b -> b.reference() != null).toList();
        if (measured.isEmpty()) throw new IllegalArgumentException("no bench record with a PyTorch measurement to plot");
        DefaultCategoryDataset bars = new DefaultCategoryDataset();
        for (BenchRecord b : measured) {
            String size = b.resize() + "², batch " + b.batchSize();
            bars.addValue(b.trainRatio(), "training speed", size);
            bars.addValue(b.inferenceRatio(), "inference speed", size);
            bars.addValue(b.memoryRatio(), "peak memory", size);
        }
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, OURS_COLOUR);
        renderer.setSeriesPaint(1, new Color(0x2c, 0xa0, 0x2c));
        renderer.setSeriesPaint(2, Color.GRAY);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00")));
        renderer.setDefaultItemLabelsVisible(true);
        CategoryPlot plot = new CategoryPlot(bars, new CategoryAxis("input size, batch"), new NumberAxis("ours / PyTorch"), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        org.jfree.chart.plot.ValueMarker one = new org.jfree.chart.plot.ValueMarker(1.0);
        one.setPaint(Color.BLACK);
        one.setStroke(new java.awt.BasicStroke(1.5f));
        plot.addRangeMarker(one);
        BenchRecord first = measured.getFirst();
        JFreeChart chart = new JFreeChart("NiN on " + first.device() + ": ours / PyTorch", new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.addSubtitle(new TextTitle("speed: above 1 is faster than PyTorch; memory: below 1 is less than PyTorch's",
                new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        chart.setBackgroundPaint(Color.WHITE);
        Svg.write(chart, Math.max(560, 140 + 130 * measured.size()), 440, file);
    }

    public static void writeSvg(BenchRecord bench, Path file) throws IOException {
        writeSvg(List.of(bench), file);
    }

    static JFreeChart chart(List<BenchRecord> benches) {
        if (benches.isEmpty()) throw new IllegalArgumentException("no bench records to plot");
        DefaultCategoryDataset bars = new DefaultCategoryDataset();
        for (BenchRecord b : benches) {
            String size = " " + b.resize() + "², batch " + b.batchSize();
            bars.addValue(b.ours().trainImagesPerSecond(), OURS, "train" + size);
            bars.addValue(b.ours().inferenceImagesPerSecond(), OURS, "inference" + size);
            if (b.reference() != null) {
                bars.addValue(b.reference().trainImagesPerSecond(), PYTORCH, "train" + size);
                bars.addValue(b.reference().inferenceImagesPerSecond(), PYTORCH, "inference" + size);
            }
        }
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter()); // flat bars, no gradient
        renderer.setShadowVisible(false);
        renderer.setSeriesPaint(0, OURS_COLOUR);
        renderer.setSeriesPaint(1, PYTORCH_COLOUR);
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0")));
        renderer.setDefaultItemLabelsVisible(true);
        CategoryAxis categories = new CategoryAxis();
        categories.setMaximumCategoryLabelLines(2); // "train 96²," above "batch 128"
        CategoryPlot plot = new CategoryPlot(bars, categories, new NumberAxis("images / s"), renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);

        BenchRecord first = benches.getFirst();
        JFreeChart chart = new JFreeChart("NiN speed: " + first.backend() + " vs PyTorch (" + first.device() + ")",
                new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.addSubtitle(new TextTitle("ours / PyTorch", new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        for (String line : ratios(benches))
            chart.addSubtitle(new TextTitle(line, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** One line per record, "96²: train 0.62×, inference 1.05×, memory 1.80×" (ours / PyTorch), or why there is none. */
    static List<String> ratios(List<BenchRecord> benches) {
        List<String> parts = new ArrayList<>();
        for (BenchRecord b : benches)
            parts.add(b.reference() == null ? b.resize() + "²: no PyTorch measurement"
                    : String.format(Locale.ROOT, "%d²: train %.2f×, inference %.2f×, memory %.2f×",
                    b.resize(), b.trainRatio(), b.inferenceRatio(), b.memoryRatio()));
        return parts;
    }
}
