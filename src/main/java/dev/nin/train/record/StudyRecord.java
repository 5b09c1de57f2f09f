package dev.nin.train.record;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dead-run study ({@code ./nin study}): short training runs of NiN and of NiN without its final ReLU
 * over a grid of learning rates and seeds, each with its outcome, loss trace and how alive its ReLUs were at
 * the end. Written with {@link RunRecords#write} like every record.
 *
 * @param kind always {@link #KIND}, how the book tells this record from the others
 */
public record StudyRecord(String kind, String question, Map<String, Object> config, String backend, String device,
                          Map<String, String> provenance, List<StudyRun> runs, double wallSeconds) {

    public static final String KIND = "dead-run-study";

    public StudyRecord {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));  // in the order written
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        runs = List.copyOf(runs);
    }

    /**
     * One short run.
     *
     * @param outcome   "alive" (trained all its steps), "dead" or "diverged", as the trainer's health check says
     * @param deathStep the step at which the health check declared it dead or diverged; null when it stayed alive
     * @param steps     the steps it ran
     * @param loss      the mean training loss of each window of steps, at the step that ends the window
     * @param activity  each ReLU layer's alive fraction on a fixed batch of test images after the last step
     */
    public record StudyRun(String network, double lr, long seed, String outcome, Integer deathStep, int steps,
                           List<LossPoint> loss, List<LayerActivity> activity) {
        public StudyRun {
            loss = List.copyOf(loss);
            activity = List.copyOf(activity);
        }
    }

    /** The mean training loss of the steps since the previous point. */
    public record LossPoint(int step, double loss) {
    }
}
