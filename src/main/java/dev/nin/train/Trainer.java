package dev.nin.train;

import dev.nin.data.Batch;
import dev.nin.data.Batches;
import dev.nin.data.FashionMnist;
import dev.nin.data.Images;
import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.NetworkSpec;
import dev.nin.model.NinVariants;
import dev.nin.model.ParameterCount;
import dev.nin.model.Shape;
import dev.nin.train.record.AtomicFile;
import dev.nin.train.record.ClassCounts;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.Provenance;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * d2l's {@code train_ch6}: plain SGD (unless the configuration asks for momentum, weight decay or a schedule:
 * {@link Sgd}, {@link LearningRateSchedule}) on the mean cross-entropy, batches reshuffled every epoch, training loss
 * and accuracy accumulated during the epoch (dropout on), test accuracy in evaluation mode after it,
 * examples per second over the training steps only. After every epoch it writes a checkpoint and the run
 * record to the output folder; {@code resume} continues from the checkpoint there.
 */
public final class Trainer {
    /** Steps between check points: progress, the health check, and the only waits for the backend. */
    public static final int CHECK_EVERY = 20;
    public static final String RECORD = "run.json", CHECKPOINT = "checkpoint.bin", PLOT = "run.svg";
    /** The lock file that keeps a second run out of the same folder ({@link RunLock}). */
    public static final String LOCK = "nin.lock";

    private final Backend backend;
    private final NetworkSpec spec;
    private final TrainingConfig config;
    private final Path out;
    private final ProgressBar progress;
    private final PrintStream log;
    /** The training loss at every check point of this process, for the record's loss curve. */
    private final List<RunRecord.CheckPoint> checkPoints = new ArrayList<>();
    private EpochListener listener = epoch -> {
    };
    private Map<String, String> provenance;
    /** What the sessions before a resumed one took, and when the first started (from the folder's record). */
    private double earlierSeconds;
    private RunRecord earlier;

    /** Called after each epoch's checkpoint is written (tests use it to interrupt a run). */
    public interface EpochListener {
        void epochDone(EpochMetrics metrics);
    }

    public Trainer(Backend backend, NetworkSpec spec, TrainingConfig config, Path out, ProgressBar progress, PrintStream log) {
        this.backend = backend;
        this.spec = spec;
        this.config = config;
        this.out = out;
        this.progress = progress;
        this.log = log;
    }

    public Trainer onEpoch(EpochListener listener) {
        this.listener = listener;
        return this;
    }

