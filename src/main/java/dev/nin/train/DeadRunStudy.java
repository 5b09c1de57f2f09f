package dev.nin.train;

import dev.nin.data.Batch;
import dev.nin.data.Batches;
import dev.nin.data.Images;
import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.model.NinVariants;
import dev.nin.model.Shape;
import dev.nin.train.record.LayerActivity;
import dev.nin.train.record.Provenance;
import dev.nin.train.record.StudyRecord;
import dev.nin.train.record.StudyRecord.LossPoint;
import dev.nin.train.record.StudyRecord.ProbedCheckpoint;
import dev.nin.train.record.StudyRecord.StudyRun;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The learner's question: why did the first run at lr 0.1 stop at loss 2.303 and accuracy 0.100 for good?
 * NiN's last block ends in a ReLU, so every class score is ≥ 0. One large SGD step can push the ten class
 * channels negative for every image; then every score is 0, the softmax is uniform, the loss is ln 10 and
 * accuracy is chance, and the ReLUs pass no gradient back, so no later step can repair it.
 *
 * <p>The study trains NiN briefly over a grid of learning rates and seeds with the trainer's step and its
 * {@link HealthCheck}, and the same grid with NiN without its final ReLU (the exercises' variant) as the
 * control: if the final ReLU is the cause, the control never dies. Each run records its outcome, the step of
 * death, a sparse loss trace and the {@link ActivationProbe}'s alive fractions after its last step.
 */
public final class DeadRunStudy {

    /**
     * @param checkEvery steps between health checks; shorter than the trainer's {@link Trainer#CHECK_EVERY}
     *                   so a dead run is declared (and stopped) after 5 × checkEvery steps, not 100
     * @param lossEvery  steps per point of the loss trace
     */
    public record Config(int resize, int batchSize, int steps, List<Double> lrs, List<Long> seeds, int limit,
                         int checkEvery, int lossEvery) {
        public Config {
            lrs = List.copyOf(lrs);
            seeds = List.copyOf(seeds);
            if (resize < 1) throw new IllegalArgumentException("--resize must be a positive number of pixels, got " + resize);
            if (batchSize < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
            if (steps < 1) throw new IllegalArgumentException("--steps must be at least 1, got " + steps);
            if (checkEvery < 1 || lossEvery < 1) throw new IllegalArgumentException("check intervals must be positive");
            if (lrs.isEmpty() || seeds.isEmpty()) throw new IllegalArgumentException("--lrs and --seeds need at least one value each");
            for (double lr : lrs)
                if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("--lrs must all be positive numbers, got " + lr);
            if (limit < 0) throw new IllegalArgumentException("--limit must be 0 (all) or a positive number of examples, got " + limit);
        }

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("resize", resize);
            m.put("batchSize", batchSize);
            m.put("steps", steps);
            m.put("lrs", lrs);
            m.put("seeds", seeds);
            m.put("limit", limit);
            m.put("checkEvery", checkEvery);
            m.put("deadChecks", HealthCheck.DEAD_CHECKS);
            m.put("lossEvery", lossEvery);
            return m;
        }
    }

    /** The two networks compared: the chapter's, and the control without the final ReLU. */
    public static List<NetworkSpec> networks(int resize) {
        NetworkSpec nin = Nin.spec(resize);
        return List.of(nin, NinVariants.withoutFinalRelu(nin));
    }

    private final Backend backend;
    private final Config config;
    private final PrintStream log;
    private final List<NetworkSpec> networks;  // null: NiN and its control at the configured size, made when the grid runs

    public DeadRunStudy(Backend backend, Config config, PrintStream log) {
        this.backend = backend;
        this.config = config;
        this.log = log;
        this.networks = null;
    }

    /** With other networks than NiN and its control (NiN alone; tests: a tiny NiN that trains in milliseconds). */
    public DeadRunStudy(Backend backend, Config config, PrintStream log, List<NetworkSpec> networks) {
        this.backend = backend;
        this.config = config;
        this.log = log;
        this.networks = List.copyOf(networks);
    }

    public StudyRecord run(Images trainSet, Images testSet) {
        return run(trainSet, testSet, RunBudget.none(), partial -> {
        });
    }

    // tag::order[]
    /**
     * Runs the grid seed by seed (for each seed every learning rate, each with both networks), so that a budget
     * that stops the series early leaves whole seeds: every network and rate compared on the same seeds.
     * {@code afterEachRun} gets the record so far after every run (the caller writes it: a call stopped from
     * outside keeps what finished).
     */
    public StudyRecord run(Images trainSet, Images testSet, RunBudget budget, Consumer<StudyRecord> afterEachRun) {
        return run(trainSet, testSet, budget, afterEachRun, null);
    }

    /**
     * As above, continuing {@code earlier} (or null): a record of the same study cut short, or of a smaller grid
     * of it (its seeds, learning rates and networks among this study's, every other setting the same). Its runs
     * are kept and not run again, and its wall time is added to this call's.
     */
    public StudyRecord run(Images trainSet, Images testSet, RunBudget budget, Consumer<StudyRecord> afterEachRun, StudyRecord earlier) {
        long start = System.nanoTime() - (earlier == null ? 0 : (long) (earlier.wallSeconds() * 1e9));
        Images train = config.limit() > 0 ? trainSet.limit(config.limit()) : trainSet;
        Batch probe = Batches.inOrder(testSet, config.batchSize()).iterator().next();  // the same images for every run
        List<StudyRun> runs = new ArrayList<>(earlier == null ? List.of() : earlier.runs());
        List<NetworkSpec> networks = this.networks != null ? this.networks : networks(config.resize());
        int planned = config.seeds().size() * config.lrs().size() * networks.size();
        Map<String, Object> settings = new LinkedHashMap<>(config.toMap());
        if (budget.limited()) settings.put("budgetSeconds", budget.seconds());
        settings.put("runsPlanned", planned);
        settings.put("networks", networks.stream().map(NetworkSpec::name).toList());
        if (earlier != null && !partOf(earlier.config(), settings)) {
            throw new IllegalArgumentException("the record to resume was made with " + earlier.config() + ", not " + settings
                    + " (nor a smaller grid of it)");
        }
        grid:
        for (long seed : config.seeds())
            for (double lr : config.lrs())
                for (NetworkSpec spec : networks) {
                    if (runs.stream().anyMatch(r -> r.seed() == seed && r.lr() == lr && r.network().equals(spec.name()))) continue;
                    if (!budget.roomForAnother()) {
                        log.printf(Locale.ROOT, "budget: stopping after %d of %d runs (%.0f s of %.0f s used)%n", runs.size(), planned,
                                budget.elapsed(), budget.seconds());
                        break grid;
                    }
                    double startedAt = budget.elapsed();
                    StudyRun r = runOne(spec, lr, seed, train, probe);
                    budget.finished(startedAt);
                    runs.add(r);
                    log.printf(Locale.ROOT, "%-28s lr %-5s seed %d: %-8s %s; last ReLU alive %.3f%n", spec.name(), lr, seed,
                            r.outcome(), r.deathStep() == null ? "after " + r.steps() + " steps" : "at step " + r.deathStep(),
                            r.activity().getLast().alive());
                    afterEachRun.accept(record(settings, runs, start));
                }
        return record(settings, runs, start);
    }
    // end::order[]

    /** The grid's axes: a resumed record may cover fewer values of each. */
    private static final Set<String> AXES = Set.of("seeds", "lrs", "networks");

    /**
     * Whether a study with settings {@code earlier} is this one ({@code now}) or a smaller grid of it: every setting
     * the same as a record read back shows it (numbers compared as written), whatever the budget and the runs
     * planned, except that each axis (seeds, learning rates, networks) may hold fewer of this study's values.
     */
    static boolean partOf(Map<String, Object> earlier, Map<String, Object> now) {
        Set<String> ignored = Set.of("budgetSeconds", "runsPlanned");
        Map<String, String> x = new LinkedHashMap<>(), y = new LinkedHashMap<>();
        earlier.forEach((k, v) -> { if (!ignored.contains(k) && !AXES.contains(k)) x.put(k, String.valueOf(v)); });
        now.forEach((k, v) -> { if (!ignored.contains(k) && !AXES.contains(k)) y.put(k, String.valueOf(v)); });
        if (!x.equals(y)) return false;
        for (String axis : AXES) {
            if (!earlier.containsKey(axis) || !now.containsKey(axis)) return false;
            if (!values(now.get(axis)).containsAll(values(earlier.get(axis)))) return false;
        }
        return true;
    }

    private static Set<String> values(Object list) {
        Set<String> out = new HashSet<>();
        if (list instanceof Collection<?> c) for (Object o : c) out.add(String.valueOf(o));
        else out.add(String.valueOf(list));
        return out;
    }

    private StudyRecord record(Map<String, Object> settings, List<StudyRun> runs, long start) {
        Map<String, String> provenance = new LinkedHashMap<>(Provenance.collect());
        backend.provenance().forEach((k, v) -> provenance.put("backend." + k, v));
        return new StudyRecord(StudyRecord.KIND, "Why did the first run at lr 0.1 stay at loss 2.303 and accuracy 0.100?",
                settings, backend.name(), backend.device(), provenance, runs, (System.nanoTime() - start) / 1e9, List.of());
    }

    /**
     * Probes a trained run's checkpoint, already read from {@code file} (a command reads it first, to refuse
     * before working), as the network it was trained as (NiN or an exercise's variant, named in the probe's
     * config), at its resize and the study's batch size, on the first test images: its alive fractions, its
     * loss there, and whether any gradient flows back from that loss.
     */
    public ProbedCheckpoint probe(Path file, Checkpoint cp, NetworkSpec spec, Images test) {
        int resize = cp.config().resize();
        Network net = new Network(backend, spec, Shape.of(1, 1, resize, resize), config.batchSize());
        cp.restore(net);
        Inputs inputs = new Inputs(backend, config.batchSize(), test.height(), test.width(), resize);
        Batch probe = Batches.inOrder(test, config.batchSize()).iterator().next();
        Tensor x = inputs.load(probe.pixels(), probe.labels(), probe.size());
        List<LayerActivity> activity = ActivationProbe.measure(net, x);
        double[] lossAndGradient = lossAndGradient(net, x, inputs.labels());
        Map<String, Object> probedConfig = new LinkedHashMap<>(cp.config().toMap());
        NinVariants.nameOf(spec).filter(name -> !name.equals("nin")).ifPresent(name -> probedConfig.put("variant", name));
        return new ProbedCheckpoint(file.toString(), probedConfig, cp.epoch(), lossAndGradient[0], lossAndGradient[1], activity);
    }

    /**
     * The mean loss on x in evaluation mode, and Σ of the squares of every parameter's gradient of a training
     * step on x (dropout on, as SGD sees it): 0 when no step can change anything.
     */
    double[] lossAndGradient(Network net, Tensor x, Tensor labels) {
        Tensor evaluation = backend.allocate(Shape.of(2)), training = backend.allocate(Shape.of(2));
        backend.softmaxCrossEntropy(net.forward(x, false), labels, null, evaluation);
        net.reseedDropout(Seeds.dropout(-1, 0, 0));  // a mask no training step used
        backend.softmaxCrossEntropy(net.forward(x, true), labels, net.lossGradient(), training);
        net.backward();
        double gradient = 0;
        for (Parameter p : net.parameters()) gradient += backend.sumOfSquares(p.gradient());
        float[] sums = new float[2];
        backend.download(evaluation, sums);
        return new double[]{sums[0] / x.shape().dim(0), gradient};
    }

    // tag::run-one[]
    /** One short run: the trainer's step, checked by the trainer's health check every checkEvery steps. */
    StudyRun runOne(NetworkSpec spec, double lr, long seed, Images train, Batch probe) {
        Network net = new Network(backend, spec, Shape.of(1, 1, config.resize(), config.resize()), config.batchSize());
        Inputs inputs = new Inputs(backend, config.batchSize(), train.height(), train.width(), config.resize());
        net.initialize(seed);
        HealthCheck health = new HealthCheck(net);
        Tensor stats = backend.allocate(Shape.of(2));
        float[] sums = new float[2];
        List<LossPoint> trace = new ArrayList<>();
        double checkedLoss = 0, tracedLoss = 0;
        int step = 0, tracedStep = 0;
        String outcome = "alive";
        Integer death = null;
        training:
        for (int epoch = 1; ; epoch++) {
            for (Batch b : Batches.of(train, config.batchSize(), seed, epoch)) {
                if (b.size() != config.batchSize()) continue;  // equal windows: skip an epoch's short last batch
                Tensor x = inputs.load(b.pixels(), b.labels(), b.size());
                net.reseedDropout(Seeds.dropout(seed, epoch, step));
                Tensor logits = (step + 1) % config.checkEvery() == 0 ? net.forward(x, true, health::observe) : net.forward(x, true);
                backend.softmaxCrossEntropy(logits, inputs.labels(), net.lossGradient(), stats);
                net.backward();
                net.sgdStep((float) lr);
                step++;
                if (step % config.lossEvery() == 0 || step % config.checkEvery() == 0) backend.download(stats, sums);
                if (step % config.lossEvery() == 0) {
                    trace.add(new LossPoint(step, (sums[0] - tracedLoss) / ((double) (step - tracedStep) * config.batchSize())));
                    tracedLoss = sums[0];
                    tracedStep = step;
                }
                if (step % config.checkEvery() == 0) {
                    HealthCheck.Verdict v = health.check((sums[0] - checkedLoss) / ((double) config.checkEvery() * config.batchSize()), epoch, step);
                    checkedLoss = sums[0];
                    if (v.failed()) {
                        outcome = v.outcome();
                        death = step;
                        break training;
                    }
                }
                if (step == config.steps()) break training;
            }
        }
        Tensor x = inputs.load(probe.pixels(), probe.labels(), probe.size());
        List<LayerActivity> activity = ActivationProbe.measure(net, x);
        double gradient = lossAndGradient(net, x, inputs.labels())[1];
        return new StudyRun(spec.name(), lr, seed, outcome, death, step, trace, activity, gradient);
    }
    // end::run-one[]
}
