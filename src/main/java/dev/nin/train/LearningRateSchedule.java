package dev.nin.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * The learning rate of each step of a run, from the base rate. {@link #CONSTANT} is the chapter's (d2l keeps lr fixed).
 * {@link #WARMUP_COSINE} is meant for short runs: it rises linearly over the first {@value #WARMUP_PERCENT}% of the
 * run's steps (a large rate on freshly initialised weights is what leaves NiN stuck at loss ln 10), then falls along
 * half a cosine to 0 at the run's end, so the last steps are small ones that settle instead of jumping around.
 * {@link #WARMUP_CONSTANT} warms up the same way and then keeps the base rate: for runs too short for the cosine's
 * slow end to pay (two epochs), where the warm-up still guards the fresh weights.
 */
public enum LearningRateSchedule {
    CONSTANT("constant"),
    WARMUP_COSINE("warmup-cosine"),
    WARMUP_CONSTANT("warmup-constant");

    /** The share of the run's steps spent warming up, in percent. */
    public static final int WARMUP_PERCENT = 5;

    private final String label;

    LearningRateSchedule(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static LearningRateSchedule parse(String s) {
        for (LearningRateSchedule v : values()) if (v.label.equals(s)) return v;
        throw new IllegalArgumentException("--schedule must be one of " + Arrays.stream(values()).map(LearningRateSchedule::label).toList()
                + ", got '" + s + "'");
    }

    /** The steps warming up in a run of {@code totalSteps}: {@value #WARMUP_PERCENT}% of them, at least 1. */
    public static long warmupSteps(long totalSteps) {
        return Math.max(1, totalSteps * WARMUP_PERCENT / 100);
    }

    // tag::lr[]
    /**
     * The rate of step {@code step} (0-based) of a run of {@code totalSteps}; step == totalSteps (just after the
     * last) gives the end of the curve, 0 for warm-up and cosine, the base rate for the others.
     */
    public double lr(double base, long step, long totalSteps) {
        if (step < 0 || step > totalSteps || totalSteps < 1)
            throw new IllegalArgumentException(String.format(Locale.ROOT, "step %d of a run of %d steps", step, totalSteps));
        if (this == CONSTANT) return base;
        long warmup = warmupSteps(totalSteps);
        if (step < warmup) return base * ((double) (step + 1) / warmup);           // base/warmup, ..., base exactly
        if (this == WARMUP_CONSTANT) return base;
        double progress = (double) (step - warmup + 1) / (totalSteps - warmup + 1);  // past the warm-up: (0, 1]
        return base * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
    // end::lr[]
}
