package dev.nin.book;

import dev.nin.data.FashionMnist;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Exercise 1's tuning table: the chapter's network trained with one change at a time ({@code scripts/tuning-runs},
 * records in {@code results/<device>/tuning/NAME-s<seed>.json}) beside the runs it changes from, the exercises' short recipe's
 * own NiN runs ({@code results/<device>/variants/nin-s<seed>.json}): mean and range of the final test accuracy over
 * seeds, and the difference from the base. Records without a seed in their name (earlier one-off runs) form
 * rows of their own.
 */
final class TuningRuns {
    static final String BASE = "base";
    /** The backend of runs made by PyTorch on the same recipe (scripts/torch_default.py), as a cross-check. */
    static final String PYTORCH = "pytorch";
    private static final Pattern SEEDED = Pattern.compile("(.+)-s(\\d+)\\.json");

    private TuningRuns() {
    }

    /** One row: a change's name and its runs over seeds. */
    record Row(String name, List<RunRecord> runs) {
        double[] accuracies() {
            return runs.stream().map(RunRecord::lastEpoch).filter(Objects::nonNull).mapToDouble(EpochMetrics::testAcc).toArray();
        }

        /** Runs stopped before their first epoch ended (a dead run the health check caught) have no test accuracy. */
        boolean allFinished() {
            return accuracies().length == runs.size();
        }

        double mean() {
            return Arrays.stream(accuracies()).average().orElse(Double.NaN);
        }

        Map<String, Object> config() {
            return runs.getFirst().config();
        }
    }

    /**
     * The base row (the short recipe's NiN runs) first, then every tuning change, the best mean first; a row with a
     * run that never finished an epoch comes after those whose runs all did, since its mean leaves that run out.
     */
    static List<Row> read(Path results) throws IOException {
        Map<String, List<RunRecord>> byName = new LinkedHashMap<>();
        for (Path f : files(results, "variants")) {
            Matcher m = SEEDED.matcher(f.getFileName().toString());
            if (m.matches() && m.group(1).equals("nin")) byName.computeIfAbsent(BASE, k -> new ArrayList<>()).add(RunRecords.read(f));
        }
        for (Path f : files(results, "tuning")) {
            Matcher m = SEEDED.matcher(f.getFileName().toString());
            String name = m.matches() ? m.group(1) : f.getFileName().toString().replaceFirst("\\.json$", "");
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(RunRecords.read(f));
        }
        List<Row> rows = new ArrayList<>(byName.entrySet().stream().map(e -> new Row(e.getKey(), e.getValue())).toList());
        rows.sort(java.util.Comparator.comparing((Row r) -> !r.name().equals(BASE)).thenComparing(r -> !r.allFinished())
                .thenComparing(r -> -r.mean()));
        return rows;
    }

