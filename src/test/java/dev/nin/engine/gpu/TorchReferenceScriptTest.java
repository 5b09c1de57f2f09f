package dev.nin.engine.gpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nin.book.Chapters;
import dev.nin.data.FashionMnist;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.TorchNinResults;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/torch_nin.py, PyTorch's reference in the GPU call, tried on this machine's CPU on a few examples: a run
 * stopped from outside keeps every epoch it finished, and its budget stops it before an epoch that would overrun.
 */
@Tag(Chapters.GPU)
class TorchReferenceScriptTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    /** A python3 with PyTorch (Debian's is /usr/bin/python3), or the test is skipped saying why. */
    private static String pythonWithTorch() throws InterruptedException {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return python;
            } catch (IOException e) {
                // not there: try the next
            }
        }
        Assumptions.abort("no python3 with PyTorch here (apt-get install python3-torch): torch_nin.py not tried");
        throw new AssertionError();
    }

    /** The chapter's network on a few examples at 72×72, so an epoch takes seconds on a CPU. */
    private Process start(Path out, int epochs, int budget) throws IOException, InterruptedException {
        Path data = FashionMnist.defaultDirectory();
        Assumptions.assumeTrue(Files.isDirectory(data), "no Fashion-MNIST at " + data);
        List<String> command = new ArrayList<>(List.of(pythonWithTorch(), "scripts/torch_nin.py", data.toString(), "--device", "cpu",
                "--resize", "72", "--batch-size", "32", "--limit", "64", "--test-limit", "32", "--epochs", Integer.toString(epochs),
                "--budget", Integer.toString(budget), "--out", out.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
    }

    // tag::partial[]
    @Test
    void aRunKilledFromOutsideKeepsEveryEpochItFinished() throws Exception {
        Path out = dir.resolve("torch.json");
        Process p = start(out, 1000, 100_000);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (epochsIn(out) < 2 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
            assertThat(epochsIn(out)).as(Files.readString(dir.resolve("log.txt"))).isGreaterThanOrEqualTo(2);
        } finally {
            p.destroyForcibly().waitFor();  // SIGKILL, as a device call that ran out of time
        }
        JsonNode json = JSON.readTree(out.toFile());  // whole, never half-written
        assertThat(json.get("complete").asBoolean()).isFalse();
        assertThat(json.get("runs").get(0).get("complete").asBoolean()).isFalse();
        RunRecord run = TorchNinResults.read(out).getFirst();
        assertThat(run.epochs().size()).isGreaterThanOrEqualTo(2);
        assertThat(run.outcome()).isEqualTo(RunRecord.INTERRUPTED);
    }
    // end::partial[]

    @Test
    void itsBudgetStopsItBeforeAnEpochThatWouldEndAfterTheBudget() throws Exception {
        Path out = dir.resolve("torch.json");
        Process p = start(out, 5, 0);  // a budget of 0 s: the first epoch always runs, and no other fits, however fast the machine
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(dir.resolve("log.txt"));
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("stopping after epoch 1: another would end after the budget of 0 s");
        RunRecord run = TorchNinResults.read(out).getFirst();
        assertThat(run.epochs()).hasSize(1);
        assertThat(run.outcome()).isEqualTo(RunRecord.INTERRUPTED);
        assertThat(Files.exists(Path.of(out + ".part"))).isFalse();
    }

    private static int epochsIn(Path file) {
        try {
            return JSON.readTree(file.toFile()).get("runs").get(0).get("epochs").size();
        } catch (IOException | RuntimeException e) {
            return 0;  // not written yet
        }
    }
}
