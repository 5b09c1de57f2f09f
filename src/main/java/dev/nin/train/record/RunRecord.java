package dev.nin.train.record;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one training run did, written as JSON next to its plot: the configuration it ran with, where it ran
 * ({@code backend}, {@code device}, {@code provenance}: host, commit, date), the metrics of every finished
 * epoch, and how it ended. {@code outcome} is one of {@link #OUTCOMES}; {@code message} says why in words.
 * {@code checkPoints} holds the training loss at every check point (every {@code CHECK_EVERY} steps and at the end
 * of each epoch) of the epochs this process trained; records made before it was kept have none.
 */
public record RunRecord(String kind, Map<String, Object> config, String backend, String device,
                        Map<String, String> provenance, List<EpochMetrics> epochs,
                        double examplesPerSecond, long peakMemoryBytes, double wallSeconds,
                        String outcome, String message, List<CheckPoint> checkPoints) {

    /**
     * The mean training loss of the steps since the previous check point, at step {@code step} of the
     * {@code steps} of epoch {@code epoch}: the loss curve between the per-epoch means.
     */
    public record CheckPoint(int epoch, int step, int steps, double loss) {
    }

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
        checkPoints = checkPoints == null ? List.of() : List.copyOf(checkPoints);
    }

    /** A run without check-point losses (PyTorch's reference, older records). */
    public RunRecord(String kind, Map<String, Object> config, String backend, String device,
                     Map<String, String> provenance, List<EpochMetrics> epochs,
                     double examplesPerSecond, long peakMemoryBytes, double wallSeconds,
                     String outcome, String message) {
        this(kind, config, backend, device, provenance, epochs, examplesPerSecond, peakMemoryBytes, wallSeconds,
                outcome, message, List.of());
    }

    /** The last finished epoch, or {@code null} when none finished. */
    public EpochMetrics lastEpoch() {
        return epochs.isEmpty() ? null : epochs.getLast();
    }

    /** The same run with its outcome changed, e.g. when a run that looked complete turns out interrupted. */
    public RunRecord withOutcome(String newOutcome, String newMessage) {
        return new RunRecord(kind, config, backend, device, provenance, epochs, examplesPerSecond,
                peakMemoryBytes, wallSeconds, newOutcome, newMessage, checkPoints);
    }
}
