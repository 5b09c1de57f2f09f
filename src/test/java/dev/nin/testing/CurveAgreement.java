package dev.nin.testing;

import java.util.Locale;

/**
 * Our loss curve against PyTorch's, step by step, judged by the curve's own sensitivity to rounding.
 *
 * <p>Why this tolerance: after the first step the two runs hold weights that differ by rounding, and training
 * amplifies such differences (a ReLU or a max-pooling choice that flips changes a gradient by a whole term).
 * How much depends on the run, so PyTorch measures it: the same run again from a start moved by one unit in the
 * last place of every weight, a rounding-sized change, three times with different signs; the running maximum of
 * the largest gap between those curves and PyTorch's is the spread. Our curve may be {@link #FACTOR} times that spread from PyTorch's (our rounding enters at every
 * operation of every step, not only at the start), plus a few units in the last place of the loss.
 */
public record CurveAgreement(int steps, double maxDifference, double maxSpread, int worstStep, double worstExcess, int parts) {
    /** Where the curves part, for the record: the first step more than this apart (0: they never do). */
    public static final double PARTED = 1e-4;
    // tag::tolerance[]
    public static final double FACTOR = 8;
    public static final double ULPS = 4;

    /** @param spread PyTorch's running maximum gap under a one-ulp change of the start, per step */
    public static CurveAgreement of(float[] ours, float[] torch, float[] spread) {
        if (ours.length != torch.length || ours.length != spread.length) throw new AssertionError(ours.length + " steps here, " + torch.length + " from PyTorch");
        double maxDifference = 0, maxSpread = 0, worstExcess = Double.NEGATIVE_INFINITY;
        int worstStep = 0, parts = 0;
        for (int t = 0; t < ours.length; t++) {
            double d = Math.abs((double) ours[t] - torch[t]);
            double excess = d / allowed(torch[t], spread[t]);  // > 1: outside the tolerance
            maxDifference = Math.max(maxDifference, d);
            if (parts == 0 && d > PARTED) parts = t + 1;
            maxSpread = Math.max(maxSpread, spread[t]);
            if (excess > worstExcess) {
                worstExcess = excess;
                worstStep = t;
            }
        }
        return new CurveAgreement(ours.length, maxDifference, maxSpread, worstStep, worstExcess, parts);
    }

    static double allowed(float loss, float spread) {
        return FACTOR * spread + ULPS * Math.ulp(loss);
    }
    // end::tolerance[]

    public boolean holds() {
        return worstExcess <= 1;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d steps: max |ours - PyTorch| %.3g, PyTorch's spread under a one-ulp start %.3g; "
                + "closest to the tolerance at step %d, using %.0f%% of it; the curves first differ by more than %.0e at step %d",
                steps, maxDifference, maxSpread, worstStep + 1, 100 * worstExcess, PARTED, parts);
    }
}
