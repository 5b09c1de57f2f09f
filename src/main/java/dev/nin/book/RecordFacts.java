package dev.nin.book;

import dev.nin.book.ResultsPartials.Run;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;

import java.util.List;
import java.util.Locale;

import static dev.nin.book.Adoc.fixed;

/**
 * The numbers the prose quotes from run records, as AsciiDoc attributes: {@code {cpu-nin-quick-test-acc}} is the
 * last test accuracy of {@code docs/results/cpu/nin-quick.json}. A sentence that cites a record's number cites
 * it through these, so it changes when the record does.
 */
final class RecordFacts {

    /** The examples of Fashion-MNIST's training set: one full epoch. */
    static final int TRAINING_SET = 60_000;

    private RecordFacts() {
    }

    static String attributes(List<Run> runs) {
        StringBuilder sb = new StringBuilder("// numbers of the committed run records, written by dev.nin.book.RecordFacts\n");
        for (Run run : runs) {
            RunRecord r = run.record();
            String key = key(run.name());
            EpochMetrics last = r.lastEpoch();
            if (last != null) {
                sb.append(":%s-loss: %s%n".formatted(key, fixed(last.loss(), 3)));
                sb.append(":%s-train-acc: %s%n".formatted(key, fixed(last.trainAcc(), 3)));
                sb.append(":%s-test-acc: %s%n".formatted(key, fixed(last.testAcc(), 3)));
                sb.append(":%s-first-loss: %s%n".formatted(key, fixed(r.epochs().getFirst().loss(), 3)));
                sb.append(":%s-first-test-acc: %s%n".formatted(key, fixed(r.epochs().getFirst().testAcc(), 3)));
            }
            sb.append(":%s-epochs: %d%n".formatted(key, r.epochs().size()));
            sb.append(":%s-examples-per-second: %s%n".formatted(key, fixed(r.examplesPerSecond(), 1)));
            if (r.examplesPerSecond() > 0)
                sb.append(":%s-full-epoch-minutes: %d%n".formatted(key, Math.round(TRAINING_SET / r.examplesPerSecond() / 60)));
            sb.append(":%s-wall-minutes: %s%n".formatted(key, fixed(r.wallSeconds() / 60, 1)));
            if (r.peakMemoryBytes() > 0) sb.append(":%s-peak-memory: %s%n".formatted(key, Adoc.mib(r.peakMemoryBytes())));
            sb.append(":%s-device: %s%n".formatted(key, Adoc.text(r.device())));
            sb.append(":%s-backend: %s%n".formatted(key, Adoc.text(r.backend())));
        }
        sb.append(ratios(runs));
        return sb.toString();
    }

    /** Ours against PyTorch on the GPU, from the same device call: training speed and peak memory, ours / PyTorch's. */
    static final String GPU_OURS = "gpu-nin-lr0.1", GPU_TORCH = "gpu-torch-nin-lr0.1";

    static String ratios(List<Run> runs) {
        RunRecord ours = null, torch = null;
        for (Run run : runs) {
            if (run.name().equals(GPU_OURS)) ours = run.record();
            if (run.name().equals(GPU_TORCH)) torch = run.record();
        }
        if (ours == null || torch == null || torch.examplesPerSecond() <= 0 || torch.peakMemoryBytes() <= 0) return "";
        return ":gpu-train-ratio: %s%n:gpu-memory-ratio: %s%n".formatted(fixed(ours.examplesPerSecond() / torch.examplesPerSecond(), 2),
                fixed((double) ours.peakMemoryBytes() / torch.peakMemoryBytes(), 2));
    }

    /** An attribute name from a partial name: AsciiDoc allows letters, digits, "-" and "_", so "." becomes "_". */
    static String key(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
    }
}
