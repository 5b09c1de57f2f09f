package dev.nin.train;

import dev.nin.data.Images;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.NetworkSpec;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The training loop on the reference backend, with a tiny NiN on 10×10 toy images resized to 12×12. */
@Tag("training")
class TrainerTest {
    static final Images TRAIN = ToyData.images(90, 10, 1), TEST = ToyData.images(40, 10, 2);
    static final TrainingConfig CONFIG = new TrainingConfig(12, 3, 0.1, 32, 7, 0);

    final ByteArrayOutputStream console = new ByteArrayOutputStream();

    Trainer trainer(TrainingConfig config, Path out) {
        return trainer(TinyNin.spec(4), config, out);
    }

    Trainer trainer(NetworkSpec spec, TrainingConfig config, Path out) {
        PrintStream print = new PrintStream(console, true);
        return new Trainer(new ReferenceBackend(), spec, config, out, new ProgressBar(print, false), print);
    }

    /** The metrics that must repeat exactly; the timings naturally differ. */
    static List<List<Double>> results(List<EpochMetrics> epochs) {
        return epochs.stream().map(m -> List.of((double) m.epoch(), m.loss(), m.trainAcc(), m.testAcc())).toList();
    }

    @Test
    void theSameSeedGivesTheSameRun(@TempDir Path a, @TempDir Path b) throws IOException {
        RunRecord first = trainer(CONFIG, a).train(TRAIN, TEST, false);
        RunRecord second = trainer(CONFIG, b).train(TRAIN, TEST, false);
        assertThat(first.outcome()).isEqualTo(RunRecord.COMPLETED);
        assertThat(results(second.epochs())).isEqualTo(results(first.epochs())).hasSize(3);
    }

    // tag::resume[]
    @Test
    void aResumedRunEndsExactlyLikeAnUninterruptedOne(@TempDir Path whole, @TempDir Path parts) throws IOException {
        RunRecord uninterrupted = trainer(CONFIG, whole).train(TRAIN, TEST, false);

        Trainer interrupted = trainer(CONFIG, parts).onEpoch(m -> {
            if (m.epoch() == 1) throw new IllegalStateException("simulated crash after epoch 1");
        });
        assertThatThrownBy(() -> interrupted.train(TRAIN, TEST, false)).hasMessageContaining("simulated crash");
        RunRecord left = RunRecords.read(parts.resolve(Trainer.RECORD));
        assertThat(left.outcome()).isEqualTo(RunRecord.INTERRUPTED);
        assertThat(left.epochs()).hasSize(1);

        RunRecord resumed = trainer(CONFIG, parts).train(TRAIN, TEST, true);
        assertThat(resumed.outcome()).isEqualTo(RunRecord.COMPLETED);
        assertThat(results(resumed.epochs())).isEqualTo(results(uninterrupted.epochs()));
        assertThat(resumed.epochs().getFirst().testByClass()).as("the checkpoint keeps the first epoch's split by class")
                .isNotNull().isEqualTo(uninterrupted.epochs().getFirst().testByClass());
    }
    // end::resume[]
    // tag::resume-momentum[]
    /** The velocities travel in the checkpoint: with momentum, weight decay and a schedule, resuming changes nothing. */
    @Test
    void aResumedMomentumRunEndsExactlyLikeAnUninterruptedOne(@TempDir Path whole, @TempDir Path parts) throws IOException {
        TrainingConfig config = CONFIG.withOptimizer(0.9, 1e-3, LearningRateSchedule.WARMUP_COSINE);
        RunRecord uninterrupted = trainer(config, whole).train(TRAIN, TEST, false);
        Trainer interrupted = trainer(config, parts).onEpoch(m -> {
            if (m.epoch() == 2) throw new IllegalStateException("simulated crash after epoch 2");
        });
        assertThatThrownBy(() -> interrupted.train(TRAIN, TEST, false)).hasMessageContaining("simulated crash");
        assertThat(Checkpoint.read(parts.resolve(Trainer.CHECKPOINT)).velocities()).isNotEmpty();

        RunRecord resumed = trainer(config, parts).train(TRAIN, TEST, true);
        assertThat(results(resumed.epochs())).isEqualTo(results(uninterrupted.epochs()));
        Checkpoint a = Checkpoint.read(whole.resolve(Trainer.CHECKPOINT)), b = Checkpoint.read(parts.resolve(Trainer.CHECKPOINT));
        assertThat(b.parameters()).usingRecursiveComparison().isEqualTo(a.parameters());
        assertThat(b.velocities()).usingRecursiveComparison().isEqualTo(a.velocities());
        assertThat(resumed.config()).containsEntry("momentum", 0.9).containsEntry("weightDecay", 1e-3).containsEntry("schedule", "warmup-cosine");
    }
    // end::resume-momentum[]

