package dev.nin.train.record;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * One speed measurement of NiN at a given input size and batch size: ours, and PyTorch's on the same
 * machine run back to back ({@code reference}, absent when PyTorch was not available), with their ratios.
 * A ratio above 1 means we are faster (speed) or need more memory (memory).
 */
@JsonIgnoreProperties(value = {"trainRatio", "inferenceRatio", "memoryRatio"}, allowGetters = true)
public record BenchRecord(String kind, String backend, String device, int resize, int batchSize,
                          Measurement ours, Measurement reference,
                          Map<String, String> provenance, String date) {

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
        return new BenchRecord(kind, backend, device, resize, batchSize, ours, reference, p, date);
    }

    public BenchRecord withReference(Measurement pytorch) {
        return new BenchRecord(kind, backend, device, resize, batchSize, ours, pytorch, provenance, date);
    }

    /** Our training speed over PyTorch's; the goal is ≥ 1. */
    @JsonProperty
    public Double trainRatio() {
        return reference == null ? null : ours.trainImagesPerSecond() / reference.trainImagesPerSecond();
    }

    /** Our inference speed over PyTorch's. */
    @JsonProperty
    public Double inferenceRatio() {
        return reference == null ? null : ours.inferenceImagesPerSecond() / reference.inferenceImagesPerSecond();
    }

    /** Our peak memory over PyTorch's; the goal is ≤ 1. */
    @JsonProperty
    public Double memoryRatio() {
        return reference == null || reference.peakMemoryBytes() == 0 ? null
                : (double) ours.peakMemoryBytes() / reference.peakMemoryBytes();
    }
}
