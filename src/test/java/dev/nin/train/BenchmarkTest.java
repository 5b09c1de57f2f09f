package dev.nin.train;

import dev.nin.engine.TimedBackend;
import dev.nin.engine.reference.ReferenceBackend;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark measures real steps: both speeds positive, and the profile counts every op of one training step once per step. */
class BenchmarkTest {

    @Test
    void aMeasurementHasBothSpeedsAndAProfileCountsEachOpPerStep() {
        try (ReferenceBackend backend = new ReferenceBackend()) {
            var m = Benchmark.measure(backend, TinyNin.spec(12), 12, 2, 1, 3);
            assertThat(m.by()).isEqualTo("nin reference");
            assertThat(m.trainImagesPerSecond()).isPositive();
            assertThat(m.inferenceImagesPerSecond()).isPositive();

            var ops = Benchmark.profileTraining(backend, TinyNin.spec(12), 12, 2, 1, 3);
            assertThat(ops).extracting(TimedBackend.Entry::op).contains("resizeBilinear", "softmaxCrossEntropy", "sgdStep");
            assertThat(ops).filteredOn(e -> e.op().equals("softmaxCrossEntropy")).singleElement()
                    .satisfies(e -> assertThat(e.calls()).isEqualTo(1));
        }
    }
}