    @Test
    void momentumLearnsTheToyProblemAndDiffersFromPlainSgd(@TempDir Path plain, @TempDir Path heavy) throws IOException {
        RunRecord withoutMomentum = trainer(CONFIG.withEpochs(2), plain).train(TRAIN, TEST, false);
        RunRecord withMomentum = trainer(CONFIG.withEpochs(2).withOptimizer(0.9, 0, LearningRateSchedule.CONSTANT), heavy).train(TRAIN, TEST, false);
        assertThat(withMomentum.outcome()).isEqualTo(RunRecord.COMPLETED);
        assertThat(results(withMomentum.epochs())).isNotEqualTo(results(withoutMomentum.epochs()));  // the option is not ignored
        assertThat(withoutMomentum.config()).containsEntry("momentum", 0.0).containsEntry("schedule", "constant");
    }

    @Test
    void resumingWithAnotherOptimizerIsRefused(@TempDir Path out) throws IOException {
        trainer(CONFIG.withEpochs(1), out).train(TRAIN, TEST, false);
        TrainingConfig withMomentum = CONFIG.withEpochs(2).withOptimizer(0.9, 0, LearningRateSchedule.CONSTANT);
        assertThatThrownBy(() -> trainer(withMomentum, out).train(TRAIN, TEST, true))
                .hasMessageContaining("cannot resume").hasMessageContaining("momentum=0.9").hasMessageContaining("momentum=0.0");
    }

    @Test
    void aScheduledRunResumesOnlyWithTheSameNumberOfEpochs(@TempDir Path out) throws IOException {
        TrainingConfig scheduled = CONFIG.withEpochs(2).withOptimizer(0, 0, LearningRateSchedule.WARMUP_COSINE);
        trainer(scheduled.withEpochs(1), out).train(TRAIN, TEST, false);
        assertThatThrownBy(() -> trainer(scheduled, out).train(TRAIN, TEST, true))
                .hasMessageContaining("cannot resume").hasMessageContaining("the --schedule is drawn over all --epochs");
    }

    @Test
    void resumingWithAnotherConfigurationIsRefused(@TempDir Path out) throws IOException {
        trainer(CONFIG.withEpochs(1), out).train(TRAIN, TEST, false);
        TrainingConfig otherLr = new TrainingConfig(12, 2, 0.05, 32, 7, 0);
        assertThatThrownBy(() -> trainer(otherLr, out).train(TRAIN, TEST, true))
                .hasMessageContaining("cannot resume").hasMessageContaining("lr=0.05").hasMessageContaining("lr=0.1");
        TrainingConfig otherInit = CONFIG.withEpochs(2).withInit(WeightInit.KAIMING);
        assertThatThrownBy(() -> trainer(otherInit, out).train(TRAIN, TEST, true))
                .hasMessageContaining("cannot resume").hasMessageContaining("init=kaiming").hasMessageContaining("init=xavier");
    }

    @Test
    void resumingWithoutACheckpointSaysSo(@TempDir Path out) {
        assertThatThrownBy(() -> trainer(CONFIG, out).train(TRAIN, TEST, true))
                .hasMessageContaining("no checkpoint").hasMessageContaining(out.toString());
    }

    @Test
    void theToyProblemIsLearnedAndTheConsoleEndsLikeTheChapter(@TempDir Path out) throws IOException {
        TrainingConfig config = new TrainingConfig(12, 7, 0.1, 16, 3, 0);
        RunRecord run = trainer(TinyNin.learner(), config, out).train(ToyData.images(200, 10, 1), TEST, false);
        assertThat(run.epochs().getLast().loss()).isLessThan(run.epochs().getFirst().loss());
        assertThat(run.epochs().getLast().testAcc()).as("far above chance (0.1)").isGreaterThan(0.5);
        String[] lines = console.toString().strip().split("\n");
        assertThat(lines[lines.length - 2]).matches("loss \\d\\.\\d{3}, train acc \\d\\.\\d{3}, test acc \\d\\.\\d{3}");
        assertThat(lines[lines.length - 1]).matches("\\d+\\.\\d examples/sec on .+");
        assertThat(RunRecords.read(out.resolve(Trainer.RECORD)).outcome()).isEqualTo(RunRecord.COMPLETED);
        for (var epoch : RunRecords.read(out.resolve(Trainer.RECORD)).epochs()) {  // each epoch's test accuracy, split by class
            var byClass = epoch.testByClass();
            assertThat(byClass.images().stream().mapToInt(Integer::intValue).sum()).isEqualTo(TEST.count());
            assertThat((double) ((float) byClass.correct().stream().mapToInt(Integer::intValue).sum() / TEST.count())).isEqualTo(epoch.testAcc());
        }
    }

