package dev.nin.train.record;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** torch_nin.py's JSON reads as run records, NaN included, and its runs get an outcome from their numbers. */
@Tag("records")
class TorchNinResultsTest {

    @TempDir
    Path dir;

    @Test
    void aDivergedRunWithPythonsBareNanReadsAsDiverged() throws IOException {
        Path file = dir.resolve("torch.json");
        Files.writeString(file, """
                {"device": "NVIDIA H100 80GB HBM3", "torch": "2.5.1", "cudnn": 90100, "lr": 0.3, "batch_size": 128,
                 "resize": 224, "amp": true, "runs": [{"seed": 7, "epochs": [
                   {"epoch": 1, "loss": 1.9, "train_acc": 0.3, "test_acc": 0.4, "epoch_s": 8.0},
                   {"epoch": 2, "loss": NaN, "train_acc": 0.1, "test_acc": 0.1, "epoch_s": 8.0}],
                  "examples_per_s": 7500.0, "peak_mem_mib": 1024.0}]}
                """);

        List<RunRecord> runs = TorchNinResults.read(file);

        assertThat(runs).hasSize(1);
        RunRecord run = runs.getFirst();
        assertThat(run.outcome()).isEqualTo(RunRecord.DIVERGED);
        assertThat(run.lastEpoch().loss()).isNaN();
        assertThat(run.config()).containsEntry("lr", 0.3).containsEntry("seed", 7).containsEntry("amp", true);
        assertThat(run.peakMemoryBytes()).isEqualTo(1024L * 1024 * 1024);
        // 7500/s over 16 s in 2 epochs = 60,000 examples an epoch; each 8 s epoch ran at 7,500/s (exact in binary)
        assertThat(run.epochs()).allSatisfy(e -> assertThat(e.examplesPerSecond()).isCloseTo(7500.0, within(1e-9)));
    }

    @Test
    void aRunWrittenBeforeItsLastEpochReadsAsInterruptedWithTheLibrariesItLoaded() throws IOException {
        Path file = dir.resolve("torch-partial.json");
        Files.writeString(file, """
                {"device": "NVIDIA H200", "torch": "2.11.0+cu130", "cudnn": 91900, "lr": 0.1, "batch_size": 128,
                 "resize": 224, "amp": false, "epochs": 10, "complete": false,
                 "libraries": ["/opt/torch/nvidia/cudnn/lib/libcudnn.so.9", "/usr/lib/x86_64-linux-gnu/libcuda.so.580.1"],
                 "runs": [{"seed": 1, "epochs": [
                   {"epoch": 1, "loss": 1.9, "train_acc": 0.3, "test_acc": 0.4, "epoch_s": 4.0}],
                  "examples_per_s": 15000.0, "peak_mem_mib": 1422.0, "complete": false}]}
                """);

        RunRecord run = TorchNinResults.read(file).getFirst();

        assertThat(run.outcome()).isEqualTo(RunRecord.INTERRUPTED);
        assertThat(run.message()).isEqualTo("stopped after 1 of 10 epochs (torch_nin.py's --budget or the call's time limit)");
        assertThat(run.provenance()).containsEntry("libraries.loaded",
                "/opt/torch/nvidia/cudnn/lib/libcudnn.so.9, /usr/lib/x86_64-linux-gnu/libcuda.so.580.1");
    }

    @Test
    void aRunStuckAtChanceIsDeadAndOneThatLearnedCompleted() {
        EpochMetrics stuck = new EpochMetrics(10, 2.3026, 0.1, 0.1, 60, 1000);
        EpochMetrics learned = new EpochMetrics(10, 0.336, 0.874, 0.871, 60, 1000);

        assertThat(TorchNinResults.outcome(List.of(stuck))[0]).isEqualTo(RunRecord.DEAD);
        assertThat(TorchNinResults.outcome(List.of(learned))[0]).isEqualTo(RunRecord.COMPLETED);
        assertThat(TorchNinResults.outcome(List.of())[0]).isEqualTo(RunRecord.INTERRUPTED);
    }

    @Test
    void aFileOfAnotherShapeIsNamedInTheError() throws IOException {
        Path file = dir.resolve("other.json");
        Files.writeString(file, "{\"framework\": \"pytorch\"}");

        assertThatThrownBy(() -> TorchNinResults.read(file))
                .isInstanceOf(RecordFileException.class).hasMessageContaining("other.json").hasMessageContaining("torch_nin.py");
    }
}
