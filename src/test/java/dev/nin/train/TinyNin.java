package dev.nin.train;

import dev.nin.model.LayerSpec;
import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.ReLU;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Stage;

import java.util.List;

/** A NiN small enough for the reference backend: the chapter's stage order with few channels and 10 classes. */
final class TinyNin {
    private TinyNin() {
    }

    static Stage block(String name, int in, int out, int kernel, int stride, int padding) {
        return new Stage(name, List.of(new Conv2d(in, out, kernel, stride, padding), new ReLU(),
                new Conv2d(out, out, 1, 1, 0), new ReLU(), new Conv2d(out, out, 1, 1, 0), new ReLU()));
    }

    /**
     * A NiN block and a convolution to ten class maps, averaged: trains within seconds on the toy data, where
     * {@link #spec} with its ReLU before the averaging sits on NiN's long initial plateau at ln 10.
     */
    static NetworkSpec learner() {
        return new NetworkSpec("tiny learner", List.of(
                block("block", 1, 8, 3, 1, 1),
                Stage.of(new Conv2d(8, 10, 12, 1, 1)),
                Stage.of(new LayerSpec.GlobalAvgPool()),
                Stage.of(new LayerSpec.Flatten())));
    }

    /** For inputs of about 12×12: block, pool, dropout, block to 10 classes, global average pooling, flatten. */
    static NetworkSpec spec(int channels) {
        return new NetworkSpec("tiny NiN", List.of(
                block("block 1", 1, channels, 3, 1, 1),
                Stage.of(new LayerSpec.MaxPool2d(3, 2)),
                Stage.of(new LayerSpec.Dropout(0.5)),
                block("block 2", channels, 10, 3, 1, 1),
                Stage.of(new LayerSpec.GlobalAvgPool()),
                Stage.of(new LayerSpec.Flatten())));
    }
}
