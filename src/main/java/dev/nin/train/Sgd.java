package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer: PyTorch's {@code torch.optim.SGD(params, lr, momentum, weight_decay)} without dampening or
 * Nesterov. With momentum 0 and no weight decay it is the chapter's plain SGD and calls exactly what
 * {@link Network#sgdStep} calls, so such runs are bit for bit what they were before momentum existed. Its only
 * state is one velocity per parameter, allocated in the backend only when momentum is above 0.
 *
 * <p>With a clip norm above 0 each step first does what PyTorch's {@code clip_grad_norm_(parameters, clipNorm)}
 * does: when the gradients of all parameters together have an L2 norm above it, every gradient is scaled by
 * clipNorm / (norm + 1e-6). A rare oversized gradient then moves the weights no further than a typical one; such
 * steps are what silences NiN's ten-channel ReLU layers (the training chapter's dead run).
 */
public final class Sgd {
    private final Backend backend;
    private final List<Parameter> parameters;
    private final float momentum, weightDecay;
    private final double clipNorm;
    private long clippedSteps;
    /** By parameter name, in the network's order; empty without momentum. */
    private final Map<String, Tensor> velocities = new LinkedHashMap<>();

    public Sgd(Network network, double momentum, double weightDecay) {
        this(network, momentum, weightDecay, 0);
    }

    /** @param clipNorm the largest L2 norm the gradients may have together; 0 leaves them as they are */
    public Sgd(Network network, double momentum, double weightDecay, double clipNorm) {
        if (!(clipNorm >= 0 && Double.isFinite(clipNorm))) throw new IllegalArgumentException("--clip-norm must be 0 (none) or a positive number, got " + clipNorm);
        this.clipNorm = clipNorm;
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("--momentum must be at least 0 and below 1, got " + momentum);
        if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) throw new IllegalArgumentException("--weight-decay must be 0 or a positive number, got " + weightDecay);
        this.backend = network.backend();
        this.parameters = network.parameters();
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
        if (momentum > 0) for (Parameter p : parameters) velocities.put(p.name(), backend.allocate(p.value().shape()));
    }

    /** Whether this is the chapter's optimizer: no momentum, no weight decay, no state. */
    public boolean isPlain() {
        return momentum == 0 && weightDecay == 0;
    }

    // tag::step[]
    /** One update of every parameter from the gradients the backward pass left. */
    public void step(float lr) {
        if (clipNorm > 0) clip();
        for (Parameter p : parameters) {
            if (isPlain()) backend.sgdStep(p.value(), p.gradient(), lr);
            else backend.sgdMomentumStep(p.value(), p.gradient(), velocities.get(p.name()), lr, momentum, weightDecay);
        }
    }
    // end::step[]

    // tag::clip[]
    /** PyTorch's clip_grad_norm_: all gradients scaled together when their joint norm is above clipNorm. */
    private void clip() {
        double sum = 0;
        for (Parameter p : parameters) sum += backend.sumOfSquares(p.gradient());
        double norm = Math.sqrt(sum), coefficient = clipNorm / (norm + 1e-6);
        if (coefficient < 1) {  // a NaN norm compares false too: divergence is the health check's to report
            for (Parameter p : parameters) backend.scale(p.gradient(), (float) coefficient);
            clippedSteps++;
        }
    }
    // end::clip[]

    /** How many steps so far had their gradients scaled down. */
    public long clippedSteps() {
        return clippedSteps;
    }

    /** The velocities by parameter name, copied from the backend (empty without momentum): what a checkpoint keeps. */
    public Map<String, float[]> velocities() {
        Map<String, float[]> out = new LinkedHashMap<>();
        velocities.forEach((name, v) -> {
            float[] values = new float[(int) v.size()];
            backend.download(v, values);
            out.put(name, values);
        });
        return out;
    }

    /** Loads velocities saved by {@link #velocities}; every one this optimizer keeps must be there with its size. */
    public void restore(Map<String, float[]> saved) {
        if (velocities.isEmpty() && !saved.isEmpty())
            throw new IllegalArgumentException("the checkpoint holds velocities, but this run has no momentum");
        velocities.forEach((name, v) -> {
            float[] values = saved.get(name);
            if (values == null || values.length != v.size())
                throw new IllegalArgumentException("the checkpoint does not fit this run's momentum: the velocity of " + name
                        + (values == null ? " is missing" : " has " + values.length + " values, the network needs " + v.size()));
            backend.upload(values, v);
        });
    }
}
