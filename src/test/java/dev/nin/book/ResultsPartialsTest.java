package dev.nin.book;

import dev.nin.train.record.BenchRecord;
import dev.nin.train.record.BenchRecord.Measurement;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RecordFileException;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;
import dev.nin.train.record.LayerActivity;
import dev.nin.train.record.StudyRecord;
import dev.nin.train.record.StudyRecord.LossPoint;
import dev.nin.train.record.StudyRecord.StudyRun;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every committed record becomes a partial and a plot the chapters can include by a predictable name. */
@Tag("records")
class ResultsPartialsTest {

    @TempDir
    Path root;

    Path results() {
        return root.resolve("docs/results");
    }

    Path out() {
        return root.resolve("generated/results");
    }

    String partial(String name) throws IOException {
        return Files.readString(out().resolve(name + ".adoc"));
    }

    static RunRecord gpuRun(double lr, double... losses) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("lr", lr);
        config.put("batchSize", 128);
        config.put("resize", 224);
        List<EpochMetrics> epochs = new java.util.ArrayList<>();
        for (int e = 0; e < losses.length; e++)
            epochs.add(new EpochMetrics(e + 1, losses[e], 0.60 + 0.1 * e, 0.58 + 0.1 * e, 61.25 + e, 979.6 - e));
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("gpu", "NVIDIA H100 80GB HBM3");
        provenance.put("driver", "550.54.15");
        provenance.put("cuda", "12.4");
        provenance.put("cudnn", "9.1.0");
        provenance.put("commit", "abc1234");
        provenance.put("date", "2026-11-27T21:00:00Z");
        return new RunRecord("train", config, "gpu", "NVIDIA H100 80GB HBM3", provenance, epochs, 978.85,
                1_845_493_760L, 190.0, RunRecord.COMPLETED, "");
    }

    @Test
    void recordsWhoseNamesDifferAfterADotGetDifferentAnchors() {
        // in [#id] a dot starts a role: "lr0.01" and "lr0.02" would both become the id "lr0" and break the book
        String a = ResultTables.provenance("cpu/x-lr0.01.json", "cpu-x-lr0.01", java.util.Map.of());
        String b = ResultTables.provenance("cpu/x-lr0.02.json", "cpu-x-lr0.02", java.util.Map.of());
        assertThat(a).startsWith("[#cpu-x-lr0_01]");
        assertThat(b).startsWith("[#cpu-x-lr0_02]");
    }

    @Test
    void withNoRecordEveryFixedPartialExistsAndSaysThereIsNoneYet() throws IOException {
        ResultsPartials.generate(results(), root.resolve("generated"));

        for (String group : ResultsPartials.GROUPS)
            assertThat(partial("group-" + group)).contains("No record yet in `docs/results/" + group + "/`");
        assertThat(partial(ResultsPartials.ALL)).contains("No record yet");
        assertThat(partial(ResultsPartials.BENCH_COMPARISON)).contains("No bench record yet");
        assertThat(partial(ResultsPartials.LEARNER_COMPARISON))
                .contains("|Learner, NVIDIA GeForce GTX 1660 Ti, second run (quoted, not measured here) |0.1 |0.336 |0.874 |0.871 |974.4")
                .contains("8+|_No record of ours at lr 0.1 yet._", "8+|_No record of ours at lr 0.05 yet._");
        try (var files = Files.list(out())) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".svg"));
        }
    }

    @Test
    void aRunRecordGetsItsPlotClosingLinesEpochTableOutcomeMemoryAndProvenance() throws IOException {
        RunRecord run = gpuRun(0.1, 0.9, 0.5, 0.336);
        RunRecords.write(run, results().resolve("gpu/nin-lr0.1.json"));

        ResultsPartials.generate(results(), root.resolve("generated"));

        assertThat(out().resolve("gpu-nin-lr0.1.svg")).isNotEmptyFile().content().startsWith("<?xml").contains("<svg");
        EpochMetrics last = run.lastEpoch();
        String closing = String.format(Locale.ROOT, "loss %.3f, train acc %.3f, test acc %.3f%n%.1f examples/sec on %s",
                last.loss(), last.trainAcc(), last.testAcc(), run.examplesPerSecond(), run.device());
        assertThat(partial("gpu-nin-lr0.1"))
                .contains("image::{generated}/results/gpu-nin-lr0.1.svg[")
                .contains("....\n" + closing + "\n....")
                .contains("Outcome:: completed all 3 epochs")
                .contains(String.format(Locale.ROOT, "Peak memory:: %,.1f MiB", run.peakMemoryBytes() / 1048576.0))
                .contains(String.format(Locale.ROOT, "|%d |%.4f |%.4f |%.4f |%.1f |%.1f", 2, 0.5, 0.7, 0.68, 62.25, 978.6))
                .contains("xref:appendix-records.adoc#gpu-nin-lr0_1[");
        // the machine it ran on goes to the records appendix, under the anchor the run's partial links to
        assertThat(partial("gpu-nin-lr0.1-provenance"))
                .startsWith("[#gpu-nin-lr0_1]\n")
                .contains("|driver |550.54.15", "|cuda |12.4", "|cudnn |9.1.0", "|commit |abc1234");
        assertThat(partial(ResultsPartials.PROVENANCE)).contains("include::gpu-nin-lr0.1-provenance.adoc[]");
        assertThat(partial("group-gpu")).isEqualTo("include::gpu-nin-lr0.1.adoc[]\n");
        assertThat(partial(ResultsPartials.ALL)).contains("include::gpu-nin-lr0.1.adoc[]");
        assertThat(partial("group-cpu")).contains("No record yet");
        assertThat(partial(ResultsPartials.LEARNER_COMPARISON))
                .contains(String.format(Locale.ROOT, "|gpu-nin-lr0.1: gpu on NVIDIA H100 80GB HBM3, resize 224, 3 epochs |0.1 |%.3f |%.3f |%.3f |%.1f",
                        last.loss(), last.trainAcc(), last.testAcc(), run.examplesPerSecond()))
                .doesNotContain("No record of ours at lr 0.1 yet")
                .contains("No record of ours at lr 0.05 yet");
    }

    @Test
    void aDivergedRunShowsNanLikePythonAndItsMessage() throws IOException {
        RunRecord run = gpuRun(0.1, 1.2, Double.NaN).withOutcome(RunRecord.DIVERGED, "loss became NaN in epoch 2");
        RunRecords.write(run, results().resolve("cpu/diverged.json"));

        ResultsPartials.generate(results(), root.resolve("generated"));

        assertThat(partial("cpu-diverged")).contains("loss nan, train acc").contains("Outcome:: diverged: loss became NaN in epoch 2");
        assertThat(out().resolve("cpu-diverged.svg")).isNotEmptyFile();
    }

    /** Two seeds as torch_nin.py's json.dump(result, indent=1) writes them; the second never left chance. */
    static final String TORCH_NIN = """
            {
             "device": "NVIDIA H100 80GB HBM3",
             "torch": "2.5.1+cu124",
             "cudnn": 90100,
             "lr": 0.1,
             "batch_size": 128,
             "resize": 224,
             "amp": false,
             "runs": [
              {
               "seed": 1,
               "epochs": [
                {"epoch": 1, "loss": 1.25, "train_acc": 0.52, "test_acc": 0.70, "epoch_s": 12.0},
                {"epoch": 2, "loss": 0.52, "train_acc": 0.81, "test_acc": 0.83, "epoch_s": 10.0}
               ],
               "examples_per_s": 5454.545454545455,
               "peak_mem_mib": 3071.5
              },
              {
               "seed": 2,
               "epochs": [
                {"epoch": 1, "loss": 2.3026, "train_acc": 0.1, "test_acc": 0.1, "epoch_s": 15.0}
               ],
               "examples_per_s": 4000.0,
               "peak_mem_mib": 3071.5
              }
             ]
            }
            """;

    @Test
    void aTorchNinResultBecomesOnePartialPerSeedAndOneForTheFile() throws IOException {
        Files.createDirectories(results().resolve("gpu"));
        Files.writeString(results().resolve("gpu/torch-lr0.1.json"), TORCH_NIN);

        ResultsPartials.generate(results(), root.resolve("generated"));

        assertThat(partial("gpu-torch-lr0.1")).isEqualTo("include::gpu-torch-lr0.1-seed1.adoc[]\n\ninclude::gpu-torch-lr0.1-seed2.adoc[]\n");
        assertThat(out().resolve("gpu-torch-lr0.1-seed1.svg")).isNotEmptyFile();
        // 5454.5 examples/s over 22 s of training in 2 epochs: 60,000 examples an epoch, so 5,000/s in the 12 s epoch
        assertThat(partial("gpu-torch-lr0.1-seed1"))
                .contains("loss 0.520, train acc 0.810, test acc 0.830\n5454.5 examples/sec on NVIDIA H100 80GB HBM3")
                .contains("|1 |1.2500 |0.5200 |0.7000 |12.0 |5000.0")
                .contains("Peak memory:: 3,071.5 MiB")
                .contains("Outcome:: completed all 2 epochs");
        assertThat(partial("gpu-torch-lr0.1-seed1-provenance")).contains("|pytorch |2.5.1+cu124", "|cudnn |90100");
        assertThat(partial("gpu-torch-lr0.1-seed2")).contains("Outcome:: dead");
        assertThat(partial(ResultsPartials.LEARNER_COMPARISON))
                .contains("|gpu-torch-lr0.1-seed1: PyTorch 2.5.1+cu124 on NVIDIA H100 80GB HBM3, resize 224, 2 epochs |0.1 |0.520")
                .contains("|gpu-torch-lr0.1-seed2: PyTorch 2.5.1+cu124 on NVIDIA H100 80GB HBM3, resize 224, 1 epoch |0.1 |2.303");
    }

    @Test
    void aBenchRecordShowsOursBesidePyTorchWithRatiosAndTheMachine() throws IOException {
        Map<String, String> provenance = Map.of("cpu", "AMD EPYC 7B13", "cores", "2", "commit", "abc1234");
        BenchRecord bench = new BenchRecord("bench", "cpu", "AMD EPYC 7B13", 96, 128,
                new Measurement("nin cpu", 40.0, 150.0, 3L << 30), new Measurement("PyTorch 2.5.1, 2 threads", 50.0, 120.0, 2L << 30),
                provenance, "2026-11-27T22:00:00Z");
        RunRecords.write(bench, results().resolve("bench/cpu-96.json"));
        Files.writeString(results().resolve("bench/torch-only.json"), """
                {"framework": "pytorch", "version": "2.5.1", "threads": 2, "resize": 96, "batchSize": 128,
                 "trainImagesPerSecond": 50.0, "inferenceImagesPerSecond": 120.0, "peakMemoryBytes": 2147483648,
                 "cpu": "AMD EPYC 7B13", "cores": 2, "date": "2026-11-27T22:00:00+00:00"}
                """);

        ResultsPartials.generate(results(), root.resolve("generated"));

        assertThat(out().resolve("bench-cpu-96.svg")).isNotEmptyFile();
        assertThat(partial("bench-cpu-96")).contains("|Training, images/s |40.0 |50.0 |0.80×", "|Peak memory |3,072.0 MiB |2,048.0 MiB |1.50×");
        assertThat(partial(ResultsPartials.BENCH_COMPARISON))
                .contains("|96×96, batch 128 |40.0 |50.0 |0.80× |150.0 |120.0 |1.25× |1.50×\n")
                .contains("|bench-torch-only (PyTorch alone) |— |50.0")
                .contains("Measured on AMD EPYC 7B13, 2 cores, both programs");
        assertThat(partial("bench-torch-only")).contains("|Training, images/s |50.0");
        assertThat(partial("group-bench")).isEqualTo("include::bench-cpu-96.adoc[]\n\ninclude::bench-torch-only.adoc[]\n");
    }

    @Test
    void aBenchRecordOfSeveralRoundsShowsTheRangeOfTheRoundsRatios() throws IOException {
        List<BenchRecord.Round> rounds = List.of(
                new BenchRecord.Round(new Measurement("nin cpu", 90, 300, 5), new Measurement("PyTorch", 100, 300, 7)),
                new BenchRecord.Round(new Measurement("nin cpu", 120, 330, 5), new Measurement("PyTorch", 100, 300, 7)),
                new BenchRecord.Round(new Measurement("nin cpu", 105, 270, 5), new Measurement("PyTorch", 100, 300, 7)));
        BenchRecord bench = BenchRecord.of("cpu", "AMD EPYC", 72, 64, rounds.getFirst().ours()).withRounds(rounds);
        RunRecords.write(bench, results().resolve("bench/cpu-72.json"));

        ResultsPartials.generate(results(), root.resolve("generated"));

        assertThat(partial(ResultsPartials.BENCH_COMPARISON))
                .contains("|72×72, batch 64 |105.0 |100.0 |1.05× (0.90–1.20, 3 rounds) |300.0 |300.0 |1.00× (0.90–1.10, 3 rounds) |")
                .contains("each ratio the median of the rounds' own ratios");
    }

    static StudyRecord study() {
        var dead = new StudyRun("NiN", 0.4, 1, "dead", 35, 35,
                List.of(new LossPoint(10, 2.41), new LossPoint(20, 2.302585), new LossPoint(30, 2.302585)),
                List.of(new LayerActivity("0.0 11×11 conv 1→96 + ReLU", 0.31, List.of()),
                        new LayerActivity("7.4 1×1 conv 10→10 + ReLU", 0.0, java.util.Collections.nCopies(10, 0.0))), 0.0);
        var alive = new StudyRun("NiN, no final ReLU", 0.4, 1, "alive", null, 100,
                List.of(new LossPoint(10, 2.35), new LossPoint(20, 2.29)),
                List.of(new LayerActivity("7.2 1×1 conv 10→10 + ReLU", 0.35, List.of(1.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0))), 1.5e-3);
        var probe = new StudyRecord.ProbedCheckpoint("runs/quick/checkpoint.bin", Map.of("lr", 0.1), 3, 2.3026, 0.0,
                List.of(new LayerActivity("7.4 1×1 conv 10→10 + ReLU", 0.0, java.util.Collections.nCopies(10, 0.0))));
        return new StudyRecord(StudyRecord.KIND, "why?", Map.of("steps", 100), "cpu", "2 cores, AMD EPYC",
                Map.of("cpu", "AMD EPYC"), List.of(dead, alive), 421.0, List.of(probe));
    }

    @Test
    void aDeadRunStudyShowsDeathsPerNetworkAndRateEveryRunAndItsProbedCheckpoints() throws IOException {
        RunRecords.write(study(), results().resolve("study/dead-runs.json"));

        ResultsPartials.generate(results(), root.resolve("generated"));

        assertThat(out().resolve("study-dead-runs.svg")).isNotEmptyFile().content().contains("<svg");
        assertThat(out().resolve("study-dead-runs-channels.svg")).isNotEmptyFile().content().contains("<svg");
        assertThat(partial("study-dead-runs"))
                .contains("image::{generated}/results/study-dead-runs.svg[")
                .contains("image::{generated}/results/study-dead-runs-channels.svg[")
                .contains("|Network |lr 0.4\n|NiN |1 of 1 (21–100 %)\n|NiN, no final ReLU |0 of 1 (0–79 %)\n")
                .contains("|NiN |0.4 |1 |dead |dead at step 35 |35 |2.3026 |0 |7.4 |0.000 |0 of 10\n")
                .contains("|NiN, no final ReLU |0.4 |1 |slow |no |100 |2.2900 |1.50e-03 |none |0.350 |2 of 10: 0, 1\n")
                .contains("Probed checkpoint runs/quick/checkpoint.bin after 3 epochs, lr 0.1: loss 2.3026, gradient sum of squares 0")
                .contains("|pass:c[7.4 1×1 conv 10→10 + ReLU] |0.000 |0 of 10\n");  // × and → are not plain text to AsciiDoc
        assertThat(partial("study-dead-runs-provenance")).contains("|AMD EPYC");
        assertThat(partial("group-study")).isEqualTo("include::study-dead-runs.adoc[]\n");
        assertThat(partial(ResultsPartials.LEARNER_COMPARISON)).doesNotContain("dead-runs");  // not a training record
    }

    @Test
    void aFileTheBookDoesNotKnowIsAnErrorNamingIt() throws IOException {
        Files.createDirectories(results().resolve("gpu"));
        Files.writeString(results().resolve("gpu/notes.json"), "{\"hello\": 1}");

        assertThatThrownBy(() -> ResultsPartials.generate(results(), root.resolve("generated")))
                .isInstanceOf(RecordFileException.class).hasMessageContaining("gpu/notes.json").hasMessageContaining("not a record the book knows");
    }

    @Test
    void aRecordMayNotTakeTheNameOfAFixedPartial() throws IOException {
        RunRecords.write(gpuRun(0.1, 0.5), results().resolve("all.json"));

        assertThatThrownBy(() -> ResultsPartials.generate(results(), root.resolve("generated")))
                .isInstanceOf(RecordFileException.class).hasMessageContaining("all.json").hasMessageContaining("fixed partial");
    }

    @Test
    void aRecordRemovedFromTheResultsLeavesNoPartialBehind() throws IOException {
        Path file = results().resolve("cpu/old.json");
        RunRecords.write(gpuRun(0.05, 0.5), file);
        ResultsPartials.generate(results(), root.resolve("generated"));
        Files.delete(file);

        ResultsPartials.generate(results(), root.resolve("generated"));

        assertThat(out().resolve("cpu-old.adoc")).doesNotExist();
        assertThat(out().resolve("cpu-old.svg")).doesNotExist();
        assertThat(partial("group-cpu")).contains("No record yet");
    }

    @Test
    void namesFollowThePathWithSlashesAsDashes() {
        assertThat(ResultsPartials.nameOf("gpu/nin-lr0.1.json")).isEqualTo("gpu-nin-lr0.1");
        assertThat(ResultsPartials.nameOf("gpu/nin lr=0.1.json")).isEqualTo("gpu-nin-lr-0.1");
        assertThat(ResultsPartials.nameOf("top.json")).isEqualTo("top");
    }

    @Test
    void machineNamesThatAsciiDocWouldRewriteAreShownAsWritten() {
        assertThat(Adoc.text("AMD EPYC 7B13")).isEqualTo("AMD EPYC 7B13");
        assertThat(Adoc.text("Intel(R) Xeon(R) CPU @ 2.20GHz")).isEqualTo("pass:c[Intel(R) Xeon(R) CPU @ 2.20GHz]");
        assertThat(Adoc.cell("a|b_c")).isEqualTo("pass:c[a\\|b_c]");
        assertThat(Adoc.text("x[1]")).isEqualTo("pass:c[x[1\\]]");
    }
}
