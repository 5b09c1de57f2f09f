package dev.nin.train;

import dev.nin.testing.Agreement;
import dev.nin.testing.CurveAgreement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The PyTorch oracle's measured distances as an AsciiDoc table in the book's generated folder (system property
 * {@code nin.reports}): {@code torch-oracle.adoc}, which the appendix includes. Every number is this build's.
 */
final class OracleReport {
    static final String FILE = "torch-oracle.adoc";
    private static final List<String> rows = new ArrayList<>(), curves = new ArrayList<>();
    private static String device = "";

    private OracleReport() {
    }

    /** The partial when the oracle cannot run on the machine building the book (null: it can). */
    static void skipped(String why) throws IOException {
        if (why != null) write("NOTE: Not measured in this build: " + why + ".\n");
    }

    /** One case: its logits and loss, and of its gradients the one that uses the most of its tolerance. */
    static synchronized void add(String machine, String title, List<Agreement> checks) {
        device = machine;
        List<Agreement> grads = checks.stream().filter(a -> a.what().startsWith("grad.")).toList();
        for (Agreement a : checks) if (!a.what().startsWith("grad.")) rows.add(row(title, a.what(), a));
        grads.stream().max(Comparator.comparingDouble(Agreement::share))
                .ifPresent(worst -> rows.add(row(title, grads.size() + " gradients; closest to its tolerance: " + worst.what().substring(5), worst)));
    }

    /** A loss curve's comparison. */
    static synchronized void add(String machine, String title, CurveAgreement c) {
        device = machine;
        curves.add(String.format(Locale.ROOT, "| %s | %s | %.2g | %.2g | %d | %.0f%%%n", title,
                c.parts() == 0 ? "never" : "step " + c.parts(), c.maxDifference(), c.maxSpread(), c.worstStep() + 1, 100 * c.worstExcess()));
    }

    private static String row(String title, String what, Agreement a) {
        return String.format(Locale.ROOT, "| %s | %s | %.2g | %.2g | %.2g | %.2g | %.2f | %.0f%%%n",
                title, what, a.scale(), a.maxDifference(), a.oursFromExact(), a.torchFromExact(), a.ratio(), 100 * a.share());
    }

    static synchronized void write() throws IOException {
        if (rows.isEmpty() && curves.isEmpty()) return;
        StringBuilder sb = new StringBuilder();
        sb.append("Measured by `TorchOracleTest` in this build on ").append(device).append(".\n\n");
        if (!rows.isEmpty()) {
            sb.append("[cols=\"3,3,1,1,1,1,1,1\",options=\"header\"]\n|===\n");
            sb.append("| case | compared | max \\|value\\| | max \\|ours − PyTorch\\| | ours from float64 | PyTorch float32 from float64 | ratio | share of the tolerance used\n");
            rows.forEach(sb::append);
            sb.append("|===\n");
        }
        if (!curves.isEmpty()) {
            sb.append("\n[cols=\"3,1,1,1,1,1\",options=\"header\"]\n|===\n");
            sb.append("| run | curves more than " + String.format(Locale.ROOT, "%.0e", CurveAgreement.PARTED) + " apart from | max \\|ours − PyTorch\\| | PyTorch's spread (one-ulp start) | closest step | share of the tolerance used\n");
            curves.forEach(sb::append);
            sb.append("|===\n");
        }
        write(sb.toString());
    }

    private static void write(String text) throws IOException {
        String dir = System.getProperty("nin.reports");
        if (dir == null) return;  // run outside the build: no book to feed
        Files.createDirectories(Path.of(dir));
        Files.writeString(Path.of(dir, FILE), text);
    }
}
