package dev.nin.model;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.nin.book.Chapters;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.Linear;
import dev.nin.model.MemoryCost.Breakdown;
import dev.nin.model.MemoryCost.Optimizer;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

@Tag(Chapters.COUNTING)
class CostProperties {

    /** A convolution and an input it accepts. */
    record ConvCase(Conv2d conv, Shape input) {
    }

    record Kernel(int k, int s, int p) {
    }

    /** Kernel 1–5, stride 1–3, padding 0–2, and an input at least as large as the kernel after padding. */
    static Gen<ConvCase> smallConvolutions() {
        return integers().between(1, 5).zip(integers().between(1, 3), integers().between(0, 2), Kernel::new)
                .flatMap(kernel -> integers().between(1, 4).zip(integers().between(1, 4), integers().between(1, 2),
                        integers().between(Math.max(1, kernel.k() - 2 * kernel.p()), 12),
                        (cIn, cOut, n, h) -> new ConvCase(new Conv2d(cIn, cOut, kernel.k(), kernel.s(), kernel.p()),
                                Shape.of(n, cIn, h, h + 1))));
    }

    // tag::brute-force-macs[]
    /** Slides the kernel over the padded input, as a naive convolution does, and counts its MACs. */
    @Test
    void convolutionMacsAreTheTapsOfANaiveConvolution() {
        forAll(smallConvolutions()).tries(100).check(c -> {
            Conv2d conv = c.conv();
            int h = c.input().dim(2), w = c.input().dim(3);
            int k = conv.kernel(), s = conv.stride(), p = conv.padding();
            long taps = 0;
            for (int n = 0; n < c.input().dim(0); n++)
                for (int o = 0; o < conv.outChannels(); o++)
                    for (int top = -p; top + k <= h + p; top += s)        // every window position ...
                        for (int left = -p; left + k <= w + p; left += s)
                            taps += (long) conv.inChannels() * k * k;     // ... does C_in·k·k MACs

            assertThat(ComputeCost.macs(conv, conv.outputShape(c.input()))).isEqualTo(taps);
        });
    }
    // end::brute-force-macs[]

    // tag::weights-times-positions[]
    /** Independently: each weight (not bias) is used once per output position and image. */
    @Test
    void ninMacsAreEachWeightTimesTheOutputPositionsItIsUsedAt() {
        NetworkSpec nin = Nin.spec();
        Shape image = Shape.of(1, 1, 224, 224);
        long expected = 0;
        Shape x = image;
        for (LayerSpec layer : nin.layers()) {
            Shape y = layer.outputShape(x);
            if (layer instanceof Conv2d c) expected += c.weightShape().size() * y.dim(2) * y.dim(3);
            if (layer instanceof Linear l) expected += l.weightShape().size();
            x = y;
        }
        assertThat(ComputeCost.total(nin, image)).isEqualTo(expected);
    }
    // end::weights-times-positions[]

    @Test
    void computeGrowsInProportionToTheBatch() {
        forAll(integers().between(1, 512)).tries(50).check(batch -> {
            Shape image = Shape.of(1, 1, 224, 224);
            for (NetworkSpec net : List.of(Nin.spec(), AlexNet.spec())) {
                assertThat(ComputeCost.total(net, image.withBatch(batch))).isEqualTo(batch * ComputeCost.total(net, image));
            }
        });
    }

    /** NiN-like stacks with stride-1 convolutions, so their smallest inputs stay small enough to allocate. */
    static Gen<NetworkSpec> ninLikeStacks() {
        return ParameterCountProperties.ninLikeStacks(1);
    }

    /** A batch of the smallest square images the stack accepts, with as many channels as its first layer takes. */
    static Shape smallestInput(NetworkSpec net, int batch) {
        int channels = ((Conv2d) net.layers().getFirst()).inChannels();
        for (int size = 1; ; size++) {
            try {
                net.outputShape(Shape.of(batch, channels, size, size));
                return Shape.of(batch, channels, size, size);
            } catch (IllegalArgumentException tooSmall) {
                // try the next size
            }
        }
    }

    // tag::training-memory[]
    /** Allocates in the reference engine what training keeps, and reads the engine's own byte count. */
    @Test
    void trainingMemoryIsWhatAnEngineAllocatesToTrain() {
        forAll(ninLikeStacks(), integers().between(1, 4)).tries(50).check((net, batch) -> {
            Shape input = smallestInput(net, batch);
            try (ReferenceBackend engine = new ReferenceBackend()) {
                engine.allocate(input);                // kept for the first layer's backward
                Shape x = input;
                for (LayerSpec layer : net.layers()) {
                    x = layer.outputShape(x);
                    engine.allocate(x);                // every output, kept for backward
                    for (Shape p : ParameterCount.parameterShapes(layer)) {
                        engine.allocate(p);            // the parameter ...
                        engine.allocate(p);            // ... and its gradient; SGD keeps no more
                    }
                }
                assertThat(MemoryCost.training(net, input, Optimizer.SGD).total()).isEqualTo(engine.peakMemoryBytes());
            }
        });
    }
    // end::training-memory[]

    // tag::prediction-memory[]
    /** Replays prediction with an allocator that frees each input as soon as the next layer has its output. */
    @Test
    void predictionMemoryIsThePeakOfLiveActivations() {
        forAll(ninLikeStacks(), integers().between(1, 8)).tries(50).check((net, batch) -> {
            Shape input = smallestInput(net, batch);
            long live = input.size(), peak = live;
            Shape x = input;
            for (LayerSpec layer : net.layers()) {
                Shape y = layer.outputShape(x);
                live += y.size();            // allocate the output
                peak = Math.max(peak, live);
                live -= x.size();            // free the input
                x = y;
            }
            Breakdown predicted = MemoryCost.prediction(net, input);
            assertThat(predicted.activations()).isEqualTo(peak * MemoryCost.BYTES_PER_FLOAT);
            assertThat(predicted.parameters()).isEqualTo(ParameterCount.of(net) * MemoryCost.BYTES_PER_FLOAT);
            assertThat(predicted.gradients() + predicted.optimizerState()).isZero();
        });
    }
    // end::prediction-memory[]

    // tag::linear-in-batch[]
    @Test
    void trainingMemoryIsAFixedPartPlusAPartPerExample() {
        forAll(integers().between(1, 1024)).tries(50).check(batch -> {
            Shape image = Shape.of(1, 1, 224, 224);
            for (NetworkSpec net : List.of(Nin.spec(), AlexNet.spec())) {
                for (Optimizer optimizer : Optimizer.values()) {
                    Breakdown one = MemoryCost.training(net, image, optimizer);
                    Breakdown many = MemoryCost.training(net, image.withBatch(batch), optimizer);
                    long fixed = one.parameters() + one.gradients() + one.optimizerState();
                    assertThat(many.total()).isEqualTo(fixed + batch * one.activations());
                }
            }
        });
    }
    // end::linear-in-batch[]
}
