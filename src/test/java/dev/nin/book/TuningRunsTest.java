package dev.nin.book;

import dev.nin.train.record.ClassCounts;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@Tag(Chapters.EXERCISES)
class TuningRunsTest {

    static RunRecord run(long seed, double lr, String init, double testAcc, double loss) {
        Map<String, Object> config = new LinkedHashMap<>(Map.of("resize", 72, "epochs", 2, "lr", lr, "batchSize", 64, "seed", seed,
                "limit", 30000, "init", init, "variant", "nin"));
        return new RunRecord("train", config, "cpu", "2 cores, AMD EPYC", Map.of(),
                List.of(new EpochMetrics(1, loss, 0.5, testAcc, 10, 100)), 100, 0, 120, RunRecord.COMPLETED, "");
    }

    @Test
    void eachChangeIsOneRowBesideTheBaseWithItsDifferenceInBold(@TempDir Path results) throws Exception {
        RunRecords.write(run(1, 0.05, "kaiming", 0.70, 1.0), results.resolve("cpu/variants/nin-s1.json"));
        RunRecords.write(run(2, 0.05, "kaiming", 0.60, 1.0), results.resolve("cpu/variants/nin-s2.json"));
        RunRecords.write(run(1, 0.05, "kaiming", 0.99, 1.0), results.resolve("cpu/variants/head-1x1-s1.json"));  // not NiN
        RunRecords.write(run(1, 0.05, "xavier", 0.50, 1.0), results.resolve("cpu/tuning/xavier-s1.json"));
        RunRecords.write(run(2, 0.05, "xavier", 0.10, 2.3026), results.resolve("cpu/tuning/xavier-s2.json"));
        RunRecords.write(run(1, 0.1, "kaiming", 0.75, 1.0), results.resolve("cpu/tuning/lr0.1-s1.json"));
        RunRecords.write(run(1, 0.4, "kaiming", 0.20, 1.0), results.resolve("cpu/tuning/a-worse-s1.json"));
        List<TuningRuns.Row> rows = TuningRuns.read(results);
        assertThat(rows).extracting(TuningRuns.Row::name).containsExactly("base", "lr0.1", "xavier", "a-worse");  // the base, then the best first
        String table = TuningRuns.table(rows);
        assertThat(table)
                .contains("|the short recipe (base) |kaiming init, lr 0.05, batch 64, 30,000 images × 2 epochs, plain SGD |1, 2 |0.650 (0.600 – 0.700) |– |2.0 |0 |–")
                .contains("|`lr0.1` |kaiming init, lr *0.1*, batch 64, 30,000 images × 2 epochs, plain SGD |1 |0.750 |+0.100 |2.0 |0")
                .contains("|`xavier` |*xavier* init, lr 0.05, batch 64, 30,000 images × 2 epochs, plain SGD |1, 2 |0.300 (0.100 – 0.500) |-0.350 |2.0 |1");
        assertThat(TuningRuns.attributes(rows)).contains(":tuning-lr0_1-mean: 0.750", ":tuning-xavier-delta: -0.350", ":tuning-base-seeds: 2",
                ":tuning-xavier-dead: 1", ":tuning-lr0_1-dead: 0", ":tuning-xavier-lowest: 0.100");
    }

    @Test
    void aRowWithARunStoppedBeforeItsFirstEpochEndedComesAfterTheRowsWhoseRunsAllFinished(@TempDir Path results) throws Exception {
        RunRecords.write(run(1, 0.05, "kaiming", 0.70, 1.0), results.resolve("cpu/variants/nin-s1.json"));
        RunRecords.write(run(0, 0.02, "kaiming", 0.83, 0.5), results.resolve("cpu/tuning/constant-s0.json"));
        RunRecords.write(new RunRecord("train", run(1, 0.02, "kaiming", 0, 0).config(), "cpu", "2 cores", Map.of(), List.of(), 0, 0, 40,
                "dead", "dead network: the ReLU after 7.0 is 0 for every example"), results.resolve("cpu/tuning/constant-s1.json"));
        RunRecords.write(run(0, 0.02, "kaiming", 0.74, 0.7), results.resolve("cpu/tuning/cosine-s0.json"));
        List<TuningRuns.Row> rows = TuningRuns.read(results);
        assertThat(rows).extracting(TuningRuns.Row::name).containsExactly("base", "cosine", "constant");  // 0.83 of one run is not the best
        assertThat(TuningRuns.table(rows)).contains("|0, 1 |0.830, 1 of 2 runs finished |+0.130 |1.3 |1");
    }

