package dev.nin.book;

import dev.nin.train.record.ProfileRecord;
import dev.nin.train.record.RunRecords;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The performance appendix's per-op table: the profiles of one training step ({@code ./nin bench --profile}) side by
 * side, one column per profile (e.g. the convolutions in libnd4j, then in oneDNN called directly), one row per kind of
 * op, in milliseconds per step.
 */
final class OpProfiles {
    private OpProfiles() {
    }

    /** Kinds of op as the reader thinks of them, in the order of a step. */
    static String kind(String op) {
        return switch (op) {
            case "upload", "resizeBilinear" -> "input: upload and resize to the network's size";
            case "conv2dForward", "conv2dBiasReluForward" -> "convolution forward (with bias and ReLU)";
            case "maxPool2d" -> "max pooling forward";
            case "dropout" -> "dropout forward";
            case "globalAvgPool", "globalAvgPoolBackward" -> "global average pooling, both ways";
            case "softmaxCrossEntropy" -> "softmax cross-entropy and its gradient";
            case "dropoutBackward" -> "dropout backward";
            case "maxPool2dBackward" -> "max pooling backward";
            case "maxPool2dReluBackward" -> "max pooling backward (with the ReLU's before it)";
            case "reluBackward", "relu" -> "ReLU backward";
            case "conv2dBackward", "conv2dBackwardData", "conv2dBackwardFilter" -> "convolution backward (data, weights, bias)";
            case "sgdStep", "sgdMomentumStep" -> "SGD update";
            default -> "other (" + op + ")";
        };
    }

    /** Every profile record under {@code results} (any folder), by file name. */
    static List<ProfileRecord> read(Path results) throws IOException {
        if (!Files.isDirectory(results)) return List.of();
        List<ProfileRecord> list = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(results)) {
            for (Path f : walk.filter(p -> p.getFileName().toString().startsWith("profile-") && p.toString().endsWith(".json")).sorted().toList()) {
                list.add(RunRecords.read(f, ProfileRecord.class));
            }
        }
        return list;
    }

    /** One table per (resize, batch), a column per profile, the slowest kinds first by the first profile. */
    static String table(List<ProfileRecord> profiles) {
        if (profiles.isEmpty()) return "No profile is committed yet: `./nin bench --profile` writes one.\n";
        Map<String, List<ProfileRecord>> bySize = new TreeMap<>();
        for (ProfileRecord p : profiles) bySize.computeIfAbsent("%d×%d, batch %d, %s".formatted(p.resize(), p.resize(), p.batchSize(), p.device()), k -> new ArrayList<>()).add(p);
        StringBuilder sb = new StringBuilder();
        bySize.forEach((size, ps) -> {
            List<Map<String, Double>> kinds = ps.stream().map(OpProfiles::byKind).toList();
            List<String> rows = new ArrayList<>(kinds.getFirst().keySet());
            kinds.forEach(k -> k.keySet().stream().filter(x -> !rows.contains(x)).forEach(rows::add));
            rows.sort((a, b) -> Double.compare(kinds.getFirst().getOrDefault(b, 0.0), kinds.getFirst().getOrDefault(a, 0.0)));
            sb.append(".One training step at ").append(size).append(", milliseconds per step\n");
            sb.append("[cols=\"4").append(",>2".repeat(ps.size())).append("\",options=\"header\"]\n|===\n|Op");
            for (ProfileRecord p : ps) sb.append(" |Convolutions in ").append(p.engine().getOrDefault("convolutions", p.backend()));
            sb.append('\n');
            for (String row : rows) {
                sb.append('|').append(row);
                for (Map<String, Double> k : kinds) sb.append(" |").append(k.containsKey(row) ? "%.1f".formatted(k.get(row)) : "–");
                sb.append('\n');
            }
            sb.append("|*the whole step*");
            for (ProfileRecord p : ps) sb.append(" |*%.1f* (%.0f images/s)".formatted(p.totalMilliseconds(), 1000 * p.batchSize() / p.totalMilliseconds()));
            sb.append("\n|===\n\n");
        });
        return sb.toString();
    }

    private static Map<String, Double> byKind(ProfileRecord p) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (ProfileRecord.Op op : p.ops()) m.merge(kind(op.op()), op.milliseconds(), Double::sum);
        return m;
    }
}
