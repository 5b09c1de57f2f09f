package dev.nin.model;

import java.util.List;

/**
 * Memory for prediction and for training as a function of the batch size, in float32 bytes: the chapter's
 * exercise 3, "how much memory". Counts arrays only, not the framework's workspace or the allocator's slack,
 * and assumes no layer works in place.
 */
public final class MemoryCost {

    public static final long BYTES_PER_FLOAT = 4;

    /** How much state an optimizer keeps per parameter: plain SGD none, SGD with momentum one, Adam two. */
    public enum Optimizer {
        SGD(0), SGD_MOMENTUM(1), ADAM(2);

        final int statesPerParameter;

        Optimizer(int statesPerParameter) {
            this.statesPerParameter = statesPerParameter;
        }
    }

    /** The parts of the memory, in bytes. */
    public record Breakdown(long parameters, long gradients, long optimizerState, long activations) {
        public long total() {
            return parameters + gradients + optimizerState + activations;
        }
    }

    private MemoryCost() {
    }

    // tag::prediction[]
    /** Predicting needs the weights and, at worst, one layer's input and output alive at once. */
    public static Breakdown prediction(NetworkSpec net, Shape input) {
        long peak = 0;
        Shape x = input;
        for (LayerSpec layer : net.layers()) {
            Shape y = layer.outputShape(x);
            peak = Math.max(peak, x.size() + y.size());
            x = y;
        }
        return new Breakdown(ParameterCount.of(net) * BYTES_PER_FLOAT, 0, 0, peak * BYTES_PER_FLOAT);
    }
    // end::prediction[]

    // tag::training[]
    /**
     * Training keeps the input and every layer's output for the backward pass, and holds parameters,
     * one gradient per parameter, and the optimizer's state.
     */
    public static Breakdown training(NetworkSpec net, Shape input, Optimizer optimizer) {
        long kept = input.size();
        Shape x = input;
        for (LayerSpec layer : net.layers()) {
            x = layer.outputShape(x);
            kept += x.size();
        }
        long params = ParameterCount.of(net);
        return new Breakdown(params * BYTES_PER_FLOAT, params * BYTES_PER_FLOAT,
                params * optimizer.statesPerParameter * BYTES_PER_FLOAT, kept * BYTES_PER_FLOAT);
    }
    // end::training[]

    /** The batch sizes the book tabulates. */
    public static final List<Integer> BATCH_SIZES = List.of(1, 32, 128, 256);
}