    @Test
    void eachRunsNeverAnsweredClassesAreNamedSeedBySeed(@TempDir Path results) throws Exception {
        RunRecords.write(run(1, 0.05, "kaiming", 0.70, 1.0), results.resolve("cpu/variants/nin-s1.json"));
        ClassCounts shutOut = ClassCounts.of(10, new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, new int[]{0, 1, 2, 3, 4, 0, 1, 7, 8, 9});  // sandal, shirt never answered
        ClassCounts open = ClassCounts.of(10, new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        RunRecords.write(withClasses(run(0, 0.02, "kaiming", 0.74, 0.7), shutOut), results.resolve("cpu/tuning/cosine-s0.json"));
        RunRecords.write(withClasses(run(1, 0.02, "kaiming", 0.85, 0.4), open), results.resolve("cpu/tuning/cosine-s1.json"));
        RunRecords.write(run(2, 0.02, "kaiming", 0.80, 0.4), results.resolve("cpu/tuning/cosine-s2.json"));  // an older record: no split
        ClassCounts dead = ClassCounts.of(10, new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, new int[]{5, 5, 5, 5, 5, 5, 5, 5, 5, 5});
        RunRecords.write(withClasses(run(3, 0.02, "kaiming", 0.10, 2.3026), dead), results.resolve("cpu/tuning/cosine-s3.json"));
        List<TuningRuns.Row> rows = TuningRuns.read(results);
        assertThat(TuningRuns.table(rows)).contains("|1 |0: sandal, shirt; 1: none; 2: –; 3: all but sandal (one answer for every image)\n");
        assertThat(TuningRuns.attributes(rows)).contains(":tuning-cosine-runs-shutting-out-a-class: 2", ":tuning-cosine-dead: 1");
    }

    @Test
    void aPyTorchRowSaysSoAndShowsNoMinutes(@TempDir Path results) throws Exception {
        RunRecords.write(run(1, 0.05, "kaiming", 0.70, 1.0), results.resolve("cpu/variants/nin-s1.json"));
        RunRecord ours = run(0, 0.02, "kaiming", 0.80, 0.5);
        RunRecord torch = new RunRecord("train", ours.config(), "pytorch", "2 cores, AMD EPYC (PyTorch 1.13)", Map.of(), ours.epochs(),
                100, 0, 300, RunRecord.COMPLETED, "");
        RunRecords.write(torch, results.resolve("cpu/tuning/torch-cosine-s0.json"));
        assertThat(TuningRuns.table(TuningRuns.read(results)))
                .contains("|`torch-cosine` |*in PyTorch* (scripts/torch_default.py): kaiming init, lr *0.02*", "|+0.100 |– |0 |–\n");
    }

    static RunRecord withClasses(RunRecord r, ClassCounts c) {
        EpochMetrics e = r.lastEpoch();
        return new RunRecord(r.kind(), r.config(), r.backend(), r.device(), r.provenance(),
                List.of(new EpochMetrics(e.epoch(), e.loss(), e.trainAcc(), e.testAcc(), e.epochSeconds(), e.examplesPerSecond(), c)),
                r.examplesPerSecond(), r.peakMemoryBytes(), r.wallSeconds(), r.outcome(), r.message(), r.checkPoints());
    }

    @Test
    void withoutTuningRecordsTheTableSaysHowToMakeThem(@TempDir Path results) throws Exception {
        RunRecords.write(run(1, 0.05, "kaiming", 0.70, 1.0), results.resolve("cpu/variants/nin-s1.json"));
        assertThat(TuningRuns.table(TuningRuns.read(results))).startsWith("No tuning runs are committed yet");
    }
}
