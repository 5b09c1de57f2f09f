package dev.nin.train;

import dev.nin.book.Chapters;
import dev.nin.data.Images;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.NetworkSpec;
import dev.nin.train.record.StudyRecord;
import dev.nin.train.record.StudyRecord.StudyRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The study's grid on a GPU machine lent for minutes: seed by seed, so a budget that stops it early leaves whole
 * seeds, and the record handed out after every run (the caller writes it) holds every run so far.
 */
@Tag(Chapters.TRAINING)
class DeadRunStudyOrderTest {
    static final int SIZE = 12, BATCH = 4;
    final Images toy = ToyData.images(16, SIZE, 1);
    final DeadRunStudy.Config config = new DeadRunStudy.Config(SIZE, BATCH, 3, List.of(0.1, 0.05), List.of(3L, 4L), 0, 1, 1);
    final NetworkSpec tiny = TinyNin.spec(4);
    // two networks told apart by name, as NiN and its control are (what they compute does not matter here)
    final List<NetworkSpec> networks = List.of(tiny, new NetworkSpec("tiny control", tiny.stages()));

    /** The record as a resumed study reads it: written, then read back. */
    static StudyRecord throughItsFile(StudyRecord record, java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path file = dir.resolve("study.json");
        dev.nin.train.record.RunRecords.write(record, file);
        return dev.nin.train.record.RunRecords.read(file, StudyRecord.class);
    }

    DeadRunStudy study(ReferenceBackend backend) {
        return new DeadRunStudy(backend, config, new PrintStream(OutputStream.nullOutputStream()), networks);
    }

    @Test
    void theGridRunsSeedBySeedAndEveryRunIsHandedOutAsItFinishes() {
        List<StudyRecord> partial = new ArrayList<>();
        try (ReferenceBackend backend = new ReferenceBackend()) {
            StudyRecord all = study(backend).run(toy, toy, RunBudget.none(), partial::add);

            assertThat(all.runs()).extracting(StudyRun::seed).containsExactly(3L, 3L, 3L, 3L, 4L, 4L, 4L, 4L);
            assertThat(all.runs()).extracting(StudyRun::lr).containsExactly(0.1, 0.1, 0.05, 0.05, 0.1, 0.1, 0.05, 0.05);
            String nin = networks.get(0).name(), control = networks.get(1).name();
            assertThat(all.runs()).extracting(StudyRun::network).containsExactly(nin, control, nin, control, nin, control, nin, control);
            assertThat(partial).extracting(r -> r.runs().size()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
            assertThat(partial.getLast().runs()).isEqualTo(all.runs());
            assertThat(all.config()).containsEntry("runsPlanned", 8).doesNotContainKey("budgetSeconds");
        }
    }

    @Test
    void aSpentBudgetStopsTheGridAfterTheFirstRunAndTheRecordSaysWhatWasPlanned() {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            StudyRecord cut = study(backend).run(toy, toy, RunBudget.of(1e-9), r -> {
            });

            assertThat(cut.runs()).hasSize(1);
            assertThat(cut.config()).containsEntry("runsPlanned", 8).containsEntry("budgetSeconds", 1e-9);
        }
    }

    @Test
    void aResumedStudyKeepsTheRunsItHadAndRunsOnlyTheRestAfterARoundTripThroughItsFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            StudyRecord earlier = throughItsFile(study(backend).run(toy, toy, RunBudget.of(1e-9), r -> {
            }), dir);
            List<StudyRecord> partial = new ArrayList<>();
            StudyRecord all = study(backend).run(toy, toy, RunBudget.none(), partial::add, earlier);

            assertThat(all.runs()).hasSize(8);
            assertThat(all.runs().getFirst()).isEqualTo(earlier.runs().getFirst());
            assertThat(partial).extracting(r -> r.runs().size()).containsExactly(2, 3, 4, 5, 6, 7, 8);  // 7 new runs, not 8
            assertThat(all.wallSeconds()).isGreaterThanOrEqualTo(earlier.wallSeconds());
        }
    }

    @Test
    void aRecordOfAnotherStudyIsRefusedNamingBothSettings() {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            StudyRecord other = new DeadRunStudy(backend, new DeadRunStudy.Config(SIZE, BATCH, 3, List.of(0.2), List.of(3L), 0, 1, 1),
                    new PrintStream(OutputStream.nullOutputStream()), networks).run(toy, toy, RunBudget.of(1e-9), r -> {
            });
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> study(backend).run(toy, toy, RunBudget.none(), r -> {
            }, other)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the record to resume was made with")
                    .hasMessageContaining("lrs=[0.2]").hasMessageContaining("lrs=[0.1, 0.05]");
        }
    }

    @Test
    void aSmallerGridOfTheSameStudyIsKeptAndOnlyTheMissingRunsRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            // one call ran the learner's case alone (lr 0.1, the first network, both seeds); the next runs the rest
            StudyRecord earlier = throughItsFile(new DeadRunStudy(backend, new DeadRunStudy.Config(SIZE, BATCH, 3, List.of(0.1), List.of(3L, 4L), 0, 1, 1),
                    new PrintStream(OutputStream.nullOutputStream()), networks.subList(0, 1)).run(toy, toy, RunBudget.none(), r -> {
            }), dir);
            List<StudyRecord> partial = new ArrayList<>();
            StudyRecord all = study(backend).run(toy, toy, RunBudget.none(), partial::add, earlier);

            assertThat(all.runs()).hasSize(8);
            assertThat(all.runs().subList(0, 2)).isEqualTo(earlier.runs());
            assertThat(partial).hasSize(6);
            assertThat(all.config()).containsEntry("runsPlanned", 8);
            assertThat(all.runs()).extracting(r -> r.seed() + " " + r.lr() + " " + r.network()).doesNotHaveDuplicates();

            // another number of steps is another study, smaller grid or not
            StudyRecord otherSteps = new DeadRunStudy(backend, new DeadRunStudy.Config(SIZE, BATCH, 2, List.of(0.1), List.of(3L), 0, 1, 1),
                    new PrintStream(OutputStream.nullOutputStream()), networks.subList(0, 1)).run(toy, toy, RunBudget.none(), r -> {
            });
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> study(backend).run(toy, toy, RunBudget.none(), r -> {
            }, otherSteps)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("steps=2");
        }
    }
}
