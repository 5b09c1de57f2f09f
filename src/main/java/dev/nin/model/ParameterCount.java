package dev.nin.model;

import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.Linear;
import java.util.List;

/** How many learnable numbers a layer, a stage and a network hold. */
public final class ParameterCount {

    private ParameterCount() {
    }

    // tag::count-layer[]
    /** k·k·C_in·C_out weights plus C_out biases for a convolution; in·out + out for a dense layer. */
    public static long of(LayerSpec layer) {
        return switch (layer) {
            case Conv2d c -> (long) c.kernel() * c.kernel() * c.inChannels() * c.outChannels()
                    + c.outChannels();
            case Linear l -> (long) l.inFeatures() * l.outFeatures() + l.outFeatures();
            default -> 0; // ReLU, pooling, dropout and flatten learn nothing
        };
    }
    // end::count-layer[]

    // tag::count-stage[]
    public static long of(Stage stage) {
        return stage.layers().stream().mapToLong(ParameterCount::of).sum();
    }

    public static long of(NetworkSpec net) {
        return net.stages().stream().mapToLong(ParameterCount::of).sum();
    }
    // end::count-stage[]

    /** The shapes of the arrays a layer learns (weight, bias), for engines that allocate them. */
    public static List<Shape> parameterShapes(LayerSpec layer) {
        return switch (layer) {
            case Conv2d c -> List.of(c.weightShape(), c.biasShape());
            case Linear l -> List.of(l.weightShape(), l.biasShape());
            default -> List.of();
        };
    }
}
