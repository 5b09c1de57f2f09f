package dev.nin.train.record;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * One speed measurement of NiN at a given input size and batch size: ours, and PyTorch's on the same
 * machine run back to back ({@code reference}, absent when PyTorch was not available), with their ratios.
 * A ratio above 1 means we are faster (speed) or need more memory (memory). With several {@code rounds}
 * (ours, then PyTorch's, again and again), {@code ours} and {@code reference} hold each figure's median over the
 * rounds and a ratio is the median of the rounds' own ratios: a machine whose speed drifts moves both sides
 * of a round alike.
 */
@JsonIgnoreProperties(value = {"trainRatio", "inferenceRatio", "memoryRatio"}, allowGetters = true)
public record BenchRecord(String kind, String backend, String device, int resize, int batchSize,
                          Measurement ours, Measurement reference,
                          Map<String, String> provenance, String date, List<Round> rounds) {

    /** One round: ours, then PyTorch's right after (null without PyTorch). */
    public record Round(Measurement ours, Measurement reference) {
    }

    public BenchRecord(String kind, String backend, String device, int resize, int batchSize, Measurement ours,
                       Measurement reference, Map<String, String> provenance, String date) {
        this(kind, backend, device, resize, batchSize, ours, reference, provenance, date, List.of());
    }

    /**
     * Images per second of a training step (forward, backward, SGD update) and of inference (evaluation
     * mode, no gradients), each a median over timed steps after warm-up, and the peak memory in bytes.
     * {@code by} says what was measured, e.g. "nin cpu" or "PyTorch 1.13.0a0, 2 threads".
     */
    public record Measurement(String by, double trainImagesPerSecond, double inferenceImagesPerSecond,
                              long peakMemoryBytes) {
    }

    public BenchRecord {
        if (ours == null) throw new IllegalArgumentException("a bench record needs our measurement");
        provenance = provenance == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(provenance));
        rounds = rounds == null ? List.of() : List.copyOf(rounds);
    }

    /**
     * The record of several rounds: each speed's median over the rounds as ours and PyTorch's, the rounds
     * themselves kept. Peak memory: our first round's, and the median of PyTorch's. Every PyTorch round is a new
     * process, but ours all run in one, whose peak only grows (a process's high-water mark): after the first round
     * it also counts what the earlier rounds' networks left behind.
     */
    public BenchRecord withRounds(List<Round> all) {
        if (all.isEmpty()) throw new IllegalArgumentException("no rounds");
        Measurement o = summary(all.stream().map(Round::ours).toList(), all.getFirst().ours().peakMemoryBytes());
        boolean torch = all.stream().allMatch(r -> r.reference() != null);
        Measurement r = null;
        if (torch) {
            List<Measurement> ms = all.stream().map(Round::reference).toList();
            r = summary(ms, (long) median(ms.stream().mapToDouble(Measurement::peakMemoryBytes).toArray()));
        }
        return new BenchRecord(kind, backend, device, resize, batchSize, o, r, provenance, date, all);
    }

    private static Measurement summary(List<Measurement> ms, long peakMemoryBytes) {
        return new Measurement(ms.getFirst().by(), median(ms.stream().mapToDouble(Measurement::trainImagesPerSecond).toArray()),
                median(ms.stream().mapToDouble(Measurement::inferenceImagesPerSecond).toArray()), peakMemoryBytes);
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** The median over the rounds of a ratio of ours to PyTorch's, or the ratio of the two figures with one round. */
    private Double ratio(ToDoubleFunction<Measurement> figure) {
        if (reference == null) return null;
        double[] each = roundRatios(figure);
        return each.length < 2 ? figure.applyAsDouble(ours) / figure.applyAsDouble(reference) : median(each);
    }

    /** Each round's own ratio of ours to PyTorch's for one figure; empty unless every round measured PyTorch's. */
    public double[] roundRatios(ToDoubleFunction<Measurement> figure) {
        if (rounds.stream().anyMatch(r -> r.reference() == null)) return new double[0];
        return rounds.stream().mapToDouble(r -> figure.applyAsDouble(r.ours()) / figure.applyAsDouble(r.reference())).toArray();
    }

    /** A record of our measurement alone, stamped with this machine's provenance and the current date. */
    public static BenchRecord of(String backend, String device, int resize, int batchSize, Measurement ours) {
        Map<String, String> provenance = Provenance.collect();
        return new BenchRecord("bench", backend, device, resize, batchSize, ours, null, provenance,
                provenance.get("date"));
    }

    /** The same record with the backend's own provenance added under "backend." (for the CPU: which library ran the convolutions). */
    public BenchRecord withBackendProvenance(Map<String, String> backendProvenance) {
        Map<String, String> p = new java.util.LinkedHashMap<>(provenance);
        backendProvenance.forEach((k, v) -> p.put("backend." + k, v));
        return new BenchRecord(kind, backend, device, resize, batchSize, ours, reference, p, date, rounds);
    }

    /** Our training speed over PyTorch's; the goal is ≥ 1. */
    @JsonProperty
    public Double trainRatio() {
        return ratio(Measurement::trainImagesPerSecond);
    }

    /** Our inference speed over PyTorch's. */
    @JsonProperty
    public Double inferenceRatio() {
        return ratio(Measurement::inferenceImagesPerSecond);
    }

    /** Our peak memory over PyTorch's; the goal is ≤ 1. */
    @JsonProperty
    public Double memoryRatio() {
        return reference == null || reference.peakMemoryBytes() == 0 ? null
                : (double) ours.peakMemoryBytes() / reference.peakMemoryBytes();
    }
}
