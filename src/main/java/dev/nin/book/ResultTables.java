package dev.nin.book;

import dev.nin.book.LearnerRuns.LearnerRun;
import dev.nin.book.ResultsPartials.Bench;
import dev.nin.book.ResultsPartials.Run;
import dev.nin.book.ResultsPartials.TorchBench;
import dev.nin.data.FashionMnist;
import dev.nin.train.record.BenchRecord;
import dev.nin.train.record.BenchRecord.Measurement;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.LayerActivity;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.StudyRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import static dev.nin.book.Adoc.cell;
import static dev.nin.book.Adoc.fixed;
import static dev.nin.book.Adoc.mib;
import static dev.nin.book.Adoc.text;

/** The AsciiDoc text of the results partials: one record, a group of records, and the two comparisons. */
final class ResultTables {

    /** Keys under which a run's configuration may hold its learning rate. */
    static final List<String> LR_KEYS = List.of("lr", "learningRate", "learning_rate");

    private ResultTables() {
    }

    // tag::closing-lines[]
    /** The two lines d2l's train_ch6 prints at the end, from a run record. */
    static String closingLines(RunRecord run) {
        EpochMetrics last = run.lastEpoch();
        String metrics = last == null ? "no epoch finished"
                : "loss %s, train acc %s, test acc %s".formatted(fixed(last.loss(), 3), fixed(last.trainAcc(), 3), fixed(last.testAcc(), 3));
        return metrics + "\n" + fixed(run.examplesPerSecond(), 1) + " examples/sec on " + run.device();
    }
    // end::closing-lines[]

    /** The caption under every training figure: what a reader should look at first. */
    static final String WHAT_TO_LOOK_AT = "Look at the loss (top) against the dotted ln 10 line: a run that learns leaves it "
            + "within its first epoch, a dead run stays on it. Then the test accuracy (bottom) against chance, 0.1.";

    static String run(String path, Run entry) {
        return run(path, entry, List.of());
    }

    /** A run: its figure with the configuration in the title, d2l's closing lines, outcome and per-epoch table. */
    static String run(String path, Run entry, List<StudyRecord.ProbedCheckpoint> probes) {
        RunRecord r = entry.record();
        StringBuilder sb = new StringBuilder();
        sb.append('.').append(text(TrainingPlot.configuration(r) + ", on " + r.backend() + " (" + r.device() + "). "
                + WHAT_TO_LOOK_AT)).append('\n');
        sb.append("image::{generated}/").append(ResultsPartials.FOLDER).append('/').append(entry.name())
                .append(".svg[Training loss and accuracies per epoch,opts=inline]\n\n");
        sb.append("....\n").append(closingLines(r)).append("\n....\n\n");
        sb.append("Outcome:: ").append(text(outcome(r, probes))).append('\n');
        sb.append("Peak memory:: ").append(mib(r.peakMemoryBytes())).append('\n');
        sb.append("Wall time:: ").append(fixed(r.wallSeconds(), 1)).append(" s\n");
        EpochMetrics last = r.lastEpoch();
        if (last != null && last.testByClass() != null)
            sb.append("Test accuracy by class (类别), last epoch:: ").append(text(last.testByClass().summary(FashionMnist.CLASS_NAMES))).append('\n');
        sb.append("Record:: ").append(ResultTables.recordLink(path)).append(", its machine in ")
                .append("xref:appendix-records.adoc#").append(anchor(entry.name())).append("[the records appendix]\n\n");
        sb.append(epochTable(r)).append('\n');
        return sb.toString();
    }

    /**
     * The record file itself, as a link: Asciidoctor copies docs/results/ into the built book as
     * {@code results/}, so a reader can open the JSON the numbers came from.
     */
    static String recordLink(String path) {
        return "link:" + ResultsPartials.FOLDER + "/" + path.replace(" ", "%20") + "[docs/results/" + path.replace("]", "\\]") + "]";
    }

    /** The record's provenance, for the records appendix, under an anchor the run's partial links to. */
    static String provenance(String path, String name, Map<String, String> provenance) {
        return "[#" + anchor(name) + "]\n=== " + text(path) + "\n\n" + provenanceTable(provenance);
    }

    /** A record's anchor: its name with '.' as '_', since in {@code [#id]} a dot would start a role and cut the id short. */
    static String anchor(String name) {
        return name.replace('.', '_');
    }

