package dev.nin.cli;

import dev.nin.data.FashionMnist;
import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.model.NinVariants;
import dev.nin.train.Checkpoint;
import dev.nin.train.DeadRunStudy;
import dev.nin.train.MemoryBudget;
import dev.nin.train.RunBudget;
import dev.nin.train.RunLock;
import dev.nin.train.record.RunRecords;
import dev.nin.train.record.StudyRecord;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** {@code ./nin study}: the dead-run study ({@link DeadRunStudy}); writes its record as JSON. */
final class StudyCommand implements Command {
    // tag::defaults[]
    /**
     * Sized for about 8 minutes on 2 shared cores: resize 72 as in ./nin train's quick default, batches of 32,
     * at most 100 steps per run (a dead run stops 25 steps after it dies), 4 learning rates × 2 seeds × 2 networks.
     */
    static final DeadRunStudy.Config DEFAULT = new DeadRunStudy.Config(72, 32, 100, List.of(0.05, 0.1, 0.2, 0.4),
            List.of(0L, 1L), 10_000, 5, 10);
    // end::defaults[]

    static final Set<String> VALUED = Set.of("--resize", "--batch-size", "--steps", "--lrs", "--seeds", "--limit", "--device", "--out", "--probe",
            "--variant", "--budget", "--networks", CudaLibsFlag.FLAG);

    @Override
    public String summary() {
        return "why a run dies at loss ln 10: NiN with and without its final ReLU over lr × seed (--help for the flags)";
    }

    static String usage() {
        return """
                usage: ./nin study [--resize R] [--batch-size B] [--steps S] [--lrs 0.05,0.1,...] [--seeds 0,1,...]
                                   [--limit N] [--device cpu|gpu|auto|reference] [--cuda-libs DIRS] [--budget S] [--out FILE]
                  defaults: resize %d, batch %d, %d steps per run, lrs %s, seeds %s, the first %,d training images
                  runs     seed by seed: for each seed every lr, each with NiN and NiN without its final ReLU
                  --out FILE   where the record goes, rewritten after every run (default: runs/study.json; the book's is docs/results/study/)
                  --budget S   start no run that would end more than S seconds after the start (judged by the longest run so far)
                  --probe CKPT instead of running the grid, probe a trained run's checkpoint (e.g. runs/quick/checkpoint.bin)
                               and add what it finds to the record FILE named by --out
                  --variant V  with --probe: the network the checkpoint was trained as (./nin train --variant; default nin)
                  --networks N  which networks each (seed, lr) trains: nin,no-final-relu (the default: NiN and its control) or nin
                  --resume     continue the record FILE of the same study, or of a smaller grid of it (fewer seeds, lrs or
                               networks, every other setting the same): runs already in it are kept, not run again
                """.formatted(DEFAULT.resize(), DEFAULT.batchSize(), DEFAULT.steps(), DEFAULT.lrs(), DEFAULT.seeds(), DEFAULT.limit());
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(usage());
            return 0;
        }
        Flags f = new Flags(args, VALUED, Set.of("--resume"));
        DeadRunStudy.Config config = new DeadRunStudy.Config(f.integer("--resize", DEFAULT.resize()),
                f.integer("--batch-size", DEFAULT.batchSize()), f.integer("--steps", DEFAULT.steps()),
                list(f, "--lrs", DEFAULT.lrs(), Double::parseDouble), list(f, "--seeds", DEFAULT.seeds(), Long::parseLong),
                f.integer("--limit", DEFAULT.limit()), DEFAULT.checkEvery(), DEFAULT.lossEvery());
        List<NetworkSpec> networks = networks(f.string("--networks", "nin,no-final-relu"), config.resize());  // rejects a too-small --resize, naming the minimum
        String device = f.string("--device", "auto");
        if (!Backends.NAMES.contains(device)) throw new IllegalArgumentException("--device must be one of " + Backends.NAMES + ", got '" + device + "'");
        Path file = f.path("--out", Path.of("runs", "study.json"));
        double budgetSeconds = f.number("--budget", 0);
        if (!(budgetSeconds >= 0)) throw new IllegalArgumentException("--budget must be 0 (none) or a positive number of seconds, got " + budgetSeconds);
        CudaLibsFlag.apply(f);
        if (Files.isDirectory(file)) throw new IllegalArgumentException("--out " + file + " is a directory; name the record's file, e.g. " + file.resolve("study.json"));
        // every refusal before the data loads and the grid runs: a checkpoint that does not read, too little memory,
        // an output in use or not writable, a record that does not read
        Checkpoint probed = f.has("--probe") ? Checkpoint.read(Path.of(f.string("--probe", null))) : null;
        int resize = probed != null ? probed.config().resize() : config.resize();
        if (f.has("--variant") && probed == null) throw new IllegalArgumentException("--variant goes with --probe (the grid always runs NiN and its control)");
        String variant = f.string("--variant", "nin");
        NetworkSpec probedSpec = NinVariants.named(variant, Nin.spec(resize));
        Backends.Selection selection = Backends.select(device);
        try (Backend backend = selection.backend()) {
            MemoryBudget.require(Nin.spec(resize), resize, config.batchSize(), backend);
            try (RunLock _ = RunLock.acquire(file, Path.of(file + ".lock"), "--out")) {
                boolean resume = f.has("--resume") && probed == null;
                if (resume && !Files.isRegularFile(file)) throw new IllegalArgumentException("--resume: " + file + " does not exist; leave out --resume to start the study");
                StudyRecord study = probed != null || resume ? RunRecords.read(file, StudyRecord.class) : null;
                FashionMnist data = FashionMnist.load(FashionMnist.defaultDirectory());
                out.println(selection.reason());
                if (probed != null) {
                    var probe = new DeadRunStudy(backend, config, out).probe(Path.of(f.string("--probe", null)), probed, probedSpec, data.test());
                    RunRecords.write(study.with(probe), file);
                    out.printf("%s: loss %.4f, gradient sum of squares %.3g, last ReLU alive %.3f; added to %s%n", probe.checkpoint(),
                            probe.loss(), probe.gradientSumOfSquares(), probe.activity().getLast().alive(), file);
                    return 0;
                }
                out.println("dead-run study on " + backend.device() + ": " + config);
                StudyRecord record = new DeadRunStudy(backend, config, out, networks).run(data.train(), data.test(), RunBudget.of(budgetSeconds),
                        partial -> write(partial, file), resume ? study : null);
                RunRecords.write(record, file);
                out.printf("%d runs in %.0f s; record: %s%n", record.runs().size(), record.wallSeconds(), file);
                return 0;
            }
        }
    }

    /** "nin", "no-final-relu" or both, comma-separated, as the networks at this resize. */
    static List<NetworkSpec> networks(String names, int resize) {
        List<NetworkSpec> list = new java.util.ArrayList<>();
        for (String name : names.split(",")) {
            String n = name.strip();
            if (!n.equals("nin") && !n.equals("no-final-relu")) throw new IllegalArgumentException("--networks takes nin and no-final-relu, got '" + n + "'");
            list.add(NinVariants.named(n, Nin.spec(resize)));
        }
        return list;
    }

    private static void write(StudyRecord partial, Path file) {
        try {
            RunRecords.write(partial, file);  // atomically: a reader sees the last whole record
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }

    private static <T> List<T> list(Flags f, String name, List<T> otherwise, Function<String, T> parse) {
        String v = f.string(name, null);
        if (v == null) return otherwise;
        try {
            return Arrays.stream(v.split(",")).map(String::trim).map(parse).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be numbers separated by commas, got '" + v + "'");
        }
    }
}
