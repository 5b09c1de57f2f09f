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
                          Map<String, String> provenance, List<StudyRun> runs, double wallSeconds,
                          List<ProbedCheckpoint> checkpoints) {

    public static final String KIND = "dead-run-study";

    public StudyRecord {
        config = Collections.unmodifiableMap(new LinkedHashMap<>(config));  // in the order written
        provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
        runs = List.copyOf(runs);
        checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);  // absent in a study without probes
    }

    /** The same record with one more probed checkpoint. */
    public StudyRecord with(ProbedCheckpoint probe) {
        List<ProbedCheckpoint> all = new java.util.ArrayList<>(checkpoints);
        all.add(probe);
        return new StudyRecord(kind, question, config, backend, device, provenance, runs, wallSeconds, all);
    }

    /**
     * A network trained elsewhere (e.g. {@code ./nin train}'s quick default), probed from its checkpoint on the
     * study's test images.
     *
     * @param loss                  its mean loss on those images (ln 10 = 2.3026 is a uniform guess)
     * @param gradientSumOfSquares  Σ of the squares of every parameter's gradient for that loss: 0 means no step can change it
     */
    public record ProbedCheckpoint(String checkpoint, Map<String, Object> config, int epochs, double loss,
                                   double gradientSumOfSquares, List<LayerActivity> activity) {
        public ProbedCheckpoint {
            config = Collections.unmodifiableMap(new LinkedHashMap<>(config));
            activity = List.copyOf(activity);
        }
    }

    /**
     * One short run.
     *
     * @param outcome   "alive" (trained all its steps), "dead" or "diverged", as the trainer's health check says
     * @param deathStep the step at which the health check declared it dead or diverged; null when it stayed alive
     * @param steps     the steps it ran
     * @param loss      the mean training loss of each window of steps, at the step that ends the window
     * @param activity  each ReLU layer's alive fraction on a fixed batch of test images after the last step
     * @param gradientAtEnd Σ of the squares of every parameter's gradient of the loss on those images after the
     *                  last step: 0 means no step can change the network any more, dead even if the run ended
     *                  before the health check had seen enough to say so; null in records made before it was measured
     */
    public record StudyRun(String network, double lr, long seed, String outcome, Integer deathStep, int steps,
                           List<LossPoint> loss, List<LayerActivity> activity, Double gradientAtEnd) {
        public StudyRun {
            loss = List.copyOf(loss);
            activity = List.copyOf(activity);
        }
    }

    /** The mean training loss of the steps since the previous point. */
    public record LossPoint(int step, double loss) {
    }
}
