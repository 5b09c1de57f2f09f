package dev.nin.book;

import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The numbers the prose quotes come from the records, under names AsciiDoc accepts. */
class RecordFactsTest {

    @Test
    void aRunsLastAndFirstEpochSpeedAndWallTimeBecomeAttributesNamedAfterItsFile() {
        RunRecord r = new RunRecord("train", Map.of("resize", 96), "cpu", "2 cores, AMD EPYC", Map.of(),
                List.of(new EpochMetrics(1, 1.5, 0.4, 0.55, 100, 600), new EpochMetrics(2, 0.5, 0.8, 0.8126, 100, 600)),
                600, 0, 450, RunRecord.COMPLETED, "");
        String facts = RecordFacts.attributes(List.of(new ResultsPartials.Run("cpu-chapter-r96-lr0.1", r)));
        assertThat(facts).contains(":cpu-chapter-r96-lr0_1-test-acc: 0.813", ":cpu-chapter-r96-lr0_1-first-test-acc: 0.550",
                ":cpu-chapter-r96-lr0_1-loss: 0.500", ":cpu-chapter-r96-lr0_1-epochs: 2", ":cpu-chapter-r96-lr0_1-wall-minutes: 7.5",
                ":cpu-chapter-r96-lr0_1-full-epoch-minutes: 2", ":cpu-chapter-r96-lr0_1-device: 2 cores, AMD EPYC");
    }
}