    /**
     * How a run ended, in words: "completed" with its epochs, or the health check's verdict; and when a probe
     * of its checkpoint found the last ReLU silent, that it ended dead even though nothing stopped it.
     */
    static String outcome(RunRecord r, List<StudyRecord.ProbedCheckpoint> probes) {
        String ended = RunRecord.COMPLETED.equals(r.outcome())
                ? (r.epochs().size() == 1 ? "completed its one epoch" : "completed all " + r.epochs().size() + " epochs")
                : r.outcome() + (blank(r.message()) ? "" : ": " + r.message());
        for (StudyRecord.ProbedCheckpoint p : probes) {
            if (!sameRun(r, p)) continue;
            LayerActivity last = p.activity().isEmpty() ? null : p.activity().getLast();
            if (last != null && !last.perChannel().isEmpty() && last.perChannel().stream().allMatch(c -> c == 0))
                return ended + "; dead at the end: its checkpoint, probed, has no class channel of the last ReLU "
                        + "positive on any probe image, and the loss there is " + fixed(p.loss(), 4) + " = ln 10";
        }
        return ended;
    }

    /** A probed checkpoint belongs to a run when every setting the probe names is the run's. */
    static boolean sameRun(RunRecord r, StudyRecord.ProbedCheckpoint p) {
        if (p.config().isEmpty()) return false;
        for (var e : p.config().entrySet()) {
            Object mine = r.config().get(e.getKey());
            if (mine == null || !String.valueOf(mine).equals(String.valueOf(e.getValue()))) {
                if (!(mine instanceof Number a && e.getValue() instanceof Number b && a.doubleValue() == b.doubleValue())) return false;
            }
        }
        return r.epochs().size() == p.epochs();
    }

    static String epochTable(RunRecord r) {
        if (r.epochs().isEmpty()) return "No epoch finished.\n";
        StringBuilder sb = new StringBuilder("""
                .Per-epoch metrics
                [cols=">1,>2,>2,>2,>2,>2",options="header"]
                |===
                |Epoch |Loss |Train acc |Test acc |Seconds |Examples/s
                """);
        for (EpochMetrics e : r.epochs())
            sb.append("|%d |%s |%s |%s |%s |%s%n".formatted(e.epoch(), fixed(e.loss(), 4), fixed(e.trainAcc(), 4),
                    fixed(e.testAcc(), 4), fixed(e.epochSeconds(), 1), fixed(e.examplesPerSecond(), 1)));
        return sb.append("|===\n").toString();
    }

    /** Where and with what the record was measured, in the order the record lists it. */
    static String provenanceTable(Map<String, String> provenance) {
        if (provenance.isEmpty()) return "The record names no machine (no provenance).\n";
        StringBuilder sb = new StringBuilder("""
                .Provenance
                [cols="1,3",options="header"]
                |===
                |Fact |Value
                """);
        provenance.forEach((k, v) -> sb.append('|').append(cell(k)).append(" |").append(cell(v)).append('\n'));
        return sb.append("|===\n").toString();
    }

    static String bench(String path, Bench entry) {
        BenchRecord b = entry.record();
        Measurement ours = b.ours(), torch = b.reference();
        StringBuilder sb = new StringBuilder();
        sb.append('.').append(text("NiN speed on " + b.backend() + " (" + machine(b.device(), b.provenance()) + "), "
                + b.resize() + "×" + b.resize() + ", batch " + b.batchSize())).append('\n');
        sb.append("image::{generated}/").append(ResultsPartials.FOLDER).append('/').append(entry.name())
                .append(".svg[Images per second of ours and of PyTorch,opts=inline]\n\n");
        sb.append("[cols=\"2,>2,>2,>1\",options=\"header\"]\n|===\n|Measure |Ours: ").append(cell(ours.by()))
                .append(" |PyTorch: ").append(torch == null ? "not measured" : cell(torch.by())).append(" |Ours / PyTorch\n");
        sb.append("|Training, images/s |%s |%s |%s%n".formatted(fixed(ours.trainImagesPerSecond(), 1),
                torch == null ? "—" : fixed(torch.trainImagesPerSecond(), 1), ratio(b.trainRatio())));
        sb.append("|Inference, images/s |%s |%s |%s%n".formatted(fixed(ours.inferenceImagesPerSecond(), 1),
                torch == null ? "—" : fixed(torch.inferenceImagesPerSecond(), 1), ratio(b.inferenceRatio())));
        sb.append("|Peak memory |%s |%s |%s%n".formatted(mib(ours.peakMemoryBytes()),
                torch == null ? "—" : mib(torch.peakMemoryBytes()), ratio(b.memoryRatio())));
        sb.append("|===\n\n");
        sb.append("Record:: ").append(ResultTables.recordLink(path)).append(", its machine in ")
                .append("xref:appendix-records.adoc#").append(anchor(entry.name())).append("[the records appendix]\n\n");
        return sb.toString();
    }