    /**
     * Everything that can refuse the run before any work: removes the temporary files a killed write left in the
     * folder (only one run uses a folder: hold its {@link RunLock}), refuses a disk too full for the checkpoints, and
     * refuses a fresh run in a folder that holds another run's checkpoint; when resuming, reads the checkpoint and
     * checks that it fits this configuration. Returns the checkpoint, or null when not resuming.
     */
    public Checkpoint prepare(boolean resume) throws IOException {
        int stale = 0;
        for (String name : new String[]{CHECKPOINT, RECORD, PLOT}) stale += AtomicFile.removeLeftovers(out.resolve(name));
        if (stale > 0) log.printf("removed %d unfinished temporary file(s) in %s left by a run that was stopped while writing%n", stale, out);
        requireSpace(Files.isDirectory(out) ? Files.getFileStore(out).getUsableSpace() : Long.MAX_VALUE);
        Path file = out.resolve(CHECKPOINT);
        if (!resume) {
            // a fresh run would replace the checkpoint after its first epoch: the earlier run's work would be lost
            if (Files.exists(file))
                throw new IllegalArgumentException("--out " + out + " already holds a run (" + file + "); --resume continues it, "
                        + "or delete it or choose another --out to start afresh");
            return null;
        }
        // tag::resume-checks[]
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--resume: there is no checkpoint " + file
                    + "; start the run without --resume (or name its folder with --out)");
        }
        Checkpoint cp = Checkpoint.read(file);
        if (!config.canResume(cp.config())) {
            throw new IllegalArgumentException("cannot resume from " + file + ": it was written for "
                    + cp.config().toMap() + ", this run asks for " + config.toMap()
                    + (config.schedule() == LearningRateSchedule.CONSTANT ? " (only --epochs may change)" : " (nothing may change: the --schedule is drawn over all --epochs)"));
        }
        if (cp.epoch() > config.epochs()) {
            throw new IllegalArgumentException("cannot resume from " + file + ": it holds " + cp.epoch() + " epochs, more than --epochs "
                    + config.epochs() + "; give --epochs " + cp.epoch() + " or more");
        }
        // end::resume-checks[]
        return cp;
    }

    /**
     * The disk space a run needs at most: a new checkpoint is written beside the old one before it replaces it,
     * so two checkpoints (4 bytes per parameter each, twice that with momentum's velocities), plus 1 MiB for the
     * record and the plot.
     */
    public long diskBytesNeeded() {
        return 2 * 4 * ParameterCount.of(spec) * (config.momentum() > 0 ? 2 : 1) + (1 << 20);
    }

    /** Refuses, before the first epoch, a folder whose disk cannot hold what the run will write. */
    void requireSpace(long usableBytes) {
        if (usableBytes < diskBytesNeeded())
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "--out %s: its disk has %,d KiB free, the run writes up to %,d KiB (two checkpoints while one replaces the other, the record, the plot)",
                    out, usableBytes >> 10, diskBytesNeeded() >> 10));
    }

    public RunRecord train(Images trainSet, Images testSet, boolean resume) throws IOException {
        long start = System.nanoTime();
        Checkpoint cp = prepare(resume);
        Images train = config.limit() > 0 ? trainSet.limit(config.limit()) : trainSet;
        Network net = new Network(backend, spec, Shape.of(1, 1, config.resize(), config.resize()), config.batchSize());
        Inputs inputs = new Inputs(backend, config.batchSize(), train.height(), train.width(), config.resize());
        List<EpochMetrics> epochs = new ArrayList<>();
        Sgd sgd = new Sgd(net, config.momentum(), config.weightDecay(), config.clipNorm());
        // tag::resume[]
        if (cp != null) {
            cp.restore(net, sgd);
            epochs.addAll(cp.epochs());
            earlier = earlierRecord();
            earlierSeconds = earlier == null ? 0 : earlier.wallSeconds();
            log.printf("resuming after epoch %d of %d from %s%n", cp.epoch(), config.epochs(), out.resolve(CHECKPOINT));
        } else {
            net.initialize(config.seed(), config.init());
        }
        // end::resume[]
        Tensor trainStats = backend.allocate(Shape.of(2)), testStats = backend.allocate(Shape.of(2));
        HealthCheck health = new HealthCheck(net);
        try {
            for (int epoch = epochs.size() + 1; epoch <= config.epochs(); epoch++) {
                EpochResult r = trainEpoch(net, sgd, inputs, train, epoch, trainStats, health);
                if (r.failure != null) {
                    log.println(r.failure.message());
                    return finish(epochs, r.failure.outcome(), r.failure.message(), start);
                }
                Evaluation.Result test = Evaluation.evaluate(net, inputs, testSet, config.batchSize(), testStats, true);
                epochs.add(new EpochMetrics(epoch, r.loss, r.accuracy, test.accuracy(), r.seconds, r.examples / r.seconds, test.byClass()));
                Checkpoint.of(net, sgd, config, epochs).write(out.resolve(CHECKPOINT));
                finish(epochs, RunRecord.INTERRUPTED, "running: " + epoch + " of " + config.epochs() + " epochs done", start);
                listener.epochDone(epochs.getLast());
            }
        } catch (RuntimeException | IOException e) {
            try {
                finish(epochs, RunRecord.INTERRUPTED, "stopped by " + e, start);
            } catch (IOException | RuntimeException alsoFailed) {  // e.g. the disk is full: the first failure is the news
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        EpochMetrics last = epochs.getLast();
        // tag::summary[]
        log.printf("loss %.3f, train acc %.3f, test acc %.3f%n", last.loss(), last.trainAcc(), last.testAcc());
        log.printf("%.1f examples/sec on %s%n", examplesPerSecond(epochs), backend.device());
        // end::summary[]
        if (last.testByClass() != null && !last.testByClass().neverAnswered().isEmpty())
            log.println(neverAnswered(last.testByClass()));
        return finish(epochs, RunRecord.COMPLETED, "trained " + config.epochs() + (config.epochs() == 1 ? " epoch" : " epochs"), start);
    }

    private record EpochResult(double loss, double accuracy, long examples, double seconds, HealthCheck.Verdict failure) {
    }

    // tag::epoch[]
    private EpochResult trainEpoch(Network net, Sgd sgd, Inputs inputs, Images train, int epoch, Tensor stats, HealthCheck health) {
        int steps = Batches.count(train, config.batchSize()), step = 0;
        long runSteps = (long) steps * config.epochs(), stepsBefore = (long) steps * (epoch - 1);
        long examples = 0, windowStart = 0;
        double windowLossSum = 0;
        float[] sums = new float[2];
        backend.fill(stats, 0);
        progress.start();
        long t0 = System.nanoTime();
        for (Batch b : Batches.of(train, config.batchSize(), config.seed(), epoch)) {
            Tensor x = inputs.load(b.pixels(), b.labels(), b.size());
            net.reseedDropout(Seeds.dropout(config.seed(), epoch, step));
            boolean checkPoint = (step + 1) % CHECK_EVERY == 0 || step + 1 == steps;
            Tensor logits = checkPoint ? net.forward(x, true, health::observe) : net.forward(x, true);
            backend.softmaxCrossEntropy(logits, inputs.labels(), net.lossGradient(), stats);
            net.backward();
            sgd.step((float) config.schedule().lr(config.lr(), stepsBefore + step, runSteps));
            examples += b.size();
            step++;
            if (step % CHECK_EVERY == 0 || step == steps) {  // the only place a step waits for the backend
                backend.download(stats, sums);
                double seconds = (System.nanoTime() - t0) / 1e9;
                progress.update(epoch, config.epochs(), step, steps, examples / seconds, sums[0] / examples);
                double windowLoss = (sums[0] - windowLossSum) / (examples - windowStart);
                if (Double.isFinite(windowLoss)) checkPoints.add(new RunRecord.CheckPoint(epoch, step, steps, windowLoss));
                HealthCheck.Verdict v = health.check(windowLoss, epoch, step);
                if (v.failed()) return new EpochResult(Double.NaN, Double.NaN, examples, seconds, v);
                windowLossSum = sums[0];
                windowStart = examples;
            }
        }
        backend.synchronize();
        double seconds = (System.nanoTime() - t0) / 1e9;
        return new EpochResult(sums[0] / examples, sums[1] / examples, examples, seconds, null);
    }
    // end::epoch[]

    /** One line naming the classes the network never answered on the test set, and what that cost. */
    static String neverAnswered(ClassCounts counts) {
        List<Integer> never = counts.neverAnswered();
        List<String> names = never.stream().map(c -> c + " (" + FashionMnist.CLASS_NAMES.get(c) + ")").toList();
        int images = never.stream().mapToInt(c -> counts.images().get(c)).sum();
        return String.format(Locale.ROOT, "never answered on the test set: class%s %s, whose %,d images were all classified wrong "
                        + "(a class's channel of the last ReLU that is zero for every image can never win)",
                never.size() == 1 ? "" : "es", String.join(", ", names), images);
    }

    /** d2l's figure: all training examples over all training time. */
    private static double examplesPerSecond(List<EpochMetrics> epochs) {
        double examples = 0, seconds = 0;
        for (EpochMetrics m : epochs) {
            examples += m.examplesPerSecond() * m.epochSeconds();
            seconds += m.epochSeconds();
        }
        return seconds > 0 ? examples / seconds : 0;
    }

    private RunRecord finish(List<EpochMetrics> epochs, String outcome, String message, long start) throws IOException {
        Map<String, Object> cfg = new LinkedHashMap<>(config.toMap());
        cfg.put("network", spec.name());
        NinVariants.nameOf(spec).ifPresent(name -> cfg.put("variant", name));  // ./nin train --variant NAME
        RunRecord record = new RunRecord("train", cfg, backend.name(), backend.device(), provenance(),
                List.copyOf(epochs), examplesPerSecond(epochs), backend.peakMemoryBytes(),
                earlierSeconds + (System.nanoTime() - start) / 1e9, outcome, message, checkPointsSoFar(epochs));
        Files.createDirectories(out);
        RunRecords.write(record, out.resolve(RECORD));
        return record;
    }

    /**
     * Collected once per session: host, commit, date, and the backend's library versions. A resumed run keeps the
     * date its first session started and lists when each later one started under "resumed".
     */
    private Map<String, String> provenance() {
        if (provenance == null) {
            provenance = new LinkedHashMap<>(Provenance.collect());
            backend.provenance().forEach((k, v) -> provenance.put("backend." + k, v));
            if (earlier != null && earlier.provenance().containsKey("date")) {
                String now = provenance.get("date"), before = earlier.provenance().get(RESUMED);
                provenance.put("date", earlier.provenance().get("date"));
                provenance.put(RESUMED, before == null ? now : before + ", " + now);
            }
        }
        return provenance;
    }

    /**
     * The loss at every check point of the run: the earlier sessions' (up to the epochs the checkpoint kept; a
     * half-finished epoch is trained again) and this session's.
     */
    private List<RunRecord.CheckPoint> checkPointsSoFar(List<EpochMetrics> epochs) {
        List<RunRecord.CheckPoint> all = new ArrayList<>();
        int kept = epochs.isEmpty() ? 0 : checkPoints.isEmpty() ? epochs.getLast().epoch() : checkPoints.getFirst().epoch() - 1;
        if (earlier != null)
            for (RunRecord.CheckPoint c : earlier.checkPoints()) if (c.epoch() <= kept) all.add(c);
        all.addAll(checkPoints);
        return List.copyOf(all);
    }

    /** The provenance key listing the dates at which a run was resumed. */
    public static final String RESUMED = "resumed";

    /** The record the sessions before this one left in the folder, or null when there is none that reads. */
    private RunRecord earlierRecord() {
        Path file = out.resolve(RECORD);
        if (!Files.isRegularFile(file)) return null;
        try {
            return RunRecords.read(file);
        } catch (IOException e) {
            log.println("the earlier record is unreadable, so the wall time counts from this session: " + e.getMessage());
            return null;
        }
    }
}
