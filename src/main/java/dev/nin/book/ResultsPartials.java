package dev.nin.book;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nin.train.record.BenchRecord;
import dev.nin.train.record.RecordFileException;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;
import dev.nin.train.record.SavedTensorsRecord;
import dev.nin.train.record.ProfileRecord;
import dev.nin.train.record.StudyRecord;
import dev.nin.train.record.TorchNinResults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Turns the committed run records under {@code docs/results/} into what the book includes, written by the
 * build ({@code prepare-package}) into {@code target/book-facts/results/} beside {@link BookFacts}' output.
 * Names are fixed or follow the record's path, so a chapter can include them:
 * <ul>
 * <li>{@code <name>.adoc} and {@code <name>.svg} per record, where {@code <name>} is the record's path under
 *     {@code docs/results/} without ".json" and with "/" as "-": {@code gpu/nin-lr0.1.json} →
 *     {@code gpu-nin-lr0.1}. A torch_nin.py file holding several seeds also gets {@code <name>-seed<N>} per run.</li>
 * <li>{@code group-gpu.adoc}, {@code group-cpu.adoc}, {@code group-bench.adoc} (and one per other folder):
 *     every record of that folder.</li>
 * <li>{@code all.adoc}: every record; {@code learner-comparison.adoc}: the learner's GTX 1660 Ti runs beside
 *     ours at the same lr; {@code bench-comparison.adoc}: ours against PyTorch, with ratios and machine.</li>
 * </ul>
 * The fixed partials always exist and say "no record yet" when there is none, so the book builds either way.
 */
public final class ResultsPartials {

    /** The folder under the generated directory, as chapters write it: {@code {generated}/results/}. */
    public static final String FOLDER = "results";

    /** Folders whose group partial exists even before their first record. */
    static final List<String> GROUPS = List.of("gpu", "cpu", "bench");

    static final String ALL = "all", LEARNER_COMPARISON = "learner-comparison", BENCH_COMPARISON = "bench-comparison",
            PROVENANCE = "provenance", FACTS = "facts";

    /**
     * Figures that put runs side by side, for the training chapter's story: {@code compare-<id>.adoc} (with its
     * SVG), each run in its own colour. The title is what the runs share, each legend entry what differs.
     */
    record Comparison(String id, List<String> records) {
    }