    static String torchBench(String path, TorchBench entry) {
        Measurement m = entry.measurement();
        return "." + text("PyTorch alone: " + m.by() + ": " + path) + "\n" + """
                [cols="2,>2",options="header"]
                |===
                |Measure |PyTorch
                |Training, images/s |%s
                |Inference, images/s |%s
                |Peak memory |%s
                |===

                """.formatted(fixed(m.trainImagesPerSecond(), 1), fixed(m.inferenceImagesPerSecond(), 1), mib(m.peakMemoryBytes()))
                + provenanceTable(entry.provenance());
    }

    /** A partial made of other partials of the same folder (Asciidoctor resolves the names beside this file). */
    static String includes(List<String> names) {
        if (names.isEmpty()) return "No run in this record file yet.\n";
        return names.stream().map(n -> "include::" + n + ".adoc[]\n").collect(Collectors.joining("\n"));
    }

    static String noRecord(String where) {
        return "No record yet in `" + where + "`: this part of the book fills in when a run record is committed there.\n";
    }

    // tag::learner-comparison[]
    /**
     * The learner's measured GTX 1660 Ti runs (quoted from their notes), each lr followed by every record of
     * ours or of the PyTorch reference at that lr — or a row saying there is none yet.
     */
    static String learnerComparison(List<Run> runs) {
        return learnerComparison(runs, List.of());
    }

    static String learnerComparison(List<Run> runs, List<StudyRecord.ProbedCheckpoint> probes) {
        StringBuilder sb = new StringBuilder("""
                .The learner's runs on a GTX 1660 Ti (quoted from their notes) beside our records at the same lr
                [cols="5,>2,>2,>2,>2,>2,>2,3",options="header"]
                |===
                |Run |lr |Loss |Train acc |Test acc |Examples/s |Peak memory |Outcome
                """);
        List<Double> rates = LearnerRuns.RUNS.stream().map(LearnerRun::lr).distinct().toList();
        for (double lr : rates) {
            for (LearnerRun l : LearnerRuns.RUNS) {
                if (l.lr() != lr) continue;
                sb.append("|Learner, %s, %s (quoted, not measured here) |%s |%s |%s |%s |%s |see note |%s%n".formatted(
                        LearnerRuns.GPU, l.label(), lrText(lr), fixed(l.loss(), 3), fixed(l.trainAcc(), 3),
                        fixed(l.testAcc(), 3), fixed(l.examplesPerSecond(), 1), cell(l.outcome())));
            }
            List<Run> same = runs.stream().filter(r -> Objects.equals(lr(r.record()), lr)).toList();
            if (same.isEmpty())
                sb.append("8+|_No record of ours at lr %s yet._%n".formatted(lrText(lr)));
            for (Run run : same) {
                RunRecord r = run.record();
                EpochMetrics last = r.lastEpoch();
                sb.append("|%s |%s |%s |%s |%s |%s |%s |%s%n".formatted(cell(who(run)), lrText(lr),
                        last == null ? "—" : fixed(last.loss(), 3), last == null ? "—" : fixed(last.trainAcc(), 3),
                        last == null ? "—" : fixed(last.testAcc(), 3), fixed(r.examplesPerSecond(), 1),
                        mib(r.peakMemoryBytes()), cell(shortOutcome(r, probes))));
            }
        }
        sb.append("|===\n\n");
        sb.append(String.format(Locale.ROOT, "NOTE: The learner's rows are quoted from their notes (d2l's PyTorch code, batch 128, resize 224, "
                + "10 epochs; driver %s, CUDA %s); this project did not measure them. Their notes give memory only as one "
                + "nvidia-smi reading during training: %,d MiB of %,d MiB in use, %,d MiB of it the Python process, without "
                + "saying which run. Examples/s counts training examples per second of training time, as d2l does.%n",
                LearnerRuns.DRIVER, LearnerRuns.CUDA, LearnerRuns.NVIDIA_SMI_USED_MIB,
                        LearnerRuns.NVIDIA_SMI_TOTAL_MIB, LearnerRuns.NVIDIA_SMI_PROCESS_MIB));
        return sb.toString();
    }
    // end::learner-comparison[]

    /** The outcome column: "completed", or "dead at the end (probed)" when its probed checkpoint was dead. */
    static String shortOutcome(RunRecord r, List<StudyRecord.ProbedCheckpoint> probes) {
        return outcome(r, probes).contains("dead at the end") ? "dead at the end (probed), not stopped" : r.outcome();
    }

    /** "gpu-nin-lr0.1: NiN on gpu (NVIDIA H100), resize 224, 10 epochs" — enough to judge whether a row compares. */
    static String who(Run run) {
        RunRecord r = run.record();
        List<String> parts = new ArrayList<>();
        parts.add(run.name() + ": " + r.backend() + " on " + r.device());
        Object resize = r.config().get("resize");
        if (resize != null) parts.add("resize " + resize);
        parts.add(TrainingPlot.plural(r.epochs().size(), "epoch"));
        return String.join(", ", parts);
    }