    /** The records of results/cpu/FOLDER (the CPU's: a GPU's runs have another recipe and budget). */
    private static List<Path> files(Path results, String folder) throws IOException {
        Path dir = results.resolve("cpu").resolve(folder);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** The table, one row per change, with what differs from the base in bold. */
    static String table(List<Row> rows) {
        if (rows.stream().noneMatch(r -> !r.name().equals(BASE))) {
            return "No tuning runs are committed yet: `scripts/tuning-runs` makes them.\n";
        }
        Row base = rows.stream().filter(r -> r.name().equals(BASE)).findFirst().orElse(null);
        StringBuilder sb = new StringBuilder("""
                [cols="3,6,>1,>3,>2,>2,>1,3",options="header"]
                |===
                |Run |Recipe (what differs from the base in bold) |Seeds |Final test accuracy, mean (lowest – highest) |Change from the base |Minutes per run (our engine) |Dead |Classes never answered at the end, seed by seed
                """);
        for (Row r : rows) {
            Map<String, Object> c = r.config();
            double[] acc = r.accuracies();
            String range = acc.length < 2 ? "" : " (%.3f – %.3f)".formatted(Arrays.stream(acc).min().orElse(0), Arrays.stream(acc).max().orElse(0));
            String delta = base == null || r == base ? "–" : "%+.3f".formatted(r.mean() - base.mean());
            double minutes = r.runs().stream().mapToDouble(RunRecord::wallSeconds).average().orElse(0) / 60;
            long dead = dead(r);
            String recipe = "%s init, lr %s, batch %s, %s images × %s epochs, %s".formatted(differs(base, c, "init"), differs(base, c, "lr"),
                    differs(base, c, "batchSize"), examples(base, c), differs(base, c, "epochs"), optimizer(c));
            boolean pytorch = PYTORCH.equals(r.runs().getFirst().backend());  // a cross-check of outcomes, timed alongside other work
            if (pytorch) recipe = "*in PyTorch* (scripts/torch_default.py): " + recipe;
            sb.append("|%s |%s |%s |%s |%s |%s |%d |%s%n".formatted(
                    r.name().equals(BASE) ? "the short recipe (base)" : "`" + r.name() + "`", recipe,
                    String.join(", ", r.runs().stream().map(x -> String.valueOf(x.config().get("seed"))).toList()),
                    acc.length == 0 ? "–" : "%.3f%s%s".formatted(r.mean(), range,
                            r.allFinished() ? "" : ", %d of %d runs finished".formatted(acc.length, r.runs().size())), delta,
                    pytorch ? "–" : "%.1f".formatted(minutes), dead,
                    neverAnswered(r)));
        }
        return sb.append("|===\n").toString();
    }

    /**
     * Per run, its seed and the classes its last epoch never answered on the test set ("none"), "–" for a run whose
     * record has no split by class (older records, or one stopped before its first epoch ended); one "–" when no run has.
     */
    static String neverAnswered(Row r) {
        if (r.runs().stream().allMatch(x -> x.lastEpoch() == null || x.lastEpoch().testByClass() == null)) return "–";
        return String.join("; ", r.runs().stream().map(x -> {
            EpochMetrics last = x.lastEpoch();
            String seed = x.config().get("seed") + ": ";
            if (last == null || last.testByClass() == null) return seed + "–";
            List<Integer> never = last.testByClass().neverAnswered();
            if (never.size() == last.testByClass().classes() - 1)  // one answer for every image: a dead run
                return seed + "all but " + FashionMnist.CLASS_NAMES.get(java.util.stream.IntStream.range(0, last.testByClass().classes())
                        .filter(c -> !never.contains(c)).findFirst().orElseThrow()) + " (one answer for every image)";
            return seed + (never.isEmpty() ? "none" : String.join(", ", never.stream().map(FashionMnist.CLASS_NAMES::get).toList()));
        }).toList());
    }

    /** A row's runs that did not complete, or completed at ln 10: dead, stopped by the health check or not. */
    static long dead(Row r) {
        return r.runs().stream().filter(x -> !x.outcome().equals(RunRecord.COMPLETED) || VariantRuns.endsAtLnTen(x)).count();
    }

    /** How many of a row's runs ended with some class never answered (runs without the split are not counted). */
    static long runsShuttingOutAClass(Row r) {
        return r.runs().stream().map(RunRecord::lastEpoch)
                .filter(e -> e != null && e.testByClass() != null && !e.testByClass().neverAnswered().isEmpty()).count();
    }

    /** A configuration value, in bold where it differs from the base's. */
    private static String differs(Row base, Map<String, Object> c, String key) {
        String v = String.valueOf(c.get(key));
        return base != null && !v.equals(String.valueOf(base.config().get(key))) ? "*" + v + "*" : v;
    }

    /** "30,000" or "all 60,000", in bold where it differs from the base's. */
    private static String examples(Row base, Map<String, Object> c) {
        long limit = Long.parseLong(String.valueOf(c.getOrDefault("limit", 0)));
        String text = limit == 0 ? "all 60,000" : "%,d".formatted(limit);
        return base != null && !String.valueOf(c.get("limit")).equals(String.valueOf(base.config().get("limit"))) ? "*" + text + "*" : text;
    }

    private static String optimizer(Map<String, Object> c) {
        String extra = VariantRuns.optimizer(c);
        return extra.isEmpty() ? "plain SGD" : "*SGD" + extra + "*";
    }

    /**
     * Attributes for the prose: {@code {tuning-NAME-mean}}, {@code {tuning-NAME-delta}} (signed, from the base) and
     * {@code {tuning-NAME-seeds}} for every row, NAME with dots as underscores; {@code {tuning-base-mean}};
     * {@code {tuning-NAME-lowest}}: its lowest final test accuracy; {@code {tuning-NAME-runs-shutting-out-a-class}}:
     * its runs whose last epoch never answered some class; {@code {tuning-NAME-dead}}: its dead runs.
     */
    static String attributes(List<Row> rows) {
        Row base = rows.stream().filter(r -> r.name().equals(BASE)).findFirst().orElse(null);
        StringBuilder sb = new StringBuilder();
        for (Row r : rows) {
            String key = "tuning-" + r.name().replace('.', '_');
            sb.append(String.format(Locale.ROOT, ":%s-mean: %.3f%n", key, r.mean()));
            sb.append(String.format(Locale.ROOT, ":%s-lowest: %.3f%n", key, Arrays.stream(r.accuracies()).min().orElse(Double.NaN)));
            sb.append(":%s-seeds: %d%n".formatted(key, r.runs().size()));
            if (base != null) sb.append(String.format(Locale.ROOT, ":%s-delta: %+.3f%n", key, r.mean() - base.mean()));
            sb.append(":%s-runs-shutting-out-a-class: %d%n".formatted(key, runsShuttingOutAClass(r)));
            sb.append(":%s-dead: %d%n".formatted(key, dead(r)));
        }
        return sb.toString();
    }
}
