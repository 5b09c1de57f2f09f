package dev.nin.book;

import dev.nin.train.HealthCheck;

import dev.nin.book.ResultsPartials.Study;
import dev.nin.train.record.LayerActivity;
import dev.nin.train.record.StudyRecord;
import dev.nin.train.record.StudyRecord.StudyRun;

import java.util.List;
import java.util.Locale;

import static dev.nin.book.Adoc.cell;
import static dev.nin.book.Adoc.fixed;
import static dev.nin.book.Adoc.text;

/** The AsciiDoc of a dead-run study record: deaths per network and lr, then every run with its ReLUs. */
final class StudyTables {

    private StudyTables() {
    }

    static String study(String path, Study entry) {
        StudyRecord s = entry.record();
        StringBuilder sb = new StringBuilder();
        sb.append('.').append(text("Dead-run study on " + s.backend() + " (" + s.device() + "): " + path)).append('\n');
        sb.append("image::{generated}/").append(ResultsPartials.FOLDER).append('/').append(entry.name())
                .append(".svg[Training loss of every run of the study,opts=inline]\n\n");
        sb.append("image::{generated}/").append(ResultsPartials.FOLDER).append('/').append(entry.name())
                .append("-channels.svg[Class channels still alive after the last step against the learning rate,opts=inline]\n\n");
        sb.append(deaths(s)).append('\n').append(runs(s)).append('\n');
        for (StudyRecord.ProbedCheckpoint probe : s.checkpoints()) sb.append(probe(probe)).append('\n');
        sb.append("Configuration:: ").append(text(ResultTables.config(s.config()))).append('\n');
        sb.append("Wall time:: ").append(fixed(s.wallSeconds(), 1)).append(" s\n");
        sb.append("Record:: ").append(ResultTables.recordLink(path)).append(", its machine in ")
                .append("xref:appendix-records.adoc#").append(ResultTables.anchor(entry.name())).append("[the records appendix]\n\n");
        return sb.toString();
    }

    /** The study's answer for the training chapter: deaths per network and rate, and what the health check did. */
    static String summary(StudyRecord s) {
        long stopped = s.runs().stream().filter(r -> !r.outcome().equals("alive")).count();
        int steps = s.runs().stream().mapToInt(StudyRun::steps).max().orElse(0);
        return deaths(s) + "\n" + verdicts(s) + " (converging: alive, the last loss below " + fixed(LEARNING_LOSS, 3)
                + "; slow: alive, still at ln 10; dead: a ReLU layer positive on no probe image, so every image gets the "
                + "same scores; NaN: "
                + "the loss overflowed).\n\n" + (stopped == 0
                ? "No run of the study was stopped by the health check within its " + steps + " steps"
                  + (s.runs().stream().anyMatch(r -> verdict(r).equals("slow"))
                     ? ": the slow ones were still on the opening plateau near ln 10, where a run that dies late has not yet "
                       + "been silent for the check points the check waits for" : "")
                  + ". The table counts the runs that ended dead all the same.\n"
                : stopped + " of the study's " + s.runs().size() + " runs were stopped by the health check within their "
                  + steps + " steps.\n");
    }

    /**
     * How many seeds ended dead, per network and learning rate: the answer in one table. Dead means what the
     * trainer's health check looks for: a ReLU layer positive on no probe image.
     */
    static String deaths(StudyRecord s) {
        List<String> networks = s.runs().stream().map(StudyRun::network).distinct().toList();
        List<Double> lrs = s.runs().stream().map(StudyRun::lr).distinct().sorted().toList();
        StringBuilder sb = new StringBuilder(".Runs that ended dead (a ReLU layer positive on no probe image), of the seeds tried, with the 95 % Wilson interval for the rate\n[cols=\"2");
        sb.append(",>1".repeat(lrs.size())).append("\",options=\"header\"]\n|===\n|Network");
        for (double lr : lrs) sb.append(" |lr ").append(lr);
        sb.append('\n');
        for (String network : networks) {
            sb.append('|').append(cell(network));
            for (double lr : lrs) {
                List<StudyRun> runs = s.runs().stream().filter(r -> r.network().equals(network) && r.lr() == lr).toList();
                long dead = runs.stream().filter(StudyTables::deadAtTheEnd).count();
                long diverged = runs.stream().filter(r -> r.outcome().equals("diverged")).count();
                double[] rate = wilson(dead, runs.size());
                sb.append(" |").append(dead).append(" of ").append(runs.size())
                        .append(String.format(Locale.ROOT, " (%.0f–%.0f %%)", 100 * rate[0], 100 * rate[1]))
                        .append(diverged > 0 ? ", " + diverged + " diverged" : "");
            }
            sb.append('\n');
        }
        return sb.append("|===\n").toString();
    }