    /** The learning rate a run's configuration names, or null when it names none. */
    static Double lr(RunRecord r) {
        for (String key : LR_KEYS) {
            Object v = r.config().get(key);
            if (v instanceof Number n) return n.doubleValue();
            if (v instanceof String s) {
                try {
                    return Double.parseDouble(s.strip());
                } catch (NumberFormatException e) {
                    return null;
                }
            }
        }
        return null;
    }

    static String benchComparison(List<Bench> benches, List<TorchBench> torchAlone) {
        if (benches.isEmpty() && torchAlone.isEmpty())
            return "No bench record yet in `docs/results/`: the speed comparison with PyTorch fills in when one is committed.\n";
        StringBuilder sb = new StringBuilder("""
                .NiN speed, ours against PyTorch on the same machine (ratio above 1: ours faster, or ours uses more memory)
                [cols="3,>2,>2,>3,>2,>2,>3,>2",options="header"]
                |===
                |Input, batch |Training, ours |PyTorch |Ratio (rounds' range) |Inference, ours |PyTorch |Ratio (rounds' range) |Memory ratio
                """);
        for (Bench entry : benches) {
            BenchRecord b = entry.record();
            Measurement t = b.reference();
            sb.append("|%d×%d, batch %d |%s |%s |%s%s |%s |%s |%s%s |%s%n".formatted(b.resize(), b.resize(), b.batchSize(),
                    fixed(b.ours().trainImagesPerSecond(), 1), t == null ? "—" : fixed(t.trainImagesPerSecond(), 1), ratio(b.trainRatio()),
                    roundsRange(b, Measurement::trainImagesPerSecond),
                    fixed(b.ours().inferenceImagesPerSecond(), 1), t == null ? "—" : fixed(t.inferenceImagesPerSecond(), 1),
                    ratio(b.inferenceRatio()), roundsRange(b, Measurement::inferenceImagesPerSecond), ratio(b.memoryRatio())));
        }
        for (TorchBench entry : torchAlone) {
            Measurement t = entry.measurement();
            sb.append("|%s (PyTorch alone) |— |%s |— |— |%s |— |—%n".formatted(cell(entry.name()),
                    fixed(t.trainImagesPerSecond(), 1), fixed(t.inferenceImagesPerSecond(), 1)));
        }
        sb.append("|===\n\n");
        List<String> machines = new ArrayList<>();
        for (Bench entry : benches) machines.add(machine(entry.record().device(), entry.record().provenance()));
        for (TorchBench entry : torchAlone) machines.add(machine(null, entry.provenance()));
        List<String> distinct = machines.stream().distinct().toList();
        sb.append("Images per second; a ratio above 1 means ours is faster, or, for memory, that ours uses more. Measured on ")
                .append(cell(String.join("; ", distinct))).append(", both programs on the same machine one after the other");
        int rounds = benches.stream().mapToInt(e -> e.record().rounds().size()).max().orElse(0);
        sb.append(rounds > 1 ? "; with several rounds (ours, then PyTorch's, again), each figure is the median of the rounds and "
                + "each ratio the median of the rounds' own ratios, their range in brackets.\n" : ".\n");
        return sb.toString();
    }

    /** " (0.91–1.07, 3 rounds)" for a record of several rounds with PyTorch's in each, else nothing. */
    static String roundsRange(BenchRecord b, java.util.function.ToDoubleFunction<Measurement> figure) {
        double[] ratios = b.roundRatios(figure);
        if (ratios.length < 2) return "";
        return " (%s–%s, %d rounds)".formatted(fixed(java.util.Arrays.stream(ratios).min().orElseThrow(), 2),
                fixed(java.util.Arrays.stream(ratios).max().orElseThrow(), 2), ratios.length);
    }

    /** The device, then the GPU and CPU the provenance names (with cores), without repeats. */
    static String machine(String device, Map<String, String> provenance) {
        List<String> parts = new ArrayList<>();
        for (String part : new String[]{device, provenance.get("gpu"), provenance.get("cpu")})
            if (part != null && !part.isBlank() && parts.stream().noneMatch(p -> p.contains(part))) parts.add(part);
        String cores = provenance.get("cores");
        String text = String.join(", ", parts);
        return cores == null || text.contains(cores + " cores") ? text : text + ", " + cores + " cores";
    }

    static String ratio(Double r) {
        return r == null || !Double.isFinite(r) ? "—" : String.format(Locale.ROOT, "%.2f×", r);
    }

    private static String lrSuffix(RunRecord r) {
        Double lr = lr(r);
        return lr == null ? "" : ", lr " + lrText(lr);
    }

    static String lrText(double lr) {
        return java.math.BigDecimal.valueOf(lr).stripTrailingZeros().toPlainString();
    }

    static String config(Map<String, Object> config) {
        return config.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
