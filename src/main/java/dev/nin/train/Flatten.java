package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.Shape;

/** (N, C, H, W) to (N, C·H·W): the same memory seen with another shape, forward and backward. */
public final class Flatten implements Layer {
    private final Backend backend;
    private Shape output;
    private Tensor x, y, dx;

    public Flatten(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Shape outputShape(Shape input) {
        return new LayerSpec.Flatten().outputShape(input);
    }

    @Override
    public void prepare(Shape input, Memory memory) {
        output = outputShape(input);
        x = null;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x != this.x) {  // the layer before hands the same buffer every step: make its view once
            this.x = x;
            this.y = backend.view(x, output);
        }
        return y;
    }

    /** Nothing to compute: the network gave dx as a view of dy's own memory (backward in place). */
    @Override
    public Tensor backward(Tensor dy) {
        return dx;
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
