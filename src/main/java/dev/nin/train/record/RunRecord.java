package dev.nin.train.record;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one training run did, written as JSON next to its plot: the configuration it ran with, where it ran
 * ({@code backend}, {@code device}, {@code provenance}: host, commit, date), the metrics of every finished
 * epoch, and how it ended. {@code outcome} is one of {@link #OUTCOMES}; {@code message} says why in words.
 */
public record RunRecord(String kind, Map<String, Object> config, String backend, String device,
                        Map<String, String> provenance, List<EpochMetrics> epochs,
                        double examplesPerSecond, long peakMemoryBytes, double wallSeconds,
                        String outcome, String message) {

    public static final String COMPLETED = "completed";
    public static final String DIVERGED = "diverged";
    public static final String DEAD = "dead";
    public static final String INTERRUPTED = "interrupted";
    public static final Set<String> OUTCOMES = Set.of(COMPLETED, DIVERGED, DEAD, INTERRUPTED);

    public RunRecord {
        if (!OUTCOMES.contains(outcome))
            throw new IllegalArgumentException("outcome must be one of " + OUTCOMES + ", got " + outcome);
        config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
        provenance = provenance == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(provenance));
        epochs = epochs == null ? List.of() : List.copyOf(epochs);
    }

    /** The last finished epoch, or {@code null} when none finished. */
    public EpochMetrics lastEpoch() {
        return epochs.isEmpty() ? null : epochs.getLast();
    }

    /** The same run with its outcome changed, e.g. when a run that looked complete turns out interrupted. */
    public RunRecord withOutcome(String newOutcome, String newMessage) {
        return new RunRecord(kind, config, backend, device, provenance, epochs, examplesPerSecond,
                peakMemoryBytes, wallSeconds, newOutcome, newMessage);
    }
}
