package dev.nin.model;

import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.ReLU;
import java.util.ArrayList;
import java.util.List;

/**
 * The NiN block (NiN块): one ordinary convolution followed by two 1×1 convolutions, each with a ReLU.
 * The two 1×1 convolutions act as a small multilayer perceptron applied to every pixel's channels.
 */
public final class NinBlock {

    /** The name a NiN block carries in the shape trace (PyTorch prints it as {@code Sequential}). */
    public static final String NAME = "NinBlock";

    private NinBlock() {
    }

    // tag::nin-block[]
    public static Stage of(int inChannels, int outChannels, int kernel, int stride, int padding) {
        return new Stage(NAME, List.of(
                new Conv2d(inChannels, outChannels, kernel, stride, padding), new ReLU(),
                new Conv2d(outChannels, outChannels, 1, 1, 0), new ReLU(),
                new Conv2d(outChannels, outChannels, 1, 1, 0), new ReLU()));
    }
    // end::nin-block[]

    /**
     * A NiN-like block with {@code oneByOnes} 1×1 convolutions instead of two (the exercises remove some);
     * {@code withOneByOnes(..., 2)} is {@link #of}.
     */
    public static Stage withOneByOnes(int inChannels, int outChannels, int kernel, int stride, int padding, int oneByOnes) {
        if (oneByOnes < 0) throw new IllegalArgumentException("oneByOnes must be >= 0, was " + oneByOnes);
        List<LayerSpec> layers = new ArrayList<>(List.of(new Conv2d(inChannels, outChannels, kernel, stride, padding), new ReLU()));
        for (int i = 0; i < oneByOnes; i++) layers.addAll(List.of(new Conv2d(outChannels, outChannels, 1, 1, 0), new ReLU()));
        return new Stage(NAME, layers);
    }
}
