package dev.nin.cli;

import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import dev.nin.engine.TimedBackend;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Nin;
import dev.nin.train.Benchmark;
import dev.nin.train.MemoryBudget;
import dev.nin.train.RunLock;
import dev.nin.train.Trainer;
import dev.nin.train.record.BenchRecord;
import dev.nin.train.record.ProfileRecord;
import dev.nin.train.record.Provenance;
import dev.nin.train.record.RunRecords;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./nin bench}: training-step and inference images/s and peak memory for one resize and batch size;
 * with {@code --torch}, the same figures from {@code scripts/torch_bench.py} run right after, and the ratios.
 */
final class BenchCommand implements Command {
    static final Set<String> VALUED = Set.of("--device", "--resize", "--batch-size", "--steps", "--warmup", "--rounds", "--out", CudaLibsFlag.FLAG);
    static final Set<String> SWITCHES = Set.of("--torch", "--profile");
    static final Path TORCH_SCRIPT = Path.of("scripts", "torch_bench.py");

    @Override
    public String summary() {
        return "images/s of a training step and of inference, and peak memory (--torch: against PyTorch)";
    }

    @Override
    public int run(List<String> args, PrintStream out) throws Exception {
        if (args.contains("--help") || args.contains("-h")) {
            out.print("""
                    usage: ./nin bench [--device cpu|gpu|auto|reference] [--cuda-libs DIRS] [--resize 224] [--batch-size 128]
                                       [--steps 5] [--warmup 2] [--rounds 1] [--out DIR] [--torch] [--profile]
                      medians of --steps timed steps after --warmup steps; writes DIR/bench-<device>-r<R>-b<B>.json
                      --cuda-libs  colon-separated folders searched first for the CUDA libraries (else NIN_CUDA_LIBS)
                      --profile  instead: times every op of a training step, prints where the step's time goes and
                                 writes DIR/profile-<device>-r<R>-b<B>.json
                      --torch  also runs scripts/torch_bench.py (python3 with torch) with the same R and B, back to back
                      --rounds N  N rounds of ours then PyTorch's; the record keeps every round, its figures are the
                                  medians, and each ratio is the median of the rounds' ratios (firmer on a machine whose
                                  speed drifts)
                    """);
            return 0;
        }
        Flags f = new Flags(args, VALUED, SWITCHES);
        int resize = f.integer("--resize", 224), batch = f.integer("--batch-size", 128);
        int steps = f.integer("--steps", 5), warmup = f.integer("--warmup", 2), rounds = f.integer("--rounds", 1);
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        if (batch < 1) throw new IllegalArgumentException("--batch-size must be at least 1, got " + batch);
        if (steps < 1 || warmup < 0) throw new IllegalArgumentException("--steps must be at least 1 and --warmup at least 0");
        var spec = Nin.spec(resize);
        Path dir = f.path("--out", Path.of("runs"));
        if (f.has("--torch") && f.has("--profile")) throw new IllegalArgumentException("--profile times our ops alone; leave out --torch");
        if (f.has("--torch")) requireTorch();  // before measuring ours, not after
        CudaLibsFlag.apply(f);
        Backends.Selection selection = Backends.select(f.string("--device", "auto"));
        BenchRecord record;
        try (Backend backend = selection.backend();
             RunLock _ = lock(dir, spec, resize, batch, backend)) {
            out.println(selection.reason());
            out.printf(Locale.ROOT, "benchmarking NiN on %s: resize %d, batch %d, %d warm-up + %d timed steps%n",
                    backend.device(), resize, batch, warmup, steps);
            if (f.has("--profile")) {
                Path file = dir.resolve("profile-" + backend.name() + "-r" + resize + "-b" + batch + ".json");
                RunRecords.write(profile(out, backend, spec, resize, batch, warmup, steps), file);
                out.println("wrote " + file);
                return 0;
            }
            List<BenchRecord.Round> done = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {  // ours, then PyTorch's, back to back, every round
                if (rounds > 1) out.printf(Locale.ROOT, "round %d of %d%n", round, rounds);
                BenchRecord.Measurement ours = Benchmark.measure(backend, spec, resize, batch, warmup, steps);
                print(out, ours);
                BenchRecord.Measurement torch = f.has("--torch") ? torch(resize, batch, warmup, steps, out) : null;
                if (torch != null) print(out, torch);
                done.add(new BenchRecord.Round(ours, torch));
            }
            record = BenchRecord.of(backend.name(), backend.device(), resize, batch, done.getFirst().ours())
                    .withBackendProvenance(backend.provenance()).withRounds(done);
            if (rounds > 1) {
                out.printf(Locale.ROOT, "medians of %d rounds:%n", rounds);
                print(out, record.ours());
                if (record.reference() != null) print(out, record.reference());
            }
            if (record.reference() != null)
                out.printf(Locale.ROOT, "ratios (ours / PyTorch%s): training %.2f, inference %.2f, peak memory %.2f%n",
                        rounds > 1 ? ", median of the rounds' ratios" : "", record.trainRatio(), record.inferenceRatio(), record.memoryRatio());
            Path file = dir.resolve("bench-" + record.backend() + "-r" + resize + "-b" + batch + ".json");
            RunRecords.write(record, file);
            out.println("wrote " + file);
        }
        return 0;
    }

