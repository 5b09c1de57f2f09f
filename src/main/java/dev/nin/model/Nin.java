package dev.nin.model;

import dev.nin.model.LayerSpec.Dropout;
import dev.nin.model.LayerSpec.Flatten;
import dev.nin.model.LayerSpec.GlobalAvgPool;
import dev.nin.model.LayerSpec.MaxPool2d;
import java.util.List;

/** The NiN model (NiN模型) of the chapter: four NiN blocks, three max poolings, dropout, global average pooling. */
public final class Nin {

    /** The chapter trains on Fashion-MNIST resized to 224×224. */
    public static final int CHAPTER_INPUT_SIZE = 224;
    public static final int CLASSES = 10;

    private Nin() {
    }

    /** The chapter's network for 1×224×224 inputs. */
    public static NetworkSpec spec() {
        return spec(CHAPTER_INPUT_SIZE);
    }

    /** The chapter's network for 1×size×size inputs; throws when the input cannot pass every layer. */
    public static NetworkSpec spec(int inputSize) {
        NetworkSpec net = layers();
        try {
            net.outputShape(Shape.of(1, 1, inputSize, inputSize));
        } catch (IllegalArgumentException tooSmall) {
            int minimum = minimumInputSize();
            throw new IllegalArgumentException("NiN needs inputs of at least " + minimum + "x" + minimum
                    + " pixels; input size " + inputSize + " is too small: " + tooSmall.getMessage(), tooSmall);
        }
        return net;
    }

    // tag::nin-model[]
    private static NetworkSpec layers() {
        return new NetworkSpec("NiN", List.of(
                NinBlock.of(1, 96, 11, 4, 0),
                Stage.of(new MaxPool2d(3, 2)),
                NinBlock.of(96, 256, 5, 1, 2),
                Stage.of(new MaxPool2d(3, 2)),
                NinBlock.of(256, 384, 3, 1, 1),
                Stage.of(new MaxPool2d(3, 2)),
                Stage.of(new Dropout(0.5)),
                NinBlock.of(384, CLASSES, 3, 1, 1), // as many channels as classes
                Stage.of(new GlobalAvgPool()),      // one value per class: the logits
                Stage.of(new Flatten())));
    }
    // end::nin-model[]

    // tag::minimum-input[]
    /** The smallest square input every layer accepts, found by asking the description itself. */
    public static int minimumInputSize() {
        NetworkSpec net = layers();
        for (int size = 1; ; size++) {
            try {
                net.outputShape(Shape.of(1, 1, size, size));
                return size;
            } catch (IllegalArgumentException tooSmall) {
                // try the next size
            }
        }
    }
    // end::minimum-input[]
}
