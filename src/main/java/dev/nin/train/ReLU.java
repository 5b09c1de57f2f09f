package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.Shape;

/**
 * A ReLU on its own. After a convolution the network fuses it into {@link Conv2d} instead; alone it keeps
 * its own output, because the layer before may need its output unchanged for its backward (max pooling).
 */
public final class ReLU implements Layer {
    private final Backend backend;
    private Tensor y, dx;

    public ReLU(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Shape outputShape(Shape input) {
        return input;
    }

    @Override
    public void prepare(Shape input, Memory memory) {
        y = memory.buffer(this, "y", input);
    }

    // tag::relu[]
    @Override
    public Tensor forward(Tensor x, boolean training) {
        backend.relu(x, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (dx != null) backend.reluBackward(y, dy, dx);
        return dx;
    }
    // end::relu[]

    @Override
    public void gradientInto(Tensor dx) {
        this.dx = dx;
    }

    @Override
    public boolean backwardInPlace() {
        return true;
    }
}
