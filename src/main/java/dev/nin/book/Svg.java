package dev.nin.book;

import dev.nin.train.record.AtomicFile;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Renders a chart into an SVG file (via JFreeSVG's Graphics2D), written atomically. */
final class Svg {

    static {
        // charts are drawn on build machines without a display
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    private Svg() {
    }

    static void write(JFreeChart chart, int width, int height, Path file) throws IOException {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        chart.draw(g2, new Rectangle2D.Double(0, 0, width, height));
        // no DOCTYPE: a reader parsing the file should not need to fetch the SVG DTD from w3.org
        String svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + g2.getSVGElement() + "\n";
        // whole or not at all, readable by others like the run record beside it
        AtomicFile.write(file, (out, channel) -> out.write(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
