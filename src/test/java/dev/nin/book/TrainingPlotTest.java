package dev.nin.book;

import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The training plot is a well-formed SVG with one line per metric and the run's final numbers. */
@Tag("records")
class TrainingPlotTest {

    @TempDir
    Path dir;

    static RunRecord run(String outcome, double... losses) {
        List<EpochMetrics> epochs = new ArrayList<>();
        for (int e = 0; e < losses.length; e++)
            epochs.add(new EpochMetrics(e + 1, losses[e], 0.5 + 0.04 * e, 0.55 + 0.035 * e, 30, 200 + e));
        return new RunRecord("train", Map.of("resize", 96, "lr", 0.1, "batchSize", 64, "epochs", losses.length, "limit", 30_000), "cpu", "AMD EPYC, 2 cores", Map.of(), epochs,
                203.5, 1L << 30, 300, outcome, outcome.equals(RunRecord.COMPLETED) ? "" : "loss became NaN");
    }

    static Document parse(Path svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(svg.toFile());
    }

    /**
     * The metrics drawn as a line through {@code points} points: JFreeSVG writes each series as one
     * {@code <path d="M…L…L…">} inside a {@code <g>} whose style holds the series' stroke colour.
     */
    static List<String> linesThrough(Document svg, int points) { // points > 2: the legend's samples are 2-point lines
        List<String> lines = new ArrayList<>();
        NodeList paths = svg.getElementsByTagNameNS("*", "path");
        for (int i = 0; i < paths.getLength(); i++) {
            Element path = (Element) paths.item(i);
            String d = path.getAttribute("d");
            if (!d.startsWith("M") || d.chars().filter(c -> c == 'L').count() != points - 1 || d.contains("Z")) continue;
            String style = path.getAttribute("style") + ((Element) path.getParentNode()).getAttribute("style");
            for (TrainingPlot.Metric m : TrainingPlot.METRICS)
                if (style.contains("stroke:" + rgb(m))) lines.add(m.name());
        }
        return lines;
    }

    static String rgb(TrainingPlot.Metric m) {
        return String.format(Locale.ROOT, "rgb(%d,%d,%d)", m.colour().getRed(), m.colour().getGreen(), m.colour().getBlue());
    }

    static String allText(Document svg) {
        return svg.getDocumentElement().getTextContent();
    }

    @Test
    void theSvgHasOneLinePerMetricAndTheFinalNumbersInItsTitle() throws Exception {
        Path file = dir.resolve("plots/run.svg");

        TrainingPlot.writeSvg(run(RunRecord.COMPLETED, 2.1, 1.3, 0.9, 0.7, 0.6), file);

        Document svg = parse(file);
        assertThat(svg.getDocumentElement().getLocalName()).isEqualTo("svg");
        assertThat(linesThrough(svg, 5)).containsExactlyInAnyOrder("train loss", "train acc", "test acc");
        assertThat(allText(svg)).contains("train loss", "train acc", "test acc", "epoch", // the panels' rotated axis labels are drawn as outlines, not text
                "NiN · lr 0.1 · Xavier init · resize 96 · batch 64 · 5 epochs · 30,000 examples", "AMD EPYC, 2 cores",
                "loss 0.600, train acc 0.660, test acc 0.690", "203.5 examples/sec", "ln 10 = 2.303");
    }

    @Test
    void aDivergedRunSaysSoAndLeavesTheNaNOut() throws Exception {
        Path file = dir.resolve("diverged.svg");

        TrainingPlot.writeSvg(run(RunRecord.DIVERGED, 2.1, 1.3, 0.9, Double.NaN), file);

        Document svg = parse(file);
        assertThat(allText(svg)).contains("loss NaN, train acc 0.620", "diverged: loss became NaN");
        assertThat(linesThrough(svg, 4)).containsExactlyInAnyOrder("train acc", "test acc");
        assertThat(linesThrough(svg, 3)).containsExactly("train loss"); // the NaN epoch is left out
        NodeList paths = svg.getElementsByTagNameNS("*", "path");
        for (int i = 0; i < paths.getLength(); i++)
            assertThat(((Element) paths.item(i)).getAttribute("d")).doesNotContain("NaN").doesNotContain("Infinity");
    }

    @Test
    void aComparisonDrawsEachRunInItsOwnColourWithTheSharedConfigurationAsTitle() throws Exception {
        Path file = dir.resolve("compare.svg");

        TrainingPlot.writeComparisonSvg("NiN · resize 96", List.of(
                new TrainingPlot.Labelled("seed 0", run(RunRecord.COMPLETED, 2.1, 1.3, 0.9)),
                new TrainingPlot.Labelled("seed 1", run(RunRecord.COMPLETED, 2.3, 2.3, 2.3))), file);

        Document svg = parse(file);
        assertThat(allText(svg)).contains("NiN · resize 96", "seed 0: train loss", "seed 1: test acc", "seed 1: train acc");
        String text = java.nio.file.Files.readString(file);
        for (int i = 0; i < 2; i++) {
            java.awt.Color c = TrainingPlot.RUN_COLOURS.get(i);
            assertThat(text).as("run %d's colour", i).contains(String.format(Locale.ROOT, "rgb(%d,%d,%d)", c.getRed(), c.getGreen(), c.getBlue()));
        }
    }

    @Test
    void aRecordWithCheckPointsDrawsTheLossAtEveryOneBetweenTheEpochMeans() throws Exception {
        RunRecord run = run(RunRecord.COMPLETED, 2.1, 1.3);
        List<RunRecord.CheckPoint> points = new ArrayList<>();
        for (int epoch = 1; epoch <= 2; epoch++)
            for (int step = 20; step <= 100; step += 20) points.add(new RunRecord.CheckPoint(epoch, step, 100, 3.0 - epoch - step / 200.0));
        run = new RunRecord(run.kind(), run.config(), run.backend(), run.device(), run.provenance(), run.epochs(),
                run.examplesPerSecond(), run.peakMemoryBytes(), run.wallSeconds(), run.outcome(), run.message(), points);
        Path file = dir.resolve("checkpoints.svg");

        TrainingPlot.writeSvg(run, file);

        Document svg = parse(file);
        assertThat(allText(svg)).contains(TrainingPlot.EVERY_CHECK_POINT);
        assertThat(linesThrough(svg, 2)).contains("train loss");   // the epoch means
        NodeList paths = svg.getElementsByTagNameNS("*", "path");
        long tenPointLines = 0;
        for (int i = 0; i < paths.getLength(); i++)
            if (((Element) paths.item(i)).getAttribute("d").chars().filter(c -> c == 'L').count() == 9) tenPointLines++;
        assertThat(tenPointLines).as("one line through the ten check points").isEqualTo(1);
    }

    @Test
    void aRunWithoutEpochsStillDraws() throws Exception {
        Path file = dir.resolve("empty.svg");

        TrainingPlot.writeSvg(run(RunRecord.INTERRUPTED), file);

        assertThat(allText(parse(file))).contains("no epoch finished");
    }
}
