package dev.nin.model;

import java.util.List;

/**
 * A named run of layers: a NiN block, or a single pooling layer. One stage is one line of the chapter's
 * shape trace (PyTorch prints a block as {@code Sequential}).
 */
public record Stage(String name, List<LayerSpec> layers) {
    public Stage {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) throw new IllegalArgumentException("stage " + name + " has no layers");
    }

    public static Stage of(LayerSpec layer) {
        return new Stage(layer.name(), List.of(layer));
    }

    public Shape outputShape(Shape in) {
        Shape s = in;
        for (LayerSpec l : layers) s = l.outputShape(s);
        return s;
    }
}
