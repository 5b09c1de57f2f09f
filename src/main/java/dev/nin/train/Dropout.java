package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.Shape;

/**
 * Inverted dropout in training, the identity in evaluation. The mask is a function of a seed that the
 * trainer sets before each step (from seed, epoch and step), so a resumed run draws the same masks.
 */
public final class Dropout implements Layer {
    private final Backend backend;
    private final float p;
    private long seed;
    private Tensor mask, y, dx;

    public Dropout(Backend backend, LayerSpec.Dropout spec) {
        this.backend = backend;
        this.p = (float) spec.p();
    }

    /** The seed of the next training step's mask. */
    public void reseed(long seed) {
        this.seed = seed;
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public void prepare(Shape input, Memory memory) {
        mask = memory.buffer(this, "mask", input);
        y = memory.buffer(this, "y", input);  // not in place: the pooling before needs its output intact
    }

    // tag::dropout[]
    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (!training) return x;
        backend.dropout(x, p, seed, mask, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (dx != null) backend.dropoutBackward(dy, mask, dx);
        return dx;
    }
    // end::dropout[]

    /** The mask of the last training step (0, or 1/(1-p) where kept): the PyTorch oracle test hands it to PyTorch. */
    public Tensor mask() {
        return mask;
    }

    @Override
    public void gradientInto(Tensor dx) {
        this.dx = dx;
    }

    @Override
    public boolean backwardInPlace() {
        return true;
    }
}
