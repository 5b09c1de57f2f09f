package dev.nin.book;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag(Chapters.EXERCISES)
class VariantRunsTest {

    static RunRecord run(String variant, long seed, double testAcc, String outcome) {
        return run(variant, seed, 1.0, testAcc, outcome);
    }

    static RunRecord run(String variant, long seed, double loss, double testAcc, String outcome) {
        Map<String, Object> config = new LinkedHashMap<>(Map.of("resize", 72, "epochs", 3, "lr", 0.05, "batchSize", 64, "seed", seed,
                "limit", 0, "init", "kaiming"));
        config.put("variant", variant);
        return new RunRecord("train", config, "cpu", "2 cores, AMD EPYC", Map.of(),
                List.of(new EpochMetrics(1, loss, 0.5, testAcc, 10, 100)), 100, 0, 10, outcome, "");
    }

    @Test
    void recordsNamingAVariantBecomeOneRowPerVariantWithMeanRangeAndFailures(@TempDir Path results) throws Exception {
        RunRecords.write(run("nin", 1, 0.80, RunRecord.COMPLETED), results.resolve("cpu/variants/nin-s1.json"));
        RunRecords.write(run("nin", 2, 0.70, RunRecord.COMPLETED), results.resolve("cpu/variants/nin-s2.json"));
        RunRecords.write(run("one-1x1", 1, 0.10, RunRecord.DEAD), results.resolve("cpu/variants/one-1x1-s1.json"));
        List<RunRecord> runs = VariantRuns.read(results);
        assertThat(runs).hasSize(3);
        assertThat(VariantRuns.table(runs)).contains(".resize 72, 3 epochs, lr 0.05, batch 64, kaiming init, all examples, 2 cores, AMD EPYC")
                .contains("|nin |1, 2 |0.750 |0.700 – 0.800 |0")
                .contains("|one-1x1 |1 |0.100 |0.100 – 0.100 |1");
    }

    @Test
    void aRunThatCompletedAtLnTenCountsAsDead(@TempDir Path results) throws Exception {
        RunRecords.write(run("no-final-relu", 1, 2.3026, 0.100, RunRecord.COMPLETED), results.resolve("cpu/variants/a.json"));
        RunRecords.write(run("no-final-relu", 2, 2.2000, 0.100, RunRecord.COMPLETED), results.resolve("cpu/variants/b.json"));
        RunRecords.write(run("nin", 1, 2.3026, 0.300, RunRecord.COMPLETED), results.resolve("cpu/variants/c.json"));
        assertThat(VariantRuns.table(VariantRuns.read(results)))
                .contains("|no-final-relu |1, 2 |0.100 |0.100 – 0.100 |1")
                .contains("|nin |1 |0.300 |0.300 – 0.300 |0");
    }

    @Test
    void aRunWithMomentumAndAScheduleIsItsOwnConfiguration(@TempDir Path results) throws Exception {
        RunRecord plain = run("nin", 1, 0.70, RunRecord.COMPLETED);
        Map<String, Object> config = new LinkedHashMap<>(plain.config());
        config.putAll(Map.of("epochs", 1, "momentum", 0.9, "weightDecay", 0.0, "schedule", "warmup-cosine"));
        RunRecords.write(plain, results.resolve("cpu/variants/plain.json"));
        RunRecords.write(new RunRecord("train", config, "cpu", plain.device(), Map.of(), plain.epochs(), 100, 0, 10, RunRecord.COMPLETED, ""),
                results.resolve("cpu/variants/momentum.json"));
        RunRecords.write(plain, results.resolve("cpu/tuning/lr0.1-s1.json"));  // exercise 1's, not a variant's
        assertThat(VariantRuns.read(results)).hasSize(2);
        assertThat(VariantRuns.table(VariantRuns.read(results)))
                .contains(".resize 72, 3 epochs, lr 0.05, batch 64, kaiming init")
                .contains(".resize 72, 1 epoch, lr 0.05, momentum 0.9, warmup-cosine, batch 64, kaiming init");
    }

    @Test
    void withoutVariantRecordsTheTableSaysHowToMakeThem(@TempDir Path results) throws Exception {
        assertThat(VariantRuns.table(VariantRuns.read(results))).startsWith("No variant runs are committed yet");
    }
}
