package dev.nin.model;

import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.Dropout;
import dev.nin.model.LayerSpec.Flatten;
import dev.nin.model.LayerSpec.Linear;
import dev.nin.model.LayerSpec.MaxPool2d;
import dev.nin.model.LayerSpec.ReLU;
import java.util.List;

/** d2l's AlexNet for 1×224×224 Fashion-MNIST inputs, described with the same layer specs as NiN so the same code counts both. */
public final class AlexNet {

    private AlexNet() {
    }

    // tag::alexnet[]
    public static NetworkSpec spec() {
        return new NetworkSpec("AlexNet", List.of(
                Stage.of(new Conv2d(1, 96, 11, 4, 1)), Stage.of(new ReLU()),
                Stage.of(new MaxPool2d(3, 2)),
                Stage.of(new Conv2d(96, 256, 5, 1, 2)), Stage.of(new ReLU()),
                Stage.of(new MaxPool2d(3, 2)),
                Stage.of(new Conv2d(256, 384, 3, 1, 1)), Stage.of(new ReLU()),
                Stage.of(new Conv2d(384, 384, 3, 1, 1)), Stage.of(new ReLU()),
                Stage.of(new Conv2d(384, 256, 3, 1, 1)), Stage.of(new ReLU()),
                Stage.of(new MaxPool2d(3, 2)),
                Stage.of(new Flatten()),
                Stage.of(new Linear(6400, 4096)), Stage.of(new ReLU()), Stage.of(new Dropout(0.5)),
                Stage.of(new Linear(4096, 4096)), Stage.of(new ReLU()), Stage.of(new Dropout(0.5)),
                Stage.of(new Linear(4096, 10))));
    }
    // end::alexnet[]
}
