package dev.nin.cli;

import dev.nin.data.FashionMnist;
import dev.nin.data.Idx;
import dev.nin.data.IdxFiles;
import dev.nin.model.Nin;
import dev.nin.train.MemoryBudget;
import dev.nin.train.RunLock;
import dev.nin.train.Trainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static dev.nin.data.IdxFiles.gzip;
import static dev.nin.data.IdxFiles.images;
import static dev.nin.data.IdxFiles.labels;
import static dev.nin.data.IdxFiles.ramp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every failure a user can cause is one line on stderr, {@code nin <command>: <file or flag>: <problem>}, with a
 * non-zero exit status and no stack trace; and it comes before any work (no data loaded, no epoch trained).
 * The commands run in this JVM through {@link Main#run}, which returns the status instead of exiting.
 */
@Tag("training")
class UserErrorsTest {
    @TempDir
    Path tmp;
    Path data;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @BeforeEach
    void tinyFashionMnist() throws IOException {
        data = IdxFiles.fashionMnist(tmp.resolve("data"), 8, 4, 28);
        System.setProperty("nin.fashion-mnist.dir", data.toString());
    }

    @AfterEach
    void forgetIt() {
        System.clearProperty("nin.fashion-mnist.dir");
    }

    private int nin(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** One line, no Java stack trace nor exception class name. */
    private void assertOneLine(String command) {
        assertThat(err().lines()).as(err()).hasSize(1);
        assertThat(err()).startsWith("nin " + command + ": ").doesNotContain("\tat ").doesNotContain("Exception");
    }

    private String[] train(String... more) {
        String[] base = {"train", "--device", "reference", "--resize", "67", "--epochs", "1", "--limit", "4", "--batch-size", "4",
                "--out", tmp.resolve("run").toString()};
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    /** A way to break the tiny data set: the file it breaks, what it writes there, and words of the expected message. */
    record Breakage(String name, String file, Content content, String problem) {
        interface Content {
            void write(Path file) throws IOException;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> brokenFiles() {
        byte[] garbage = new byte[1000];
        new SplittableRandom(1).nextBytes(garbage);
        return Stream.of(
                new Breakage("wrong magic", FashionMnist.TRAIN_IMAGES, f -> Files.write(f, gzip(labels(Idx.LABELS_MAGIC, 8, ramp(8)))), "wrong magic number"),
                new Breakage("truncated", FashionMnist.TRAIN_IMAGES, f -> Files.write(f, gzip(images(Idx.IMAGES_MAGIC, 8, 28, 28, ramp(100)))), "truncated"),
                new Breakage("cut .gz", FashionMnist.TEST_IMAGES, f -> {
                    byte[] whole = gzip(images(Idx.IMAGES_MAGIC, 4, 28, 28, ramp(4 * 784)));
                    Files.write(f, Arrays.copyOf(whole, whole.length / 2));
                }, "truncated"),
                new Breakage("gzip of garbage", FashionMnist.TRAIN_LABELS, f -> Files.write(f, gzip(garbage)), "wrong magic number"),
                new Breakage("corrupt gzip", FashionMnist.TRAIN_LABELS, f -> {
                    byte[] whole = gzip(labels(Idx.LABELS_MAGIC, 8, ramp(8)));
                    whole[whole.length - 6] ^= 0x55;  // inside the CRC-32 of the trailer
                    Files.write(f, whole);
                }, "gzip"),
                new Breakage("label out of range", FashionMnist.TEST_LABELS, f -> Files.write(f, gzip(labels(Idx.LABELS_MAGIC, 4, new byte[]{0, 1, 12, 3}))), "label 12"),
                new Breakage("count mismatch", FashionMnist.TRAIN_LABELS, f -> Files.write(f, gzip(labels(Idx.LABELS_MAGIC, 7, ramp(7)))), "holds 7 labels"),
                new Breakage("a directory", FashionMnist.TEST_LABELS, f -> Files.createDirectory(f), "is a directory"),
                new Breakage("test images of another size", FashionMnist.TEST_IMAGES, f -> Files.write(f, gzip(images(Idx.IMAGES_MAGIC, 4, 32, 32, ramp(4 * 1024)))),
                        "32 × 32")
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void aBrokenDataFileIsOneLineNamingTheFile(Breakage breakage) throws Exception {
        Path file = data.resolve(breakage.file() + ".gz");
        Files.delete(file);
        breakage.content().write(file);

        assertThat(nin(train())).isEqualTo(Failures.BAD_INPUT);
        assertOneLine("train");
        assertThat(err()).contains(file.toString()).contains(breakage.problem());
        assertThat(tmp.resolve("run").resolve(Trainer.RECORD)).as("no epoch ran").doesNotExist();
    }

    @Test
    void aMomentumRunSaysSoAndResumesOnlyWithTheSameOptimizer() throws IOException {
        assertThat(nin(train("--lr", "0.05", "--schedule", "constant", "--momentum", "0.9", "--weight-decay", "5e-4"))).as(err()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("lr 0.05, momentum 0.9, weight decay 0.0005, gradient norm clipped at 5, batch 4");
        assertThat(dev.nin.train.Checkpoint.read(tmp.resolve("run").resolve(Trainer.CHECKPOINT)).velocities()).isNotEmpty();
        assertThat(nin(train("--epochs", "2", "--lr", "0.05", "--schedule", "constant", "--momentum", "0.5", "--weight-decay", "5e-4", "--resume")))
                .isEqualTo(Failures.BAD_INPUT);
        assertOneLine("train");
        assertThat(err()).contains("cannot resume").contains("momentum=0.9").contains("momentum=0.5");
    }

    @Test
    void theTinyDataSetItselfTrains() throws IOException {
        // the control for the test above: the same command on the unbroken files completes and writes its record
        assertThat(nin(train())).as(err()).isZero();
        assertThat(tmp.resolve("run").resolve(Trainer.RECORD)).exists();
        assertThat(tmp.resolve("run").resolve(Trainer.LOCK)).as("the lock is gone with the run").doesNotExist();
        // every file of the run has the mode any new file gets here (others may read it), not a temp file's 0600
        var plain = Files.getPosixFilePermissions(Files.createFile(tmp.resolve("plain")));
        for (String name : new String[]{Trainer.RECORD, Trainer.PLOT, Trainer.CHECKPOINT})
            assertThat(Files.getPosixFilePermissions(tmp.resolve("run").resolve(name))).as(name).isEqualTo(plain);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "shapes 96 128          | takes at most one argument",
            "params 96              | takes no arguments",
            "train --out=           | --out needs a value, got an empty one",
            "bench --out=           | --out needs a value, got an empty one",
            "study --out=           | --out needs a value, got an empty one",
            "study --lrs 0.1,-1     | --lrs must all be positive numbers, got -1.0",
            "study --lrs NaN        | --lrs must all be positive numbers, got NaN",
            "study --lrs 0          | --lrs must all be positive numbers, got 0.0",
            "study --limit -1       | --limit must be 0 (all) or a positive number",
            "train --resize 100000  | more than the 2,147,483,639 an array can index",
            "bench --resize 100000  | more than the 2,147,483,639 an array can index",
            "study --resize 100000  | more than the 2,147,483,639 an array can index",
    })
    void badArgumentsAreOneLineNamingTheFlag(String command, String message) {
        boolean hadRuns = Files.exists(Path.of("runs"));
        assertThat(nin(command.strip().split(" +"))).isEqualTo(Failures.BAD_INPUT);
        assertOneLine(command.split(" ")[0]);
        assertThat(err()).contains(message);
        if (!hadRuns) assertThat(Path.of("runs")).as("refused before the default output folder was made").doesNotExist();
    }

    @Test
    void aResizeThatCannotFitInMemoryIsRefusedWithTheEstimate() {
        // 2000 × 2000 in batches of 64 counts 68.9 GiB; the reference backend (in train()) keeps it on the Java heap,
        // which surefire gives 6 GiB (MemoryBudgetTest checks the rule itself)
        assumeTrue(MemoryBudget.heapAvailableBytes() < MemoryBudget.need(Nin.spec(2000), 2000, 64), "a heap of 69 GiB");
        assertThat(nin(train("--resize", "2000", "--batch-size", "64"))).isEqualTo(Failures.BAD_INPUT);
        assertOneLine("train");
        assertThat(err()).contains("--resize 2000 with --batch-size 64 needs about 68.9 GiB for the network's arrays", "more than the");
        assertThat(tmp.resolve("run")).as("refused before the output folder was made").doesNotExist();
    }

    @Test
    void helpIsNoErrorForAnyCommand() {
        for (String command : Main.COMMANDS.keySet()) {
            out.reset();
            assertThat(nin(command, "--help")).as(command).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).as(command).startsWith("usage: ./nin " + command);
        }
        assertThat(err()).isEmpty();
    }

    @Test
    void anOutThatIsAFileIsRefusedBeforeTraining() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-folder"), "x");
        assertThat(nin(train("--out", file.toString()))).isEqualTo(Failures.BAD_INPUT);
        assertOneLine("train");
        assertThat(err()).contains(file.toString()).contains("is a file, not a folder");
    }

    @Test
    void anOutInsideAFileIsRefusedByEveryCommandBeforeItWorks() throws IOException {
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        Path inside = file.resolve("run");
        assertThat(nin(train("--out", inside.toString()))).isEqualTo(Failures.BAD_INPUT);
        assertThat(nin("bench", "--device", "reference", "--resize", "67", "--batch-size", "1", "--out", inside.toString()))
                .isEqualTo(Failures.BAD_INPUT);
        assertThat(nin("study", "--device", "reference", "--resize", "67", "--out", inside.resolve("study.json").toString()))
                .isEqualTo(Failures.BAD_INPUT);
        assertThat(err().lines()).hasSize(3).allSatisfy(line -> assertThat(line).contains(file.toString()).contains("is a file, not a folder"));
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("benchmarking").doesNotContain("dead-run study");
    }

    @Test
    void aSecondRunWithTheSameOutIsRefusedNamingTheProcessThatHoldsIt() throws IOException {
        Path run = tmp.resolve("run");
        try (RunLock _ = RunLock.acquire(run, run.resolve(Trainer.LOCK), "--out")) {
            assertThat(nin(train())).isEqualTo(Failures.ENVIRONMENT);
        }
        assertOneLine("train");
        assertThat(err()).contains("--out " + run + " is in use by another run: process " + ProcessHandle.current().pid());
    }

    @Test
    void studyProbesAVariantsCheckpointAsThatVariant() throws IOException {
        // a checkpoint of NiN without its final ReLU has the same parameters as NiN's: only --variant says which
        // network to rebuild, and a probe through the wrong one would invent a ReLU after the last convolution
        assertThat(nin(train("--variant", "no-final-relu"))).as(err()).isZero();
        Path record = tmp.resolve("study.json");
        Files.copy(Path.of("docs/results/study/dead-runs.json"), record);
        assertThat(nin("study", "--device", "reference", "--batch-size", "4", "--out", record.toString(),
                "--probe", tmp.resolve("run").resolve(Trainer.CHECKPOINT).toString(), "--variant", "no-final-relu")).as(err()).isZero();

        var probe = dev.nin.train.record.RunRecords.read(record, dev.nin.train.record.StudyRecord.class).checkpoints().getLast();
        assertThat(probe.config()).containsEntry("variant", "no-final-relu");
        assertThat(probe.activity()).extracting(dev.nin.train.record.LayerActivity::layer)
                .hasSize(11).last().asString().startsWith("7.2 ").endsWith("+ ReLU");
    }

    @Test
    void studyProbeWithAMissingCheckpointIsOneLineNamingIt() {
        Path record = tmp.resolve("study.json"), missing = tmp.resolve("nowhere.bin");
        assertThat(nin("study", "--device", "reference", "--out", record.toString(), "--probe", missing.toString()))
                .isEqualTo(Failures.BAD_INPUT);
        assertOneLine("study");
        assertThat(err()).contains(missing + ": no such checkpoint");
    }

    @Test
    void studyProbeWithACorruptCheckpointIsOneLineNamingIt() throws IOException {
        Path record = tmp.resolve("study.json");
        Files.copy(Path.of("docs/results/study/dead-runs.json"), record);
        Path notACheckpoint = Files.writeString(tmp.resolve("checkpoint.bin"), "hello");
        assertThat(nin("study", "--device", "reference", "--out", record.toString(), "--probe", notACheckpoint.toString()))
                .isEqualTo(Failures.BAD_INPUT);
        assertOneLine("study");
        assertThat(err()).contains(notACheckpoint.toString()).contains("not a checkpoint");
    }

    @Test
    void benchTorchWithoutPytorchIsRefusedBeforeMeasuring() {
        System.setProperty("nin.python", "/bin/false");
        try {
            assertThat(nin("bench", "--device", "reference", "--resize", "67", "--batch-size", "1", "--torch",
                    "--out", tmp.resolve("b").toString())).isEqualTo(Failures.BAD_INPUT);
        } finally {
            System.clearProperty("nin.python");
        }
        assertOneLine("bench");
        assertThat(err()).contains("--torch needs PyTorch, but /bin/false cannot import torch");
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("benchmarking");
    }

    @Test
    void studyRefusesAnUnknownNetworkAndAResumeWithoutARecord() {
        assertThat(nin("study", "--device", "reference", "--networks", "nin,alexnet", "--out", tmp.resolve("s.json").toString()))
                .isEqualTo(Failures.BAD_INPUT);
        assertOneLine("study");
        assertThat(err()).contains("--networks takes nin and no-final-relu, got 'alexnet'");
        err.reset();
        assertThat(nin("study", "--device", "reference", "--networks", "nin", "--resume", "--out", tmp.resolve("s.json").toString()))
                .isEqualTo(Failures.BAD_INPUT);
        assertOneLine("study");
        assertThat(err()).contains("--resume: " + tmp.resolve("s.json") + " does not exist");
    }

    @Test
    void benchProfileWithTorchIsRefusedAndAloneWritesItsRecord() throws IOException {
        assertThat(nin("bench", "--device", "reference", "--resize", "67", "--batch-size", "1", "--torch", "--profile",
                "--out", tmp.resolve("p").toString())).isEqualTo(Failures.BAD_INPUT);
        assertOneLine("bench");
        assertThat(err()).contains("--profile times our ops alone; leave out --torch");
        out.reset();
        assertThat(nin("bench", "--device", "reference", "--resize", "67", "--batch-size", "1", "--profile", "--steps", "1", "--warmup", "0",
                "--out", tmp.resolve("p").toString())).isZero();
        var profile = dev.nin.train.record.RunRecords.read(tmp.resolve("p/profile-reference-r67-b1.json"), dev.nin.train.record.ProfileRecord.class);
        assertThat(profile.ops()).extracting(dev.nin.train.record.ProfileRecord.Op::op)
                .contains("conv2dBiasReluForward", "conv2dBackward", "maxPool2dReluBackward", "softmaxCrossEntropy", "sgdStep");
        assertThat(profile.totalMilliseconds()).isPositive();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("where a training step's").doesNotContain("training    ");
        assertThat(tmp.resolve("p/bench-reference-r67-b1.json")).doesNotExist();
    }

    @Test
    void aFullDiskIsOneLineNamingTheFileAndTheDebugSwitchShowsTheTrace() throws IOException {
        IOException full;
        try (FileOutputStream dev = new FileOutputStream("/dev/full")) {
            dev.write(1);
            dev.flush();
            throw new AssertionError("/dev/full accepted a byte");
        } catch (IOException e) {
            full = e;  // the real ENOSPC, as a write on a full disk gets it
        }
        var failure = new dev.nin.train.record.AtomicFile.WriteException(tmp.resolve("run.json"), full);
        assertThat(Failures.report("train", failure, new PrintStream(err, true, StandardCharsets.UTF_8), false))
                .isEqualTo(Failures.ENVIRONMENT);
        assertOneLine("train");
        assertThat(err()).contains("cannot write " + tmp.resolve("run.json") + ": No space left on device");

        err.reset();
        Failures.report("train", failure, new PrintStream(err, true, StandardCharsets.UTF_8), true);
        assertThat(err()).contains("\tat ");
    }

    @Test
    void aDefectIsStillOneLineThatPointsToTheDebugSwitch() {
        int status = Failures.report("train", new NullPointerException("x is null"), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        assertThat(status).isEqualTo(Failures.INTERNAL);
        assertThat(err().lines()).hasSize(1);
        assertThat(err()).contains("NullPointerException: x is null").contains("NIN_DEBUG=1");
    }
}
