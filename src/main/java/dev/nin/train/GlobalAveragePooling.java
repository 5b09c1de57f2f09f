package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.model.LayerSpec;
import dev.nin.model.Shape;

/** The mean of each channel over all positions: NiN's replacement for the fully connected layers. */
public final class GlobalAveragePooling implements Layer {
    private final Backend backend;
    private Tensor y, dx;

    public GlobalAveragePooling(Backend backend) {
        this.backend = backend;
    }

    @Override
    public Shape outputShape(Shape input) {
        return new LayerSpec.GlobalAvgPool().outputShape(input);
    }

    @Override
    public void prepare(Shape input, Memory memory) {
        y = memory.buffer(this, "y", outputShape(input));
    }

    // tag::gap[]
    @Override
    public Tensor forward(Tensor x, boolean training) {
        backend.globalAvgPool(x, y);
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (dx != null) backend.globalAvgPoolBackward(dy, dx);
        return dx;
    }
    // end::gap[]

    @Override
    public void gradientInto(Tensor dx) {
        this.dx = dx;
    }
}