    /**
     * The 95 % Wilson score interval for a rate seen {@code k} times in {@code n} runs: what a handful of seeds can
     * say about how often a recipe dies (2 of 8 is anything from about 7 % to 59 %).
     */
    static double[] wilson(long k, long n) {
        if (n == 0) return new double[]{0, 1};
        double z = 1.959963984540054, p = (double) k / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z / (1 + z2 / n) * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n));
        return new double[]{Math.max(0, centre - half), Math.min(1, centre + half)};
    }

    /**
     * Below this loss a run has left the opening plateau at ln 10 (ten equal scores): its scores already favour the
     * right class. The plateau itself wobbles by a few thousandths, far less than this.
     */
    static final double LEARNING_LOSS = HealthCheck.CHANCE_LOSS - 0.1;

    /**
     * What became of a run: "NaN" (the loss overflowed, stopped by the check), "dead" (stopped by the check, or a
     * ReLU layer positive on no probe image at the end), "converging" (alive, its last loss below {@link #LEARNING_LOSS}) or
     * "slow" (alive, still on the plateau).
     */
    static String verdict(StudyRun r) {
        if (r.outcome().equals("diverged")) return "NaN";
        if (deadAtTheEnd(r)) return "dead";
        double lastLoss = r.loss().isEmpty() ? Double.NaN : r.loss().getLast().loss();
        return lastLoss < LEARNING_LOSS ? "converging" : "slow";
    }

    /** "8 runs: 5 converging, 2 slow, 1 dead, 0 NaN". */
    static String verdicts(StudyRecord s) {
        java.util.Map<String, Long> count = new java.util.LinkedHashMap<>();
        for (String v : List.of("converging", "slow", "dead", "NaN")) count.put(v, 0L);
        for (StudyRun r : s.runs()) count.merge(verdict(r), 1L, Long::sum);
        StringBuilder sb = new StringBuilder().append(s.runs().size()).append(" runs:");
        count.forEach((v, n) -> sb.append(sb.charAt(sb.length() - 1) == ':' ? " " : ", ").append(n).append(' ').append(v));
        return sb.toString();
    }

    /**
     * Stopped as dead by the health check, or dead at the end: a ReLU layer positive on no probe image after the
     * run's last step. Such a layer passes no gradient back, so nothing below it can change again, and the layers
     * after it see the same input for every image. (The last ReLU with every class channel silent is one case.)
     */
    static boolean deadAtTheEnd(StudyRun r) {
        return r.outcome().equals("dead") || silentLayer(r) != null;
    }

    /** The first ReLU layer positive on no probe image after the run's last step, by its name ("7.0"), or null. */
    static String silentLayer(StudyRun r) {
        return r.activity().stream().filter(a -> a.alive() == 0).map(a -> a.layer().split(" ")[0]).findFirst().orElse(null);
    }

    /** Every run: outcome, where it died, its last loss, and how alive its last ReLU layer was at the end. */
    static String runs(StudyRecord s) {
        StringBuilder sb = new StringBuilder("""
                .Every run, and its ReLU layers after its last step, on the same probe images; Gradient² is the squared norm of all parameter gradients there
                [cols="3,>1,>1,2,3,>2,>3,>3,>2,>3,4",options="header"]
                |===
                |Network |lr |Seed |Verdict |Stopped by the check |Steps |Last loss |Gradient² at the end |Silent ReLU layer |Last ReLU, share positive |Class channels with any positive output
                """);
        for (StudyRun r : s.runs()) {
            LayerActivity last = r.activity().isEmpty() ? null : r.activity().getLast();
            double lastLoss = r.loss().isEmpty() ? Double.NaN : r.loss().getLast().loss();
            sb.append('|').append(cell(r.network())).append(" |").append(r.lr()).append(" |").append(r.seed())
                    .append(" |").append(verdict(r))
                    .append(" |").append(cell(r.outcome().equals("alive") ? "no" : r.outcome() + (r.deathStep() == null ? "" : " at step " + r.deathStep())))
                    .append(" |").append(r.steps()).append(" |").append(fixed(lastLoss, 4))
                    .append(" |").append(r.gradientAtEnd() == null ? "not measured" : squares(r.gradientAtEnd()))
                    .append(" |").append(silentLayer(r) == null ? "none" : silentLayer(r))
                    .append(" |").append(last == null ? "—" : fixed(last.alive(), 3))
                    .append(" |").append(last == null ? "—" : cell(channels(last))).append('\n');
        }
        return sb.append("|===\n").toString();
    }

    /** A trained run's checkpoint: its loss and gradient on the study's images, and every ReLU layer. */
    static String probe(StudyRecord.ProbedCheckpoint p) {
        StringBuilder sb = new StringBuilder();
        sb.append('.').append(text("Probed checkpoint " + p.checkpoint() + " after " + p.epochs() + " epochs, "
                + ResultTables.config(p.config()) + ": loss " + fixed(p.loss(), 4) + ", gradient sum of squares "
                + squares(p.gradientSumOfSquares()))).append('\n');
        sb.append("[cols=\"3,>1,3\",options=\"header\"]\n|===\n|ReLU layer |Positive outputs |Channels with any positive output\n");
        for (LayerActivity a : p.activity())
            sb.append('|').append(cell(a.layer())).append(" |").append(fixed(a.alive(), 3)).append(" |")
                    .append(a.perChannel().isEmpty() ? "—" : cell(channels(a))).append('\n');
        return sb.append("|===\n").toString();
    }

    /** A squared gradient norm: "0" when exactly zero (a dead network), else in scientific notation. */
    static String squares(double x) {
        return x == 0 ? "0" : String.format(java.util.Locale.ROOT, "%.2e", x);
    }

    /** "3 of 10: 2, 8, 9": which channels of a layer are positive somewhere in the batch. */
    static String channels(LayerActivity layer) {
        List<Double> c = layer.perChannel();
        if (c.isEmpty()) return "—";
        StringBuilder alive = new StringBuilder();
        int n = 0;
        for (int i = 0; i < c.size(); i++)
            if (c.get(i) > 0) alive.append(n++ == 0 ? "" : ", ").append(i);
        return n + " of " + c.size() + (n > 0 ? ": " + alive : "");
    }
}
