package dev.nin.book;

import dev.nin.train.record.BenchRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The benchmark chart shows both implementations' bars and the ratios. */
@Tag("records")
class BenchmarkPlotTest {

    @TempDir
    Path dir;

    static BenchRecord bench(int resize, double oursTrain, double torchTrain) {
        return new BenchRecord("bench", "cpu", "AMD EPYC, 2 cores", resize, 128,
                new BenchRecord.Measurement("nin cpu", oursTrain, 500, 3_000_000_000L),
                new BenchRecord.Measurement("PyTorch 1.13.0a0, 2 threads", torchTrain, 400, 1_500_000_000L),
                Map.of(), "2026-11-27T23:00:00Z");
    }

    @Test
    void theChartNamesBothImplementationsAndTheRatios() throws Exception {
        Path file = dir.resolve("bench.svg");

        BenchmarkPlot.writeSvg(List.of(bench(96, 150, 200), bench(224, 20, 25)), file);

        Document svg = TrainingPlotTest.parse(file);
        assertThat(TrainingPlotTest.allText(svg)).contains("ours", "PyTorch", // the value axis' title is drawn rotated, as glyph outlines, not text
                "train 96²,", "inference 224²,", "batch 128",
                "96²: train 0.75×, inference 1.25×, memory 2.00×", "224²: train 0.80×",
                "150", "200"); // the bars' labels
    }

    @Test
    void theRatioChartShowsEverySizesThreeRatiosAndSkipsRecordsWithoutPyTorch() throws Exception {
        Path file = dir.resolve("ratios.svg");
        BenchRecord alone = new BenchRecord("bench", "cpu", "x", 72, 64,
                new BenchRecord.Measurement("nin cpu", 150, 500, 1), null, Map.of(), "2026-11-27T23:00:00Z");

        BenchmarkPlot.writeRatioSvg(List.of(bench(96, 150, 200), alone, bench(224, 30, 25)), file);

        String text = TrainingPlotTest.allText(TrainingPlotTest.parse(file));
        assertThat(text).contains("ours / PyTorch", "96², batch 128", "224², batch 128", "training speed", "inference speed", "peak memory",
                "0.75", "1.20", "1.25", "2.00").doesNotContain("72², batch 64");
        assertThatThrownBy(() -> BenchmarkPlot.writeRatioSvg(List.of(alone), dir.resolve("none.svg")))
                .hasMessage("no bench record with a PyTorch measurement to plot");
    }

    @Test
    void withoutPyTorchTheChartSaysSo() throws Exception {
        BenchRecord alone = new BenchRecord("bench", "cpu", "x", 96, 128,
                new BenchRecord.Measurement("nin cpu", 150, 500, 1), null, Map.of(), "2026-11-27T23:00:00Z");
        Path file = dir.resolve("alone.svg");

        BenchmarkPlot.writeSvg(alone, file);

        assertThat(TrainingPlotTest.allText(TrainingPlotTest.parse(file))).contains("96²: no PyTorch measurement");
    }

    @Test
    void nothingToPlotIsAnError() {
        assertThatThrownBy(() -> BenchmarkPlot.writeSvg(List.of(), dir.resolve("x.svg")))
                .hasMessage("no bench records to plot");
    }
}
