package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.Shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Watches a run for the two ways training fails: the loss becomes NaN or infinite ("diverged"), or the
 * network dies ("dead"): a ReLU of the classifier block (the layers after the last dropout: in NiN the 384→10
 * convolution and the two 1×1 convolutions after it, whose ten channels global average pooling turns into the
 * class scores) outputs 0 for every example. Then that ReLU passes no gradient back, nothing below it can change
 * again, and every image gets the same scores, so the loss settles at ln 10 (chance over ten classes). Two
 * places were seen: the last ReLU silent in every class channel (every score 0; CPU runs at 72×72), and the
 * ReLU after the 384→10 convolution silent while the two after it pass the same constants, their biases, for
 * every image (two of eight seeds at 224×224 on an H200, and the exercises' NiN without its final ReLU).
 * Death is judged by that mechanism (with a measured tolerance, {@link #DEAD_FRACTION}, for the outputs dropout
 * still lifts above zero), not by the gradient: with dropout on, the gradient of a dead NiN is small but not
 * zero (the dead CPU runs measured 2.3e-5 and 2.6e-5 for its squared norm), so a zero-gradient test never fires.
 * <p>
 * The trainer hands {@link #observe} to {@link Network#forward(Tensor, boolean, java.util.function.BiConsumer)}
 * on the step that ends at a check point; it copies the watched ReLUs' outputs on the backend (those buffers
 * are overwritten by the backward pass; the classifier block's are small, ten channels). {@link #check}
 * downloads the copies only when the window's loss is within {@link #PINNED} of ln 10.
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
     * The largest fraction of a watched ReLU's outputs that may be positive on a check point's training batch
     * for it to count as dead. Dropout's leak keeps a few above zero in a dead NiN's last ReLU (quick CPU run
     * rerun, 72×72, batch 64: 2 to 24 of 640, at most 3.8 %, all below 0.02); a dead ReLU after the 384→10
     * convolution leaked nothing (two dead CPU runs of NiN without its final ReLU, 100 training batches each: 0 %).
     * The same run while alive on its plateau at ln 10 had 30 % to 40 % of its last ReLU's outputs positive, and
     * freshly initialized networks (Xavier, 96×96, seeds 0, 4, 6; the plateau where every run starts) 20 % to 80 %
     * in each of the three. 10 % lies between.
     */
    static final double DEAD_FRACTION = 0.10;
    // end::thresholds[]

    private final Backend backend;
    /** The watched ReLUs, first to last: the classifier block's (after the last dropout), or the last one. */
    private final List<Watched> watched = new ArrayList<>();
    private double lastFraction, worstFraction;
    private String deadLayer;
    private int deadChecks, deadSinceEpoch, deadSinceStep;

    /** One watched ReLU: its layer, its name ("7.0"), the copy of its output and the shape observed this check point. */
    private static final class Watched {
        final Layer layer;
        final String name;
        final Shape shape;
        Tensor copy;  // allocated once the watched layers are known
        Shape observed;

        Watched(Layer layer, String name, Shape largest) {
            this.layer = layer;
            this.name = name;
            this.shape = largest;
        }
    }

    public HealthCheck(Network net) {
        this.backend = net.backend();
        List<Layer> layers = net.layers();
        Shape shape = net.example().withBatch(net.maxBatch());
        boolean afterDropout = false;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            shape = l.outputShape(shape);
            if (l instanceof Dropout) {  // the classifier block starts after the last dropout
                watched.clear();
                afterDropout = true;
            }
            if (!endsInRelu(l)) continue;
            if (!afterDropout) watched.clear();  // no dropout yet: only the last ReLU so far
            watched.add(new Watched(l, l instanceof Conv2d c ? c.name() : "ReLU " + (i + 1), shape));
        }
        for (Watched w : watched) w.copy = backend.allocate(w.shape);
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
     * For the forward pass of a step that ends at a check point: keeps the watched ReLUs' outputs. Each copy is
     * {@code relu(y)}, which is y itself since y is a ReLU's output: one small kernel each, no wait.
     */
    // tag::observe[]
    public void observe(Layer layer, Tensor y) {
        for (Watched w : watched) {
            if (w.layer != layer) continue;
            w.observed = y.shape();
            backend.relu(y, backend.view(w.copy, w.observed));
        }
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
        String silent = pinned ? silentLayer() : null;  // downloads only when the loss is pinned at ln 10
        if (silent != null) {
            deadLayer = silent;
            if (deadChecks++ == 0) {
                deadSinceEpoch = epoch;
                deadSinceStep = step;
                worstFraction = 0;
            }
            worstFraction = Math.max(worstFraction, lastFraction);
        } else {
            deadChecks = 0;
        }
        for (Watched w : watched) w.observed = null;  // the next check point looks at its own batch
        if (deadChecks >= DEAD_CHECKS) {
            return new Verdict("dead", String.format("dead network: the ReLU after %s is 0 for every example, so every "
                    + "image gets the same scores (at most %.1f %% of its outputs positive, dropout's "
                    + "leak) since step %d of epoch %d (%d check points in a row, to step %d of epoch %d); loss pinned "
                    + "at ln 10 = %.4f; see the training chapter. Try a smaller --lr or another --seed",
                    deadLayer, 100 * worstFraction, deadSinceStep, deadSinceEpoch, deadChecks, step, epoch, CHANCE_LOSS));
        }
        return HEALTHY;
    }

    /**
     * The first watched ReLU with at most {@link #DEAD_FRACTION} of its last observed outputs positive, or null
     * (also when nothing was observed since the last check point).
     */
    private String silentLayer() {
        for (Watched w : watched) {
            if (w.observed == null) continue;
            float[] values = new float[(int) w.observed.size()];
            backend.download(backend.view(w.copy, w.observed), values);
            long positive = 0;
            for (float v : values) if (v > 0) positive++;
            double fraction = (double) positive / values.length;
            if (fraction <= DEAD_FRACTION) {
                lastFraction = fraction;
                return w.name;
            }
        }
        return null;
    }
    // end::check[]
}
