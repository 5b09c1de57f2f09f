package dev.nin.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nin.book.Chapters;
import dev.nin.train.record.RunRecords;
import dev.nin.train.record.SavedTensorsRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PyTorch rule of {@link BackwardMemory} against what PyTorch's autograd really saved. */
@Tag(Chapters.EXERCISES)
class TorchSavedTensorsTest {

    static final Path RECORD = Path.of("docs/results/memory/torch-saved-tensors-b128-r224.json");
    static final Path SCRIPT = Path.of("scripts/torch_saved_tensors.py");
    static final Path PYTHON = Path.of("/usr/bin/python3");

    // tag::record[]
    @Test
    void theCommittedMeasurementAtTheChaptersConfigurationIsTheModelsCountToTheByte() throws IOException {
        SavedTensorsRecord measured = RunRecords.read(RECORD, SavedTensorsRecord.class);
        Shape input = Shape.of(measured.batchSize(), 1, measured.resize(), measured.resize());
        var model = BackwardMemory.pytorch(Nin.spec(measured.resize()), input);
        assertThat(measured.savedActivationBytes()).isEqualTo(BackwardMemory.bytes(model));
        assertThat(measured.savedActivationArrays()).isEqualTo(model.size());
        assertThat(measured.parameterBytes()).isEqualTo(ParameterCount.of(Nin.spec()) * MemoryCost.BYTES_PER_FLOAT);
    }
    // end::record[]

    /** Measured now, when PyTorch is installed: a small batch and another resize, so the model is not fitted to one record. */
    @Test
    void pyTorchSavesWhatTheModelCountsAtAnotherBatchAndResize(@TempDir Path dir) throws Exception {
        assumeTrue(torchInstalled(), "PyTorch is not installed for /usr/bin/python3 (apt-get install python3-torch)");
        Path out = dir.resolve("saved.json");
        Process p = new ProcessBuilder(PYTHON.toString(), SCRIPT.toString(), "--batch-size", "3", "--resize", "96", "--threads", "1",
                "--out", out.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the script finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("log.txt"))).isZero();
        SavedTensorsRecord measured = RunRecords.read(out, SavedTensorsRecord.class);
        assertThat(measured.savedActivationBytes())
                .isEqualTo(BackwardMemory.bytes(BackwardMemory.pytorch(Nin.spec(96), Shape.of(3, 1, 96, 96))));
    }

    static boolean torchInstalled() {
        if (!Files.isExecutable(PYTHON)) return false;
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
