package dev.nin.model;

import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.Linear;
import java.util.ArrayList;
import java.util.List;

/**
 * Multiply-accumulates (MACs) of one forward pass, layer by layer: the chapter's exercise 3, "how much
 * computation". Only convolutions and dense layers multiply; ReLU, pooling and dropout compare or add,
 * which is cheap beside them and not counted as MACs.
 */
public final class ComputeCost {

    /** One layer's output shape and its MACs for the given input. */
    public record LayerCost(String stage, LayerSpec layer, Shape output, long macs) {
    }

    private ComputeCost() {
    }

    // tag::macs[]
    /** Every output value of a convolution is a dot product of length C_in·k·k; of a dense layer, of length in. */
    public static long macs(LayerSpec layer, Shape output) {
        return switch (layer) {
            case Conv2d c -> output.size() * c.inChannels() * c.kernel() * c.kernel();
            case Linear l -> output.size() * l.inFeatures();
            default -> 0;
        };
    }
    // end::macs[]

    /** Each layer of the network, in order, with its MACs for {@code input}. */
    public static List<LayerCost> perLayer(NetworkSpec net, Shape input) {
        List<LayerCost> costs = new ArrayList<>();
        Shape x = input;
        for (Stage stage : net.stages()) {
            for (LayerSpec layer : stage.layers()) {
                x = layer.outputShape(x);
                costs.add(new LayerCost(stage.name(), layer, x, macs(layer, x)));
            }
        }
        return costs;
    }

    public static long total(NetworkSpec net, Shape input) {
        return perLayer(net, input).stream().mapToLong(LayerCost::macs).sum();
    }
}
