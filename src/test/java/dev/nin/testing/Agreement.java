package dev.nin.testing;

/**
 * How far our float32 result is from PyTorch's, judged by how far PyTorch's own float32 result is from its
 * float64 one (the exact answer, to float32's eyes).
 *
 * <p>Why this tolerance: two float32 computations of the same sums differ only by rounding, and each one's
 * rounding depends on its summation order (oneDNN's blocking and threads, PyTorch's im2col and BLAS), which
 * neither side chooses to be exact. Forward error analysis bounds a float32 dot product of length K by about
 * K·2⁻²⁴·Σ|terms|, and a deep network compounds such bounds layer by layer, far above what happens; PyTorch's
 * measured distance from float64 on the very same numbers is the realistic size of that rounding. We ask our
 * distance from float64 to be at most {@link #FACTOR} times PyTorch's, plus a few units in the last place of
 * the tensor's largest element (for tensors PyTorch computes almost exactly, e.g. a bias gradient of a few terms).
 */
public record Agreement(String what, double oursFromExact, double torchFromExact, double scale, double maxDifference) {
    // tag::tolerance[]
    /** Our rounding may be this many times PyTorch's: a different order of the same sums, not a different method. */
    public static final double FACTOR = 8;
    /** Units in the last place of the largest element, for results PyTorch gets almost exact. */
    public static final double ULPS = 4;

    /**
     * @param ours    our float32 result
     * @param torch32 PyTorch's float32 result
     * @param err32   PyTorch's float32 result minus its float64 result
     */
    public static Agreement of(String what, float[] ours, float[] torch32, float[] err32) {
        if (ours.length != torch32.length || ours.length != err32.length) {
            throw new AssertionError(what + ": " + ours.length + " values here, " + torch32.length + " from PyTorch");
        }
        double oursFromExact = 0, torchFromExact = 0, scale = 0, maxDifference = 0;
        for (int i = 0; i < ours.length; i++) {
            double exact = (double) torch32[i] - err32[i];
            oursFromExact = Math.max(oursFromExact, Math.abs(ours[i] - exact));
            torchFromExact = Math.max(torchFromExact, Math.abs(err32[i]));
            scale = Math.max(scale, Math.abs(exact));
            maxDifference = Math.max(maxDifference, Math.abs((double) ours[i] - torch32[i]));
        }
        return new Agreement(what, oursFromExact, torchFromExact, scale, maxDifference);
    }

    /** The largest distance from the exact result this comparison allows us. */
    public double tolerance() {
        return FACTOR * torchFromExact + ULPS * Math.ulp((float) scale);
    }

    public boolean holds() {
        return oursFromExact <= tolerance();
    }
    // end::tolerance[]

    /** How much of the tolerance our distance from exact uses (above 1: it does not hold). */
    public double share() {
        return oursFromExact / tolerance();
    }

    /** Our distance from exact as a multiple of PyTorch's (how much rounder our rounding is). */
    public double ratio() {
        return torchFromExact > 0 ? oursFromExact / torchFromExact : oursFromExact > 0 ? Double.POSITIVE_INFINITY : 1;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s: ours %.3g from float64, PyTorch float32 %.3g (ratio %.2f), allowed %.3g (%.0f%% used); max |ours - PyTorch| %.3g of max |value| %.3g",
                what, oursFromExact, torchFromExact, ratio(), tolerance(), 100 * share(), maxDifference, scale);
    }
}
