package dev.nin.book;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Writes, for each chapter tag, what the tests of that chapter did: one row per test with its result and,
 * for properties, the random cases tried and checked (reported by dev.nin.testing.Property). The book includes
 * these tables, so a chapter shows the results of the run that built it; and one line per test,
 * {@code tests/<Class>.<method>.adoc}, which the book puts under the claim the test proves. Registered through META-INF/services; writes into the
 * directory in the system property {@code nin.reports} (surefire sets target/book-facts).
 */
public final class ChapterResultsListener implements TestExecutionListener {

    private static final Pattern TRIES = Pattern.compile("tries = (\\d+)"), CHECKS = Pattern.compile("checks = (\\d+)");

    /** One finished test. */
    record Result(String testClass, String test, String status, String tries, String checks, double seconds) {
    }

    private final Map<String, String[]> triesById = new LinkedHashMap<>();
    private final Map<String, Long> startedAt = new LinkedHashMap<>();
    private final Map<String, List<Result>> byTag = new TreeMap<>();
    private final List<Result> all = new ArrayList<>();

    @Override
    public void executionStarted(TestIdentifier id) {
        startedAt.put(id.getUniqueId(), System.nanoTime());
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        for (String value : entry.getKeyValuePairs().values()) {
            Matcher t = TRIES.matcher(value), c = CHECKS.matcher(value);
            if (t.find() && c.find()) triesById.put(id.getUniqueId(), new String[] {t.group(1), c.group(1)});
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (id.isTest()) record(id, "skipped");
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest()) record(id, switch (result.getStatus()) {
            case SUCCESSFUL -> "passed";
            case FAILED -> "FAILED";
            case ABORTED -> "skipped"; // an assumption did not hold (e.g. no GPU): surefire counts it as skipped
        });
    }

    private void record(TestIdentifier id, String status) {
        String[] tries = triesById.getOrDefault(id.getUniqueId(), new String[] {"–", "–"});
        Long start = startedAt.get(id.getUniqueId());
        double seconds = start == null ? 0 : (System.nanoTime() - start) / 1e9;
        String testClass = id.getLegacyReportingName().contains(":")
                ? id.getLegacyReportingName().substring(0, id.getLegacyReportingName().indexOf(':'))
                : className(id);
        Result r = new Result(testClass, id.getDisplayName().replaceAll("\\(.*\\)$", ""), status, tries[0], tries[1], seconds);
        all.add(r);
        for (TestTag tag : id.getTags()) byTag.computeIfAbsent(tag.getName(), t -> new ArrayList<>()).add(r);
    }

    private static String className(TestIdentifier id) {
        String uid = id.getUniqueId();
        Matcher m = Pattern.compile("\\[class:([^\\]]+)\\]").matcher(uid);
        return m.find() ? m.group(1).substring(m.group(1).lastIndexOf('.') + 1) : "";
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        String dir = System.getProperty("nin.reports");
        if (dir == null) return;
        try {
            Files.createDirectories(Path.of(dir));
            for (var e : byTag.entrySet()) {
                Files.writeString(Path.of(dir, "results-" + e.getKey() + ".adoc"), table(e.getValue()));
                Files.writeString(Path.of(dir, "summary-" + e.getKey() + ".txt"), summary(e.getValue()));
            }
            Files.createDirectories(Path.of(dir, "tests"));
            for (Result r : all)
                if (!r.test().startsWith("[")) // one invocation of a parameterized test is no claim of the book
                    Files.writeString(Path.of(dir, "tests", fileName(r)), line(r));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chapter results into " + dir, e);
        }
    }

    static String table(List<Result> results) {
        StringBuilder sb = new StringBuilder("[cols=\"3,6,1,>1,>1\",options=\"header\"]\n|===\n|Class |Property or test |Result |Tries |Checks\n");
        for (Result r : results) {
            sb.append("|%s |`%s` |%s |%s |%s%n".formatted(r.testClass(), r.test(), r.status(), r.tries(), r.checks()));
        }
        return sb.append("|===\n").toString();
    }

    /** "NinBlockProperties.outputShapeIsTheFirstConvolutionsShape.adoc": the name a chapter includes. */
    static String fileName(Result r) {
        return (r.testClass() + "." + r.test()).replaceAll("[^A-Za-z0-9_.-]", "_") + ".adoc";
    }

    /** The result under a claim in the book: what happened when the book was built, and how many cases. */
    static String line(Result r) {
        String cases = r.tries().equals("–") ? "an example test" : "%s random cases tried, %s checked".formatted(r.tries(), r.checks());
        return "[.proof-result]\nResult when this book was built: *%s* (%s; `%s.%s`)\n".formatted(r.status(), cases, r.testClass(), r.test());
    }

    /** The line surefire prints after a run, counted from this run's results, and how many cases the properties tried. */
    static String summary(List<Result> results) {
        long failed = results.stream().filter(r -> r.status().equals("FAILED")).count();
        long skipped = results.stream().filter(r -> !r.status().equals("passed") && !r.status().equals("FAILED")).count();
        long tries = results.stream().filter(r -> !r.tries().equals("–")).mapToLong(r -> Long.parseLong(r.tries())).sum();
        return "[INFO] Tests run: %d, Failures: %d, Errors: 0, Skipped: %d%n(the properties among them tried %,d random cases)%n"
                .formatted(results.size(), failed, skipped, tries);
    }
}
