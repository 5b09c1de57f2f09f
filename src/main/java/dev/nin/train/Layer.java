package dev.nin.train;

import dev.nin.model.Shape;
import dev.nin.engine.Tensor;

import java.util.List;

/**
 * One layer bound to a backend. {@link #prepare} takes the buffers for a batch size from {@link Memory}
 * (allocated once, reused every step); {@link #forward} and {@link #backward} only run backend operations.
 */
public interface Layer {

    /** The output shape for an input shape, batch included. */
    Shape outputShape(Shape input);

    /** Takes this batch size's buffers; called when the batch size changes, never per step. */
    void prepare(Shape input, Memory memory);

    /** The output for input x; in training mode dropout is on and the inputs backward needs are kept. */
    Tensor forward(Tensor x, boolean training);

    /**
     * Computes the parameter gradients and writes the input gradient into the tensor {@link #gradientInto}
     * gave, returning it; returns null when given none (the first layer needs no input gradient).
     */
    Tensor backward(Tensor dy);

    /** Where backward writes the input gradient, or null to skip it. */
    void gradientInto(Tensor dx);

    /** Whether backward may write its input gradient over its output gradient (element-wise layers). */
    default boolean backwardInPlace() {
        return false;
    }

    /**
     * Whether backward may write its input gradient over this layer's own output buffer. Walking backward, a
     * layer's output is needed by nothing once its own backward has read it, so the network can reuse it
     * instead of a separate gradient buffer. No by default.
     */
    default boolean gradientFitsOverOutput(Shape input) {
        return false;
    }

    /** This layer's output buffer seen with the input's shape, where {@link #gradientFitsOverOutput} allows it. */
    default Tensor gradientOverOutput(Shape input, Memory memory) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " keeps its output during backward");
    }

    default List<Parameter> parameters() {
        return List.of();
    }
}
