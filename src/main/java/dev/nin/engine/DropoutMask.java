package dev.nin.engine;

/**
 * Which elements dropout keeps, as a pure function of (seed, index): a counter-based generator
 * (SplitMix64's finaliser), so the CPU and GPU backends draw the same mask for the same step, and a
 * resumed run draws the masks an uninterrupted run would have drawn.
 */
public final class DropoutMask {
    private DropoutMask() {
    }

    // tag::mask[]
    /** SplitMix64's mixing function. The GPU kernel repeats these exact 64-bit operations. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A uniform number in [0, 1) with 24 random bits, exactly representable as a float. */
    public static float uniform(long seed, long index) {
        return (mix(seed + (index + 1) * 0x9E3779B97F4A7C15L) >>> 40) * 0x1.0p-24f;
    }

    /** The mask value of one element: 0 (dropped) or 1/(1-p) (kept and rescaled, "inverted dropout"). */
    public static float value(long seed, long index, float p) {
        return uniform(seed, index) >= p ? 1f / (1f - p) : 0f;
    }
    // end::mask[]
}
