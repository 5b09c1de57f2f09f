package dev.nin.book;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nin.model.NinVariants;
import dev.nin.train.HealthCheck;
import dev.nin.train.record.EpochMetrics;
import dev.nin.train.record.RunRecord;
import dev.nin.train.record.RunRecords;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The exercises' training evidence: every committed run record that names its variant ({@code ./nin train
 * --variant}), grouped by configuration and variant, with the final test accuracy's mean and range over seeds
 * and the runs that did not complete.
 */
final class VariantRuns {

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private VariantRuns() {
    }

    /**
     * The records in folders named {@code variants} under {@code results} whose configuration names a variant (runs
     * of the chapter's network with other hyper-parameters, in {@code tuning}, are {@link TuningRuns}').
     */
    static List<RunRecord> read(Path results) throws IOException {
        if (!Files.isDirectory(results)) return List.of();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(results)) {
            files = walk.filter(f -> f.toString().endsWith(".json") && f.getParent().getFileName().toString().equals("variants"))
                    .sorted().toList();
        }
        List<RunRecord> runs = new ArrayList<>();
        for (Path f : files) {
            JsonNode json = JSON.readTree(Files.readAllBytes(f));
            if (json != null && json.has("epochs") && json.has("outcome") && json.path("config").has("variant")) runs.add(RunRecords.read(f));
        }
        return runs;
    }

    /** One table per configuration (resize, epochs, lr, batch, init, examples), one row per variant in the book's order. */
    static String table(List<RunRecord> runs) {
        if (runs.isEmpty()) {
            return "No variant runs are committed yet. `./nin train --variant NAME --seed S` writes one; its `run.json`, "
                    + "copied under `docs/results/`, appears here.\n";
        }
        Map<String, Map<String, List<RunRecord>>> byConfig = new TreeMap<>();
        for (RunRecord r : runs) {
            Map<String, Object> c = r.config();
            String config = "resize %s, %s epoch%s, lr %s%s, batch %s, %s init, %s examples, %s".formatted(c.get("resize"), c.get("epochs"),
                    "1".equals(String.valueOf(c.get("epochs"))) ? "" : "s", c.get("lr"), optimizer(c), c.get("batchSize"), c.get("init"), "0".equals(String.valueOf(c.get("limit"))) ? "all" : "%,d".formatted(Long.parseLong(String.valueOf(c.get("limit")))), r.device());
            byConfig.computeIfAbsent(config, k -> new TreeMap<>()).computeIfAbsent(String.valueOf(c.get("variant")), k -> new ArrayList<>()).add(r);
        }
        StringBuilder sb = new StringBuilder();
        byConfig.forEach((config, byVariant) -> {
            sb.append(".").append(config).append('\n').append("""
                    [cols="2,>1,>2,>2,>1",options="header"]
                    |===
                    |Variant |Seeds |Final test accuracy, mean |Lowest – highest |Dead (at ln 10) or stopped
                    """);
            List<String> order = new ArrayList<>(NinVariants.NAMES);
            byVariant.keySet().stream().filter(v -> !order.contains(v)).forEach(order::add);
            for (String variant : order) {
                List<RunRecord> rs = byVariant.get(variant);
                if (rs == null) continue;
                double[] acc = rs.stream().map(RunRecord::lastEpoch).filter(e -> e != null).mapToDouble(EpochMetrics::testAcc).toArray();
                long failed = rs.stream().filter(r -> !r.outcome().equals(RunRecord.COMPLETED) || endsAtLnTen(r)).count();
                String seeds = String.join(", ", rs.stream().map(r -> String.valueOf(r.config().get("seed"))).toList());
                sb.append("|%s |%s |%s |%s |%d%n".formatted(variant, seeds,
                        acc.length == 0 ? "–" : "%.3f".formatted(Arrays.stream(acc).average().orElse(0)),
                        acc.length == 0 ? "–" : "%.3f – %.3f".formatted(Arrays.stream(acc).min().orElse(0), Arrays.stream(acc).max().orElse(0)),
                        failed));
            }
            sb.append("|===\n\n");
        });
        return sb.toString();
    }

    /** ", momentum 0.9, warmup-cosine": what a record's optimizer adds to d2l's plain SGD at a constant rate (older records: nothing). */
    static String optimizer(Map<String, Object> c) {
        StringBuilder sb = new StringBuilder();
        Object momentum = c.get("momentum"), decay = c.get("weightDecay"), schedule = c.get("schedule");
        if (momentum != null && Double.parseDouble(String.valueOf(momentum)) != 0) sb.append(", momentum ").append(momentum);
        if (decay != null && Double.parseDouble(String.valueOf(decay)) != 0) sb.append(", weight decay ").append(decay);
        if (schedule != null && !"constant".equals(schedule)) sb.append(", ").append(schedule);
        Object clip = c.get("clipNorm");
        if (clip != null && Double.parseDouble(String.valueOf(clip)) != 0) sb.append(", gradient norm clipped at ").append(clip);
        return sb.toString();
    }

    /**
     * A run that completed its epochs with its loss still at ln 10 (ten equal scores) and chance accuracy: dead,
     * though no health check stopped it (the check watches the last ReLU, and the dead layer may be another).
     * 0.005 is far below any loss a learning run reports and far above the float rounding of ln 10.
     */
    static boolean endsAtLnTen(RunRecord r) {
        EpochMetrics last = r.lastEpoch();
        return last != null && Math.abs(last.loss() - HealthCheck.CHANCE_LOSS) < 0.005 && last.testAcc() <= 0.11;
    }
}
