package dev.nin.train;

import dev.nin.engine.DropoutMask;

/**
 * Every random choice of a run is a function of the run's seed and where it is: the weights of the seed,
 * the order of an epoch of (seed, epoch) (see {@code Batches}), a dropout mask of (seed, epoch, step). So
 * a run resumed after epoch e draws exactly what an uninterrupted run would, with no generator to save.
 */
public final class Seeds {
    private Seeds() {
    }

    public static long dropout(long seed, int epoch, int step) {
        return DropoutMask.mix(DropoutMask.mix(DropoutMask.mix(seed) + epoch) + step);
    }
}
