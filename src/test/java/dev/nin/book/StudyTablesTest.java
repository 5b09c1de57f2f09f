package dev.nin.book;

import dev.nin.train.record.LayerActivity;
import dev.nin.train.record.StudyRecord;
import dev.nin.train.record.StudyRecord.LossPoint;
import dev.nin.train.record.StudyRecord.StudyRun;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each run of a study gets one verdict from its record: converging, slow, dead or NaN. */
class StudyTablesTest {

    static StudyRun run(long seed, String outcome, double lastLoss, List<Double> classChannels) {
        return new StudyRun("NiN", 0.1, seed, outcome, outcome.equals("alive") ? null : 40, 936,
                List.of(new LossPoint(10, 2.303), new LossPoint(20, lastLoss)),
                List.of(new LayerActivity("8.4 1×1 conv 10→10 + ReLU", classChannels.stream().allMatch(c -> c == 0) ? 0.0 : 0.3,
                        classChannels)), 1.0);
    }

    /** As two seeds at 224 on an H200: the ReLU after 7.0 silent, the last one passing constants, the loss back at ln 10. */
    static StudyRun silentBeforeTheLast(long seed) {
        return new StudyRun("NiN", 0.1, seed, "alive", null, 938, List.of(new LossPoint(500, 1.8), new LossPoint(930, 2.306)),
                List.of(new LayerActivity("7.0 3×3 conv 384→10 + ReLU", 0.0, List.of()),
                        new LayerActivity("7.2 1×1 conv 10→10 + ReLU", 0.6, List.of()),
                        new LayerActivity("7.4 1×1 conv 10→10 + ReLU", 0.4, List.of(1.0, 0.0, 1.0, 0.0))), 0.003);
    }

    @Test
    void eachRunGetsOneVerdictAndTheSummaryCountsThem() {
        List<Double> alive = List.of(0.5, 0.0, 0.2), silent = List.of(0.0, 0.0, 0.0);
        StudyRun converging = run(0, "alive", 1.2, alive), slow = run(1, "alive", 2.25, alive),
                deadAtTheEnd = run(2, "alive", 2.3026, silent), stopped = run(3, "dead", 2.3026, silent), nan = run(4, "diverged", Double.NaN, alive);
        assertThat(List.of(converging, slow, deadAtTheEnd, stopped, nan)).extracting(StudyTables::verdict)
                .containsExactly("converging", "slow", "dead", "dead", "NaN");
        StudyRecord s = new StudyRecord(StudyRecord.KIND, "?", Map.of(), "cpu", "2 cores", Map.of(),
                List.of(converging, slow, deadAtTheEnd, stopped, nan), 1, List.of());
        assertThat(StudyTables.summary(s)).contains("5 runs: 1 converging, 1 slow, 2 dead, 1 NaN");
        assertThat(StudyTables.runs(s)).contains("|NiN |0.1 |0 |converging |no |936 |1.2000");
    }

    @Test
    void aReluLayerSilentBeforeTheLastIsDeathAndTheTableNamesIt() {
        StudyRun r = silentBeforeTheLast(4);
        assertThat(StudyTables.verdict(r)).isEqualTo("dead");
        assertThat(StudyTables.silentLayer(r)).isEqualTo("7.0");
        StudyRecord s = new StudyRecord(StudyRecord.KIND, "?", Map.of(), "gpu", "NVIDIA H200", Map.of(), List.of(r), 1, List.of());
        assertThat(StudyTables.runs(s)).contains("|NiN |0.1 |4 |dead |no |938 |2.3060 |3.00e-03 |7.0 |0.400 |");
        assertThat(StudyTables.deaths(s)).contains("|NiN |1 of 1 (21–100 %)");
    }

    @Test
    void theDeathRateComesWithItsWilsonInterval() {
        // the interval of a textbook example (Wilson 1927; Newcombe 1998, table I: 81 of 263 gives 0.2553–0.3662)
        double[] r = StudyTables.wilson(81, 263);
        assertThat(r[0]).isCloseTo(0.2553, org.assertj.core.api.Assertions.within(5e-4));
        assertThat(r[1]).isCloseTo(0.3662, org.assertj.core.api.Assertions.within(5e-4));
        assertThat(StudyTables.wilson(0, 8)[0]).isZero();
        assertThat(StudyTables.wilson(8, 8)[1]).isEqualTo(1.0);
        assertThat(StudyTables.wilson(2, 8)).satisfies(w -> {
            assertThat(w[0]).isCloseTo(0.0715, org.assertj.core.api.Assertions.within(5e-4));
            assertThat(w[1]).isCloseTo(0.5907, org.assertj.core.api.Assertions.within(5e-4));
        });
    }

    @Test
    void aStudyWithNoRunStoppedSaysSoAndMentionsThePlateauOnlyWhenARunIsStillOnIt() {
        List<Double> alive = List.of(0.5, 0.2);
        StudyRecord learning = new StudyRecord(StudyRecord.KIND, "?", Map.of(), "cpu", "2 cores", Map.of(),
                List.of(run(0, "alive", 1.2, alive)), 1, List.of());
        StudyRecord onThePlateau = new StudyRecord(StudyRecord.KIND, "?", Map.of(), "cpu", "2 cores", Map.of(),
                List.of(run(0, "alive", 1.2, alive), run(1, "alive", 2.30, alive)), 1, List.of());
        assertThat(StudyTables.summary(learning)).contains("No run of the study was stopped by the health check within its 936 steps.")
                .doesNotContain("plateau");
        assertThat(StudyTables.summary(onThePlateau)).contains("the slow ones were still on the opening plateau");
    }
}
