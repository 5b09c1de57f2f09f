package dev.nin.train;

import dev.nin.book.Chapters;
import dev.nin.data.Images;
import dev.nin.engine.Backend;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import dev.nin.train.record.ClassCounts;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecords;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The test accuracy split by class adds up to the accuracy the backend counts, and a class the network never
 * answers is exactly one absent from its answers.
 */
@Tag(Chapters.TRAINING)
class ClassCountsProperties {

    @Test
    void countsAddUpAndNeverAnsweredMeansAbsentFromTheAnswers() {
        forAll(integers().between(1, 300), integers().between(2, 10), longs().all()).tries(100).check((n, classes, seed) -> {
            SplittableRandom r = new SplittableRandom(seed);
            int shut = r.nextInt(classes);  // one class never answered, most of the time
            int[] labels = IntStream.range(0, n).map(i -> r.nextInt(classes)).toArray();
            int[] answers = IntStream.range(0, n).map(i -> {
                int a = r.nextInt(3) == 0 ? labels[i] : r.nextInt(classes);
                return a == shut && r.nextInt(4) > 0 ? (a + 1) % classes : a;
            }).toArray();
            ClassCounts c = ClassCounts.of(classes, labels, answers);
            assertThat(c.images().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
            assertThat(c.predicted().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
            assertThat(c.correct().stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo((int) IntStream.range(0, n).filter(i -> labels[i] == answers[i]).count());
            for (int k = 0; k < classes; k++) {
                int cls = k;
                boolean answered = IntStream.of(answers).anyMatch(a -> a == cls);
                assertThat(c.neverAnswered().contains(k)).as("class %d answered %s", k, answered).isEqualTo(!answered);
                if (!answered) assertThat(c.accuracy(k)).isZero();
            }
        });
    }

    @Test
    void byClassAddsUpToTheBackendsAccuracy() {
        Backend b = new ReferenceBackend();
        forAll(integers().between(1, 40), integers().between(1, 16), longs().all()).tries(15).check((n, batch, seed) -> {
            Network net = new Network(b, TinyNin.spec(3), Shape.of(1, 1, 12, 12), batch);
            net.initialize(seed, WeightInit.KAIMING);
            Images set = ToyData.images(n, 12, seed);
            Inputs inputs = new Inputs(b, batch, 12, 12, 12);
            Evaluation.Result result = Evaluation.evaluate(net, inputs, set, batch, b.allocate(Shape.of(2)), true);
            ClassCounts c = result.byClass();
            assertThat(c.classes()).isEqualTo(10);
            assertThat(c.images().stream().mapToInt(Integer::intValue).sum()).isEqualTo(n);
            // the backend counts in float, and the accuracy is that count over n in float: the same division here
            assertThat((double) ((float) c.correct().stream().mapToInt(Integer::intValue).sum() / n)).isEqualTo(result.accuracy());
            assertThat(Evaluation.accuracy(net, inputs, set, batch, b.allocate(Shape.of(2)))).isEqualTo(result.accuracy());
        });
    }

    @Test
    void countsThatCannotBeAreRefused() {
        assertThatThrownBy(() -> new ClassCounts(java.util.List.of(2, 1), java.util.List.of(3, 0), java.util.List.of(3, 0)))
                .hasMessageContaining("class 0: 3 right of 2 images");
        assertThatThrownBy(() -> new ClassCounts(java.util.List.of(2), java.util.List.of(1, 0), java.util.List.of(1)))
                .hasMessageContaining("different lengths");
    }

    @Test
    void anEpochKeepsItsClassCountsThroughJsonAndOlderEpochsHaveNone(@TempDir Path dir) throws Exception {
        ClassCounts c = ClassCounts.of(3, new int[]{0, 1, 2, 2}, new int[]{0, 0, 2, 2});
        EpochMetrics with = new EpochMetrics(1, 0.5, 0.8, 0.5, 10, 100, c), without = new EpochMetrics(2, 0.4, 0.9, 0.6, 10, 100);
        RunRecords.write(with, dir.resolve("with.json"));
        RunRecords.write(without, dir.resolve("without.json"));
        assertThat(RunRecords.read(dir.resolve("with.json"), EpochMetrics.class)).isEqualTo(with);
        assertThat(RunRecords.read(dir.resolve("without.json"), EpochMetrics.class)).isEqualTo(without);
        assertThat(java.nio.file.Files.readString(dir.resolve("without.json"))).doesNotContain("testByClass");
        assertThat(Trainer.neverAnswered(c)).startsWith("never answered on the test set: class 1 (trouser), whose 1 images");
        assertThat(c.summary(List.of("a", "b", "c"))).isEqualTo("a 1.00, b 0.00, c 1.00; never answered: b");
        assertThat(ClassCounts.of(2, new int[]{0, 1}, new int[]{0, 0}).summary(List.of("a", "b"))).isEqualTo("a 1.00, b 0.00; never answered: b");
        assertThat(ClassCounts.of(2, new int[]{0, 1}, new int[]{1, 0}).summary(List.of("a", "b"))).isEqualTo("a 0.00, b 0.00; every class answered");
    }
}
