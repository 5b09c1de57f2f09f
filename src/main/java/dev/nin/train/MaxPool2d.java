package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.Shape;

/** Max pooling; backward routes each gradient to its window's maximum, found again from x and y. */
public final class MaxPool2d implements Layer {
    private final Backend backend;
    private final LayerSpec.MaxPool2d spec;
    private Tensor x, y, dx;
    private boolean throughRelu;

    public MaxPool2d(Backend backend, LayerSpec.MaxPool2d spec) {
        this.backend = backend;
        this.spec = spec;
    }

    @Override
    public Shape outputShape(Shape input) {
        return spec.outputShape(input);
    }

    @Override
    public void prepare(Shape input, Memory memory) {
        y = memory.buffer(this, "y", outputShape(input));
    }

    // tag::pool[]
    @Override
    public Tensor forward(Tensor x, boolean training) {
        this.x = x;
        backend.maxPool2d(x, spec.kernel(), spec.stride(), y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (dx == null) return null;
        if (throughRelu) backend.maxPool2dReluBackward(x, y, dy, spec.kernel(), spec.stride(), dx);
        else backend.maxPool2dBackward(x, y, dy, spec.kernel(), spec.stride(), dx);
        return dx;
    }
    // end::pool[]

    /**
     * x is the output of a ReLU fused into the convolution before: backward applies that ReLU's mask too, in the
     * same pass on backends that can, and the convolution skips it.
     */
    void throughRelu(Conv2d before) {
        before.gradientArrivesMasked();
        throughRelu = true;
    }

    @Override
    public void gradientInto(Tensor dx) {
        this.dx = dx;
    }
}
