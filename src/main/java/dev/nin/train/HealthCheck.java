package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.Shape;

import java.util.List;

/**
 * Watches a run for the two ways training fails: the loss becomes NaN or infinite ("diverged"), or the
 * network dies ("dead"): the last ReLU, whose ten channels global average pooling turns into the class
 * scores, outputs 0 in every channel for every example, so every score is 0, the loss is ln 10 (chance over
 * ten classes) and the ReLU passes no gradient back. Death is judged by that mechanism (with a measured
 * tolerance, {@link #DEAD_FRACTION}, for the outputs dropout still lifts above zero), not by the gradient:
 * with dropout on, the gradient of a dead NiN is small but not zero (the dead CPU runs measured 2.3e-5 and
 * 2.6e-5 for its squared norm), so a zero-gradient test never fires.
 * <p>
 * The trainer hands {@link #observe} to {@link Network#forward(Tensor, boolean, java.util.function.BiConsumer)}
 * on the step that ends at a check point; it copies the last ReLU's output on the backend (that buffer is
 * overwritten by the backward pass). {@link #check} downloads the copy only when the window's loss is
 * within {@link #PINNED} of ln 10.
 */
public final class HealthCheck {
    // tag::thresholds[]
    public static final double CHANCE_LOSS = Math.log(10);
    /** How close the window's mean loss must be to ln 10 to count as pinned there. */
    static final double PINNED = 1e-3;
    /**
     * Consecutive check points (of {@link Trainer#CHECK_EVERY} = 20 steps: 100 steps) whose loss is pinned
     * at ln 10 and whose observed batch has no positive output in any class channel before the network is
     * declared dead. One such batch can be chance; dropout's noise can still push an output above zero on
     * some batch, so five different batches in a row, 100 steps without the loss moving, make the verdict safe
     * while costing at most 100 wasted steps.
     */
    public static final int DEAD_CHECKS = 5;
    /**
     * The largest fraction of the last ReLU's outputs that may be positive on a check point's training batch
     * for it to count as dead. Dropout's leak keeps a few above zero in a dead NiN (quick CPU run rerun, 72×72,
     * batch 64: 2 to 24 of 640, at most 3.8 %, all below 0.02); the same run while alive on its plateau at
     * ln 10 had 192 to 256 of 640 positive (30 % to 40 %), in every example. 10 % lies between, a factor of
     * about 2.6 above the dead and 3 below the live.
     */
    static final double DEAD_FRACTION = 0.10;
    // end::thresholds[]

    private final Backend backend;
    private final Layer lastRelu;
    private final Tensor copy;
    private Shape observed;
    private double lastFraction, worstFraction;
    private int deadChecks, deadSinceEpoch, deadSinceStep;

    public HealthCheck(Network net) {
        this.backend = net.backend();
        List<Layer> layers = net.layers();
        Shape shape = net.example().withBatch(net.maxBatch()), lastShape = null;
        Layer last = null;
        for (Layer l : layers) {
            shape = l.outputShape(shape);
            if (endsInRelu(l)) {
                last = l;
                lastShape = shape;
            }
        }
        this.lastRelu = last;
        this.copy = last == null ? null : backend.allocate(lastShape);
    }

    static boolean endsInRelu(Layer l) {
        return l instanceof ReLU || l instanceof Conv2d c && c.fusedRelu();
    }

    /** The verdict of one check point. */
    public record Verdict(String outcome, String message) {
        public boolean failed() {
            return outcome != null;
        }
    }

    static final Verdict HEALTHY = new Verdict(null, null);

    /**
     * For the forward pass of a step that ends at a check point: keeps the last ReLU's output. The copy is
     * {@code relu(y)}, which is y itself since y is a ReLU's output: one small kernel, no wait.
     */
    // tag::observe[]
    public void observe(Layer layer, Tensor y) {
        if (layer != lastRelu) return;
        observed = y.shape();
        backend.relu(y, backend.view(copy, observed));
    }
    // end::observe[]

    // tag::check[]
    /** @param windowLoss the mean training loss since the last check point */
    public Verdict check(double windowLoss, int epoch, int step) {
        if (!Double.isFinite(windowLoss)) {
            return new Verdict("diverged", "the training loss became " + windowLoss + " in epoch " + epoch
                    + " by step " + step + "; try a smaller --lr or another --seed");
        }
        boolean pinned = Math.abs(windowLoss - CHANCE_LOSS) < PINNED;
        if (pinned && classChannelsAllZero()) {  // downloads only when the loss is pinned at ln 10
            if (deadChecks++ == 0) {
                deadSinceEpoch = epoch;
                deadSinceStep = step;
                worstFraction = 0;
            }
            worstFraction = Math.max(worstFraction, lastFraction);
        } else {
            deadChecks = 0;
        }
        observed = null;  // the next check point looks at its own batch
        if (deadChecks >= DEAD_CHECKS) {
            return new Verdict("dead", String.format("dead network: the 10 class channels of the last ReLU are 0 "
                    + "for every example (at most %.1f %% of them positive, dropout's leak) since step %d of epoch %d "
                    + "(%d check points in a row, to step %d of epoch %d); loss pinned at ln 10 = %.4f; see the "
                    + "training chapter. Try a smaller --lr or another --seed",
                    100 * worstFraction, deadSinceStep, deadSinceEpoch, deadChecks, step, epoch, CHANCE_LOSS));
        }
        return HEALTHY;
    }

    /** True when at most {@link #DEAD_FRACTION} of the last observed outputs of the last ReLU are positive (none observed: false). */
    private boolean classChannelsAllZero() {
        if (observed == null) return false;
        float[] values = new float[(int) observed.size()];
        backend.download(backend.view(copy, observed), values);
        long positive = 0;
        for (float v : values) if (v > 0) positive++;
        lastFraction = (double) positive / values.length;
        return lastFraction <= DEAD_FRACTION;
    }
    // end::check[]
}
