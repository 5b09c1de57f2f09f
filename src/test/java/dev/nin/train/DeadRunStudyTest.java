package dev.nin.train;

import dev.nin.data.Batches;
import dev.nin.data.Images;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.train.record.StudyRecord.StudyRun;
import dev.nin.book.Chapters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.OutputStream;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One run of the study on toy data and a tiny NiN (reference backend): what it records, alive or not. */
@Tag(Chapters.TRAINING)
class DeadRunStudyTest {
    static final int SIZE = 12, BATCH = 8;
    final Images toy = ToyData.images(64, SIZE, 1);
    final DeadRunStudy.Config config = new DeadRunStudy.Config(SIZE, BATCH, 12, List.of(0.05), List.of(0L), 0, 2, 4);
    final DeadRunStudy study = new DeadRunStudy(new ReferenceBackend(), config, new PrintStream(OutputStream.nullOutputStream()));

    StudyRun run(double lr) {
        return study.runOne(TinyNin.spec(4), lr, 0, toy, Batches.inOrder(toy, BATCH).iterator().next());
    }

    @Test
    void aRunAtAModestRateTrainsAllItsStepsAndRecordsALossPointPerWindowAndEveryRelu() {
        StudyRun r = run(0.05);

        assertThat(r.outcome()).isEqualTo("alive");
        assertThat(r.deathStep()).isNull();
        assertThat(r.steps()).isEqualTo(12);
        assertThat(r.loss()).extracting(p -> p.step()).containsExactly(4, 8, 12);
        assertThat(r.loss()).allSatisfy(p -> assertThat(p.loss()).isBetween(0.0, 10.0));
        assertThat(r.activity()).hasSize(6);
    }

    @Test
    void aRunWhoseLossOverflowsIsStoppedByTheHealthCheckAtItsFirstCheck() {
        StudyRun r = run(1e30);  // the first step throws the weights to ±infinity: the next loss is not a number

        assertThat(r.outcome()).isEqualTo("diverged");
        assertThat(r.deathStep()).isEqualTo(r.steps()).isEqualTo(config.checkEvery());
    }
}