    // tag::diverged[]
    @Test
    void anExplodingLossStopsTheRunAsDiverged(@TempDir Path out) throws IOException {
        TrainingConfig config = new TrainingConfig(12, 2, 1e30, 32, 7, 0);
        RunRecord run = trainer(config, out).train(TRAIN, TEST, false);
        assertThat(run.outcome()).isEqualTo(RunRecord.DIVERGED);
        assertThat(run.message()).contains("--lr");
        assertThat(RunRecords.read(out.resolve(Trainer.RECORD)).outcome()).isEqualTo(RunRecord.DIVERGED);
    }
    // end::diverged[]

    @Test
    void resumingWithFewerEpochsThanTheCheckpointHoldsIsRefused(@TempDir Path out) throws IOException {
        trainer(CONFIG.withEpochs(2), out).train(TRAIN, TEST, false);
        assertThatThrownBy(() -> trainer(CONFIG.withEpochs(1), out).train(TRAIN, TEST, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it holds 2 epochs, more than --epochs 1").hasMessageContaining("--epochs 2 or more");
        assertThat(RunRecords.read(out.resolve(Trainer.RECORD)).epochs()).as("the record is untouched").hasSize(2);
    }

    @Test
    void aResumedRecordAddsUpTheWallTimeAndKeepsTheFirstStartDate(@TempDir Path out) throws IOException {
        RunRecord first = trainer(CONFIG.withEpochs(1), out).train(TRAIN, TEST, false);
        RunRecord second = trainer(CONFIG.withEpochs(2), out).train(TRAIN, TEST, true);
        RunRecord third = trainer(CONFIG.withEpochs(3), out).train(TRAIN, TEST, true);

        assertThat(second.wallSeconds()).isGreaterThan(first.wallSeconds());
        assertThat(third.wallSeconds()).isGreaterThan(second.wallSeconds())
                // each session takes at least its own epochs' time
                .isGreaterThanOrEqualTo(third.epochs().stream().mapToDouble(EpochMetrics::epochSeconds).sum());
        assertThat(third.provenance().get("date")).isEqualTo(first.provenance().get("date"));
        assertThat(third.provenance().get(Trainer.RESUMED).split(", ")).hasSize(2);
        assertThat(first.provenance()).doesNotContainKey(Trainer.RESUMED);
    }

    @Test
    void aTemporaryFileLeftByAKilledWriteIsRemovedAtTheNextStart(@TempDir Path out) throws IOException {
        Path stale = Files.writeString(out.resolve(Trainer.CHECKPOINT + ".k1ll3d.tmp"), "half a checkpoint");
        Path staleRecord = Files.writeString(out.resolve(Trainer.RECORD + ".x.tmp"), "{");
        Path other = Files.writeString(out.resolve("notes.tmp"), "the user's");
        trainer(CONFIG.withEpochs(1), out).train(TRAIN, TEST, false);
        assertThat(stale).doesNotExist();
        assertThat(staleRecord).doesNotExist();
        assertThat(other).exists();
        assertThat(console.toString()).contains("removed 2 unfinished temporary file(s)");
    }

    @Test
    void recordsAndCheckpointsGetTheModeOfAnyNewFileSoOthersMayReadThem(@TempDir Path out) throws IOException {
        trainer(CONFIG.withEpochs(1), out).train(TRAIN, TEST, false);
        // what the umask gives a plain new file here (rw-r--r-- under the usual 022), not createTempFile's rw-------
        var expected = Files.getPosixFilePermissions(Files.createFile(out.resolve("plain")));
        assertThat(Files.getPosixFilePermissions(out.resolve(Trainer.RECORD))).isEqualTo(expected);
        assertThat(Files.getPosixFilePermissions(out.resolve(Trainer.CHECKPOINT))).isEqualTo(expected);
    }

    @Test
    void aDiskWithoutRoomForTwoCheckpointsIsRefusedBeforeTheFirstEpoch(@TempDir Path out) {
        Trainer t = trainer(CONFIG, out);
        long need = t.diskBytesNeeded();
        assertThat(need).isEqualTo(2 * 4 * dev.nin.model.ParameterCount.of(TinyNin.spec(4)) + (1 << 20));
        assertThatCode(() -> t.requireSpace(need)).doesNotThrowAnyException();
        assertThatThrownBy(() -> t.requireSpace(need - 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--out " + out).hasMessageContaining("free");
    }

    @Test
    void aFreshRunIntoAFolderHoldingAnotherRunsCheckpointIsRefused(@TempDir Path out) throws IOException {
        trainer(CONFIG.withEpochs(1), out).train(TRAIN, TEST, false);
        byte[] before = Files.readAllBytes(out.resolve(Trainer.CHECKPOINT));
        assertThatThrownBy(() -> trainer(CONFIG.withEpochs(1), out).train(TRAIN, TEST, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already holds a run").hasMessageContaining("--resume continues it");
        assertThat(Files.readAllBytes(out.resolve(Trainer.CHECKPOINT))).as("the earlier run's work is kept").isEqualTo(before);
    }
}
