package dev.nin.train.record;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Run and bench records survive a trip through their JSON files, and a broken file is named. */
@Tag("records")
class RunRecordsTest {

    @TempDir
    Path dir;

    static RunRecord sampleRun(String outcome, double lastLoss) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("resize", 96);
        config.put("lr", 0.1);
        config.put("batchSize", 128);
        config.put("seed", 1);
        config.put("limit", "none");
        List<EpochMetrics> epochs = List.of(
                new EpochMetrics(1, 2.1, 0.21, 0.42, 30.5, 210.0),
                new EpochMetrics(2, 1.2, 0.55, 0.63, 29.5, 215.5),
                new EpochMetrics(3, lastLoss, 0.71, 0.74, 29.0, 219.25));
        return new RunRecord("train", config, "cpu", "AMD EPYC, 2 cores",
                Map.of("commit", "abc1234", "date", "2026-11-27T23:00:00Z"), epochs, 215.0, 1_500_000_000L,
                91.0, outcome, "3 epochs");
    }

    @Test
    void aRunRecordReadsBackEqualToWhatWasWritten() throws IOException {
        RunRecord run = sampleRun(RunRecord.COMPLETED, 0.8);
        Path file = dir.resolve("runs/run.json");

        RunRecords.write(run, file);

        assertThat(RunRecords.read(file)).isEqualTo(run);
    }

    @Test
    void theJsonIsPrettyAndNamesItsFields() throws IOException {
        Path file = dir.resolve("run.json");
        RunRecords.write(sampleRun(RunRecord.COMPLETED, 0.8), file);

        String json = Files.readString(file);

        assertThat(json).contains("\n  \"outcome\" : \"completed\"", "\"trainAcc\" : 0.71", "\"resize\" : 96");
        assertThat(json.lines().count()).isGreaterThan(20);
    }

    @Test
    void aDivergedRunKeepsItsNaNLoss() throws IOException {
        RunRecord run = sampleRun(RunRecord.DIVERGED, Double.NaN);
        Path file = dir.resolve("diverged.json");

        RunRecords.write(run, file);

        RunRecord back = RunRecords.read(file);
        assertThat(back.outcome()).isEqualTo("diverged");
        assertThat(back.lastEpoch().loss()).isNaN();
    }

    @Test
    void rewritingReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("run.json");
        RunRecords.write(sampleRun(RunRecord.INTERRUPTED, 0.9), file);

        RunRecords.write(sampleRun(RunRecord.COMPLETED, 0.8), file);

        assertThat(RunRecords.read(file).outcome()).isEqualTo("completed");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aWriteThatFailsHalfwayLeavesThePreviousRecordIntact() throws IOException {
        Path file = dir.resolve("run.json");
        RunRecord good = sampleRun(RunRecord.COMPLETED, 0.8);
        RunRecords.write(good, file);
        Map<String, Object> unserialisable = new LinkedHashMap<>(good.config());
        unserialisable.put("zz", new Object()); // Jackson fails on it after writing the other fields
        RunRecord bad = new RunRecord("train", unserialisable, "cpu", "x", Map.of(), good.epochs(), 1, 1, 1,
                RunRecord.COMPLETED, "");

        assertThatThrownBy(() -> RunRecords.write(bad, file)).isInstanceOf(IOException.class);

        assertThat(RunRecords.read(file)).isEqualTo(good);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void aTruncatedFileIsNamedWithWhereItBreaks() throws IOException {
        Path file = dir.resolve("run.json");
        RunRecords.write(sampleRun(RunRecord.COMPLETED, 0.8), file);
        String json = Files.readString(file);
        Files.writeString(file, json.substring(0, json.length() / 2));

        assertThatThrownBy(() -> RunRecords.read(file))
                .isInstanceOf(RecordFileException.class)
                .hasMessageStartingWith(file + ": not a valid RunRecord")
                .hasMessageContaining("line");
    }

    @Test
    void anUnknownOutcomeIsNamed() throws IOException {
        Path file = dir.resolve("run.json");
        RunRecords.write(sampleRun(RunRecord.COMPLETED, 0.8), file);
        Files.writeString(file, Files.readString(file).replace("\"completed\"", "\"exploded\""));

        assertThatThrownBy(() -> RunRecords.read(file))
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("outcome must be one of")
                .hasMessageContaining("exploded");
    }

    @Test
    void aMissingFileIsNamed() {
        Path file = dir.resolve("nothing.json");

        assertThatThrownBy(() -> RunRecords.read(file)).hasMessage(file + ": missing (no such file)");
    }

    @Test
    void aBenchRecordCarriesBothMeasurementsAndTheirRatios() throws IOException {
        BenchRecord bench = new BenchRecord("bench", "cpu", "AMD EPYC, 2 cores", 96, 128,
                new BenchRecord.Measurement("nin cpu", 150, 600, 2_000_000_000L),
                new BenchRecord.Measurement("PyTorch 1.13.0a0, 2 threads", 200, 500, 1_000_000_000L),
                Map.of("commit", "abc1234"), "2026-11-27T23:00:00Z");
        Path file = dir.resolve("bench.json");

        RunRecords.write(bench, file);

        BenchRecord back = RunRecords.readBench(file);
        assertThat(back).isEqualTo(bench);
        assertThat(back.trainRatio()).isEqualTo(0.75);
        assertThat(back.inferenceRatio()).isEqualTo(1.2);
        assertThat(back.memoryRatio()).isEqualTo(2.0);
        assertThat(Files.readString(file)).contains("\"trainRatio\" : 0.75", "\"memoryRatio\" : 2.0");
    }

    @Test
    void roundsGiveMediansAndTheMedianOfTheRoundsRatiosAndSurviveTheirFile() throws IOException {
        // the machine slows down in round 2, both sides alike: the paired ratios stay near 1.1
        List<BenchRecord.Round> rounds = List.of(
                new BenchRecord.Round(new BenchRecord.Measurement("nin cpu", 110, 300, 5), new BenchRecord.Measurement("PyTorch", 100, 400, 7)),
                new BenchRecord.Round(new BenchRecord.Measurement("nin cpu", 55, 150, 6), new BenchRecord.Measurement("PyTorch", 50, 200, 7)),
                new BenchRecord.Round(new BenchRecord.Measurement("nin cpu", 120, 320, 5), new BenchRecord.Measurement("PyTorch", 100, 400, 8)));
        BenchRecord bench = BenchRecord.of("cpu", "AMD EPYC, 2 cores", 72, 64, rounds.getFirst().ours()).withRounds(rounds);

        assertThat(bench.ours().trainImagesPerSecond()).isEqualTo(110);  // medians of each figure
        assertThat(bench.reference().inferenceImagesPerSecond()).isEqualTo(400);
        assertThat(bench.ours().peakMemoryBytes()).isEqualTo(5);  // ours: the first round's, before later rounds add to the process
        assertThat(bench.reference().peakMemoryBytes()).isEqualTo(7);  // PyTorch's: a new process each round, the median
        assertThat(bench.trainRatio()).isEqualTo(1.1, org.assertj.core.api.Assertions.within(1e-12));  // median of 1.1, 1.1, 1.2
        assertThat(bench.inferenceRatio()).isEqualTo(0.75, org.assertj.core.api.Assertions.within(1e-12));
        Path file = dir.resolve("bench.json");
        RunRecords.write(bench, file);
        assertThat(RunRecords.readBench(file)).isEqualTo(bench);
    }

    @Test
    void aBenchRecordWithoutPyTorchHasNoRatios() throws IOException {
        BenchRecord bench = BenchRecord.of("reference", "plain Java", 96, 8,
                new BenchRecord.Measurement("nin reference", 1, 2, 3)).withBackendProvenance(java.util.Map.of("convolutions", "oneDNN 2.6.3"));
        Path file = dir.resolve("bench.json");

        RunRecords.write(bench, file);

        BenchRecord back = RunRecords.readBench(file);
        assertThat(back.reference()).isNull();
        assertThat(back.trainRatio()).isNull();
        assertThat(back.date()).isEqualTo(back.provenance().get("date"));
        assertThat(back.provenance()).containsEntry("backend.convolutions", "oneDNN 2.6.3").containsKey("cpu");
    }

    @Test
    void theTorchScriptsOutputBecomesTheReferenceMeasurement() throws IOException {
        // the fields scripts/torch_bench.py prints (see its result dictionary)
        Path file = Files.writeString(dir.resolve("torch.json"), """
                {"framework": "pytorch", "version": "1.13.0a0", "threads": 2, "resize": 96, "batchSize": 128,
                 "trainImagesPerSecond": 210.5, "inferenceImagesPerSecond": 564.6, "peakMemoryBytes": 737554432}
                """);

        BenchRecord.Measurement torch = RunRecords.readTorchBench(file);

        assertThat(torch).isEqualTo(new BenchRecord.Measurement("PyTorch 1.13.0a0, 2 threads", 210.5, 564.6, 737554432L));
    }

    @Test
    void aTorchResultWithoutItsNumbersIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("torch.json"), "{\"framework\": \"pytorch\"}");

        assertThatThrownBy(() -> RunRecords.readTorchBench(file))
                .hasMessage(file + ": not a torch_bench.py result: no number \"trainImagesPerSecond\"");
    }
}
