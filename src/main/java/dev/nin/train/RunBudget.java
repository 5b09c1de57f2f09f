package dev.nin.train;

import java.util.function.LongSupplier;

/**
 * A time budget for a series of runs on a machine lent for minutes: a run starts only if it would end inside
 * the budget, judged by the longest run so far (the first always starts). What finished is kept; what would
 * overrun is not begun, so the call that runs the series is never killed in the middle of a run.
 */
public final class RunBudget {
    private final double seconds;
    private final LongSupplier nanoClock;
    private final long start;
    private double longestRun;
    private int finished;

    /** @param seconds the budget from now; 0 or less means none */
    public RunBudget(double seconds, LongSupplier nanoClock) {
        if (Double.isNaN(seconds)) throw new IllegalArgumentException("--budget must be a number of seconds");
        this.seconds = seconds;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    public static RunBudget none() {
        return new RunBudget(0, System::nanoTime);
    }

    public static RunBudget of(double seconds) {
        return new RunBudget(seconds, System::nanoTime);
    }

    public boolean limited() {
        return seconds > 0;
    }

    public double seconds() {
        return seconds;
    }

    public double elapsed() {
        return (nanoClock.getAsLong() - start) / 1e9;
    }

    /** Whether another run fits: no budget, no run yet, or now plus the longest run so far stays inside it. */
    public boolean roomForAnother() {
        return !limited() || finished == 0 || elapsed() + longestRun <= seconds;
    }

    /** Times a finished run that began {@code startedAt} (a value of {@link #elapsed()}). */
    public void finished(double startedAt) {
        longestRun = Math.max(longestRun, elapsed() - startedAt);
        finished++;
    }
}