    /** Refuses a batch that cannot fit, then locks the output folder (which also proves it writable): before measuring. */
    private static RunLock lock(Path dir, NetworkSpec spec, int resize, int batch, Backend backend) throws IOException {
        MemoryBudget.require(spec, resize, batch, backend);
        return RunLock.acquire(dir, dir.resolve(Trainer.LOCK), "--out");
    }

    /** Refuses --torch at once when python3 cannot import torch (a second or two), instead of after our measurement. */
    static void requireTorch() throws IOException, InterruptedException {
        if (!Files.isRegularFile(TORCH_SCRIPT)) throw new IllegalArgumentException("--torch needs " + TORCH_SCRIPT + " (run from the repository root)");
        Process p;
        try {
            p = new ProcessBuilder(python(), "-c", "import torch").redirectErrorStream(true).start();
        } catch (IOException noPython) {
            throw new IllegalArgumentException("--torch needs python3 with PyTorch: cannot run " + python() + " (" + noPython.getMessage() + ")");
        }
        String said = new String(p.getInputStream().readAllBytes()).strip();
        if (!p.waitFor(5, TimeUnit.MINUTES)) p.destroyForcibly();
        if (p.isAlive() || p.exitValue() != 0) {
            String last = said.isEmpty() ? "exit " + (p.isAlive() ? "timeout" : p.exitValue()) : said.lines().reduce((a, b) -> b).orElse("");
            throw new IllegalArgumentException("--torch needs PyTorch, but " + python() + " cannot import torch (" + last
                    + "); install it (Debian: apt-get install python3-torch) or leave out --torch");
        }
    }

    /** The per-op table of a training step, the slowest first, with each op's share of the step; printed and returned. */
    private static ProfileRecord profile(PrintStream out, Backend backend, NetworkSpec spec, int resize, int batch, int warmup, int steps) {
        var entries = Benchmark.profileTraining(backend, spec, resize, batch, warmup, steps);
        double total = entries.stream().mapToDouble(TimedBackend.Entry::seconds).sum();
        out.printf(Locale.ROOT, "where a training step's %.1f ms go (per step, %d steps; each op waited for):%n", total * 1000, steps);
        for (var e : entries) {
            out.printf(Locale.ROOT, "  %-26s %-20s %3d× %8.2f ms %5.1f %%%n", e.op(), e.shape(), e.calls(), e.seconds() * 1000, 100 * e.seconds() / total);
        }
        Map<String, String> provenance = Provenance.collect();
        return new ProfileRecord(ProfileRecord.KIND, backend.name(), backend.device(), resize, batch, steps,
                entries.stream().map(e -> new ProfileRecord.Op(e.op(), e.shape().toString(), e.calls(), e.seconds() * 1000)).toList(),
                backend.provenance(), provenance, provenance.get("date"));
    }

    private static void print(PrintStream out, BenchRecord.Measurement m) {
        out.printf(Locale.ROOT, "%-32s training %8.1f images/s, inference %8.1f images/s, peak memory %,d MiB%n",
                m.by(), m.trainImagesPerSecond(), m.inferenceImagesPerSecond(), m.peakMemoryBytes() >> 20);
    }

    /** Runs the PyTorch script in its own process, after ours, so the two never share the cores. */
    private static BenchRecord.Measurement torch(int resize, int batch, int warmup, int steps, PrintStream out) throws IOException, InterruptedException {
        if (!Files.isRegularFile(TORCH_SCRIPT)) throw new IllegalArgumentException("--torch needs " + TORCH_SCRIPT + " (run from the repository root)");
        Path result = Files.createTempFile("torch-bench", ".json");
        List<String> command = new ArrayList<>(List.of(python(), TORCH_SCRIPT.toString(), "--resize", "" + resize,
                "--batch-size", "" + batch, "--warmup", "" + warmup, "--steps", "" + steps, "--out", result.toString()));
        out.println("running " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        withoutLauncherSettings(builder.environment());
        try {
            Process p = builder.start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("scripts/torch_bench.py failed (exit " + (p.isAlive() ? "timeout" : p.exitValue())
                        + "); run it by hand to see why: " + String.join(" ", command));
            }
            return RunRecords.readTorchBench(result);
        } finally {
            Files.deleteIfExists(result);
        }
    }

    /**
     * PyTorch runs with the user's environment: the malloc settings that ./nin chose for the JVM (it names
     * them in NIN_LAUNCHER_SET) are removed, so each side is measured as it runs by default.
     */
    static void withoutLauncherSettings(Map<String, String> environment) {
        String set = environment.getOrDefault("NIN_LAUNCHER_SET", "");
        for (String name : set.trim().split("\\s+")) if (!name.isEmpty()) environment.remove(name);
        environment.remove("NIN_LAUNCHER_SET");
    }

    /**
     * Debian's python3-torch installs for /usr/bin/python3; fall back to python3 on the PATH. The system property
     * nin.python names another (tests use it for a python without torch).
     */
    static String python() {
        String chosen = System.getProperty("nin.python");
        if (chosen != null && !chosen.isBlank()) return chosen;
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }
}