    static final List<Comparison> COMPARISONS = List.of(
            new Comparison("working-and-dying", List.of("cpu/quick-default-kaiming.json", "cpu/nin-quick.json")),
            new Comparison("xavier-and-kaiming", List.of("cpu/quick-xavier-lr0.05.json", "cpu/quick-kaiming-lr0.05.json")),
            new Comparison("variants-seed-1", List.of("cpu/variants/nin-s1.json", "cpu/variants/one-1x1-s1.json",
                    "cpu/variants/head-3x3-s1.json", "cpu/variants/head-1x1-s1.json", "cpu/variants/no-final-relu-s1.json")),
            new Comparison("chapter-r96", List.of("cpu/chapter-r96/lr0.1.json", "cpu/chapter-r96/lr0.05.json")),
            new Comparison("gpu-chapter", List.of("gpu/nin-lr0.1.json", "gpu/nin-lr0.05.json", "gpu/torch-nin-lr0.1.json")));

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** One record as the book shows it: a training run (ours or PyTorch's), a bench record, or PyTorch's bench alone. */
    sealed interface Entry permits Run, Bench, TorchBench, Study {
        String name();
    }

    record Run(String name, RunRecord record) implements Entry {
    }

    record Bench(String name, BenchRecord record) implements Entry {
    }

    /** A torch_bench.py result committed on its own: PyTorch's numbers with the machine it names. */
    record TorchBench(String name, BenchRecord.Measurement measurement, Map<String, String> provenance) implements Entry {
    }

    /** A dead-run study ({@code ./nin study}): many short runs of NiN and its control, one table and one plot. */
    record Study(String name, StudyRecord record) implements Entry {
    }

    /** One JSON file under docs/results: its path there, partial name, folder, and the records it holds. */
    record Source(String path, String name, String group, List<Entry> entries) {
    }

    private ResultsPartials() {
    }

    /** {@code ResultsPartials [docs/results [target/book-facts]]} */
    public static void main(String[] args) throws IOException {
        // the build runs this inside Maven's JVM on machines without a display; charts need no screen
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
        Path results = Path.of(args.length > 0 ? args[0] : "docs/results");
        Path generated = Path.of(args.length > 1 ? args[1] : "target/book-facts");
        List<Path> written = generate(results, generated);
        System.out.println("ResultsPartials: " + written.size() + " files from " + results + " in " + generated.resolve(FOLDER));
    }

    /** Reads every record under {@code resultsDir} and writes the partials and plots; returns the files written. */
    public static List<Path> generate(Path resultsDir, Path generatedDir) throws IOException {
        List<Source> sources = load(resultsDir);
        Path out = generatedDir.resolve(FOLDER);
        clean(out);
        Files.createDirectories(out);
        List<Path> written = new ArrayList<>();
        List<StudyRecord.ProbedCheckpoint> probes = entries(sources, Study.class).stream()
                .flatMap(study -> study.record().checkpoints().stream()).toList();
        List<String> provenances = new ArrayList<>();
        for (Source source : sources) {
            for (Entry entry : source.entries()) {
                written.addAll(writeEntry(source, entry, out, probes));
                written.add(write(out, entry.name() + "-provenance", provenance(source, entry)));
                provenances.add(entry.name() + "-provenance");
            }
            if (source.entries().size() != 1 || !source.entries().getFirst().name().equals(source.name()))
                written.add(write(out, source.name(), ResultTables.includes(source.entries().stream().map(Entry::name).toList())));
        }
        List<String> groups = new ArrayList<>(GROUPS);
        sources.stream().map(Source::group).filter(g -> !g.isEmpty() && !groups.contains(g)).distinct().forEach(groups::add);
        for (String group : groups) {
            List<Source> inGroup = sources.stream().filter(s -> s.group().equals(group)).toList();
            written.add(write(out, "group-" + group, inGroup.isEmpty() ? ResultTables.noRecord("docs/results/" + group + "/")
                    : ResultTables.includes(inGroup.stream().map(Source::name).toList())));
        }
        written.add(write(out, ALL, sources.isEmpty() ? ResultTables.noRecord("docs/results/")
                : ResultTables.includes(sources.stream().map(Source::name).toList())));
        List<Run> runs = entries(sources, Run.class);
        written.add(write(out, LEARNER_COMPARISON, ResultTables.learnerComparison(runs, probes)));
        written.add(write(out, PROVENANCE, provenances.isEmpty() ? ResultTables.noRecord("docs/results/") : ResultTables.includes(provenances)));
        written.add(write(out, FACTS, RecordFacts.attributes(runs)));
        for (Comparison comparison : COMPARISONS) written.addAll(writeComparison(comparison, sources, out));
        List<Bench> benches = entries(sources, Bench.class).stream()
                .sorted(java.util.Comparator.comparingInt((Bench b) -> b.record().resize()).thenComparingInt(b -> b.record().batchSize())).toList();
        written.add(write(out, BENCH_COMPARISON, ResultTables.benchComparison(benches, entries(sources, TorchBench.class))));
        if (benches.stream().anyMatch(b -> b.record().reference() != null)) {
            Path svg = out.resolve(BENCH_COMPARISON + ".svg");
            BenchmarkPlot.writeRatioSvg(benches.stream().map(Bench::record).toList(), svg);
            written.add(svg);
        }
        return written;
    }

    private static String provenance(Source source, Entry entry) {
        Map<String, String> provenance = switch (entry) {
            case Run run -> run.record().provenance();
            case Bench bench -> bench.record().provenance();
            case Study study -> study.record().provenance();
            case TorchBench torch -> torch.provenance();
        };
        return ResultTables.provenance(source.path(), entry.name(), provenance);
    }

    /** A comparison figure of committed runs, or a line saying which record it still waits for. */
    private static List<Path> writeComparison(Comparison comparison, List<Source> sources, Path out) throws IOException {
        List<Run> runs = new ArrayList<>();
        for (String path : comparison.records()) {
            Source source = sources.stream().filter(s -> s.path().equals(path)).findFirst().orElse(null);
            if (source == null || !(source.entries().getFirst() instanceof Run run))
                return List.of(write(out, "compare-" + comparison.id(), ResultTables.noRecord("docs/results/" + path)));
            runs.add(run);
        }
        List<List<String>> parts = runs.stream().map(r -> List.of(TrainingPlot.configuration(r.record()).split(" · "))).toList();
        List<String> shared = parts.getFirst().stream().filter(p -> parts.stream().allMatch(q -> q.contains(p))).toList();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            List<String> own = parts.get(i).stream().filter(p -> !shared.contains(p)).toList();
            labels.add(String.join(", ", own.isEmpty() ? List.of(runs.get(i).name()) : own));
        }
        // runs alike in configuration but made by different code (ours and PyTorch's) are told apart by it
        boolean alike = labels.stream().distinct().count() < labels.size();
        List<TrainingPlot.Labelled> labelled = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            String backend = runs.get(i).record().backend();
            String by = backend.startsWith("PyTorch") ? "PyTorch" : "Java";
            labelled.add(new TrainingPlot.Labelled(alike ? labels.get(i) + " (" + by + ")" : labels.get(i), runs.get(i).record()));
        }
        Path svg = out.resolve("compare-" + comparison.id() + ".svg");
        TrainingPlot.writeComparisonSvg(String.join(" · ", shared), labelled, svg);
        String caption = "." + Adoc.text(String.join(" against ", labelled.stream().map(TrainingPlot.Labelled::label).toList())
                + (runs.size() == 2 ? "; both " : "; all ") + String.join(", ", shared) + ". Records: " + String.join(", ", comparison.records())) + "\n";
        return List.of(svg, write(out, "compare-" + comparison.id(), caption + "image::{generated}/" + FOLDER + "/compare-"
                + comparison.id() + ".svg[" + String.join(" and ", labelled.stream().map(TrainingPlot.Labelled::label).toList())
                .replace(",", "") + ",opts=inline]\n"));
    }

    private static List<Path> writeEntry(Source source, Entry entry, Path out, List<StudyRecord.ProbedCheckpoint> probes) throws IOException {
        Path svg = out.resolve(entry.name() + ".svg");
        return switch (entry) {
            case Run run -> {
                TrainingPlot.writeSvg(run.record(), svg);
                yield List.of(svg, write(out, run.name(), ResultTables.run(source.path(), run, probes)));
            }
            case Bench bench -> {
                BenchmarkPlot.writeSvg(bench.record(), svg);
                yield List.of(svg, write(out, bench.name(), ResultTables.bench(source.path(), bench)));
            }
            case Study study -> {
                Path channels = out.resolve(study.name() + "-channels.svg");
                StudyPlot.writeSvg(study.record(), svg);
                StudyPlot.writeChannelsSvg(study.record(), channels);
                yield List.of(svg, channels, write(out, study.name(), StudyTables.study(source.path(), study)),
                        write(out, study.name() + "-summary", StudyTables.summary(study.record())));
            }
            // PyTorch's numbers alone have nothing to be compared with in a plot: a table only
            case TorchBench torch -> List.of(write(out, torch.name(), ResultTables.torchBench(source.path(), torch)));
        };
    }

    /** Every JSON file under {@code resultsDir}, sorted by path so the book lists records in a stable order. */
    static List<Source> load(Path resultsDir) throws IOException {
        if (!Files.isDirectory(resultsDir)) return List.of();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(resultsDir)) {
            files = walk.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        List<Source> sources = new ArrayList<>();
        Map<String, String> taken = new LinkedHashMap<>(); // partial name → the file that claimed it
        for (Path file : files) {
            String relative = resultsDir.relativize(file).toString().replace('\\', '/');
            String name = nameOf(relative);
            String group = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : "";
            List<Entry> entries = read(file, name);
            for (String claimed : Stream.concat(Stream.of(name), entries.stream().map(Entry::name)).distinct().toList()) {
                if (reserved(claimed) || taken.containsKey(claimed))
                    throw new RecordFileException(file, "its partial name \"" + claimed + "\" is already "
                            + (reserved(claimed) ? "a fixed partial of the book" : "taken by " + taken.get(claimed))
                            + "; rename the file", null);
                taken.put(claimed, relative);
            }
            sources.add(new Source(relative, name, group, entries));
        }
        return sources;
    }

    /** "gpu/nin lr=0.1.json" → "gpu-nin-lr-0.1": the path without ".json", anything but letters, digits, ".", "_" as "-". */
    static String nameOf(String relativePath) {
        String stem = relativePath.substring(0, relativePath.length() - ".json".length());
        return stem.replaceAll("[^A-Za-z0-9._]+", "-").replaceAll("^-+|-+$", "");
    }

    private static boolean reserved(String name) {
        return name.equals(ALL) || name.equals(LEARNER_COMPARISON) || name.equals(BENCH_COMPARISON) || name.startsWith("group-")
                || name.equals(PROVENANCE) || name.equals(FACTS) || name.startsWith("compare-") || name.endsWith("-provenance") || name.endsWith("-summary");
    }

    /** What kind of record a file holds, told by its fields; anything else is an error naming the file. */
    static List<Entry> read(Path file, String name) throws IOException {
        JsonNode json;
        try {
            json = JSON.readTree(Files.readAllBytes(file));
        } catch (JacksonException e) {
            throw new RecordFileException(file, "not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (TorchNinResults.looksLike(json)) {
            List<RunRecord> runs = TorchNinResults.read(file);
            List<Entry> entries = new ArrayList<>();
            for (RunRecord run : runs)
                entries.add(new Run(runs.size() == 1 ? name : name + "-seed" + run.config().get("seed"), run));
            return entries;
        }
        if (json != null && "pytorch".equals(json.path("framework").asText())) {
            Map<String, String> provenance = new LinkedHashMap<>();
            for (String field : List.of("cpu", "cores", "threads", "version", "date"))
                if (json.hasNonNull(field)) provenance.put(field, json.get(field).asText());
            return List.of(new TorchBench(name, RunRecords.readTorchBench(file), provenance));
        }
        if (json != null && (json.has("ours") || "bench".equals(json.path("kind").asText())))
            return List.of(new Bench(name, RunRecords.readBench(file)));
        if (json != null && StudyRecord.KIND.equals(json.path("kind").asText()))
            return List.of(new Study(name, RunRecords.read(file, StudyRecord.class)));
        if (json != null && ProfileRecord.KIND.equals(json.path("kind").asText())) {
            RunRecords.read(file, ProfileRecord.class);  // a broken record fails here, naming the file
            return List.of();  // the performance appendix shows it (BookFacts)
        }
        if (json != null && SavedTensorsRecord.KIND.equals(json.path("kind").asText())) {
            RunRecords.read(file, SavedTensorsRecord.class);  // a broken record fails here, naming the file
            return List.of();  // the exercises chapter's memory table shows it (BookFacts)
        }
        if (json != null && json.has("epochs") && json.has("outcome"))
            return List.of(new Run(name, RunRecords.read(file)));
        throw new RecordFileException(file, "not a record the book knows: expected a RunRecord (\"epochs\", \"outcome\"), "
                + "a BenchRecord (\"ours\"), a dead-run study (\"kind\": \"dead-run-study\"), a torch_nin.py result (\"runs\", \"torch\") or a torch_bench.py result "
                + "(\"framework\": \"pytorch\")", null);
    }

    private static <T extends Entry> List<T> entries(List<Source> sources, Class<T> type) {
        return sources.stream().flatMap(s -> s.entries().stream()).filter(type::isInstance).map(type::cast).toList();
    }

    private static Path write(Path out, String name, String text) throws IOException {
        Path file = out.resolve(name + ".adoc");
        Files.writeString(file, text);
        return file;
    }

    /** A record removed from docs/results must not live on in the book: the folder is rebuilt each time. */
    private static void clean(Path out) throws IOException {
        if (!Files.isDirectory(out)) return;
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.toList()) {
                String n = f.getFileName().toString();
                if (Files.isRegularFile(f) && (n.endsWith(".adoc") || n.endsWith(".svg"))) Files.delete(f);
            }
        }
    }
}
