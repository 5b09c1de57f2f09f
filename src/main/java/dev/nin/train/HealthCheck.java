package dev.nin.train;

import dev.nin.engine.Backend;

import java.util.List;

/**
 * Watches a run for the two ways training fails: the loss becomes NaN or infinite ("diverged"), or the
 * network dies: every ReLU outputs zero, the logits are constant, the loss stays at ln 10 (chance over ten
 * classes) and no gradient flows ("dead"). Called at check points only, since reading the gradients
 * waits for the backend.
 */
public final class HealthCheck {
    public static final double CHANCE_LOSS = Math.log(10);
    /** How close the window's mean loss must be to ln 10 to count as pinned there. */
    static final double PINNED = 1e-3;
    /** A gradient whose squares sum below this is zero: live gradients of NiN are many orders larger. */
    static final double ZERO_GRADIENT = 1e-12;
    /** Consecutive pinned check points with zero gradient before the network is declared dead. */
    public static final int DEAD_CHECKS = 5;

    private final List<Parameter> parameters;
    private final Backend backend;
    private int deadChecks;

    public HealthCheck(Backend backend, List<Parameter> parameters) {
        this.backend = backend;
        this.parameters = parameters;
    }

    /** The verdict of one check point. */
    public record Verdict(String outcome, String message) {
        public boolean failed() {
            return outcome != null;
        }
    }

    static final Verdict HEALTHY = new Verdict(null, null);

    // tag::check[]
    /** @param windowLoss the mean training loss since the last check point */
    public Verdict check(double windowLoss, int epoch, int step) {
        if (!Double.isFinite(windowLoss)) {
            return new Verdict("diverged", "the training loss became " + windowLoss + " in epoch " + epoch
                    + " by step " + step + "; try a smaller --lr or another --seed");
        }
        if (Math.abs(windowLoss - CHANCE_LOSS) < PINNED && gradientSumOfSquares() < ZERO_GRADIENT) {
            deadChecks++;
        } else {
            deadChecks = 0;
        }
        if (deadChecks >= DEAD_CHECKS) {
            return new Verdict("dead", String.format("the network died in epoch %d by step %d: the loss stayed at "
                    + "ln 10 = %.4f (chance) with zero gradients for %d check points; its ReLUs output only zeros. "
                    + "Try a smaller --lr or another --seed", epoch, step, CHANCE_LOSS, DEAD_CHECKS));
        }
        return HEALTHY;
    }
    // end::check[]
    private double gradientSumOfSquares() {
        double s = 0;
        for (Parameter p : parameters) s += backend.sumOfSquares(p.gradient());
        return s;
    }
}
