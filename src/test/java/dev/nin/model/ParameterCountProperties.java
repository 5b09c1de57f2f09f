package dev.nin.model;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.nin.book.Chapters;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.LayerSpec.MaxPool2d;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

@Tag(Chapters.COUNTING)
class ParameterCountProperties {

    // tag::materialise[]
    /** Allocates every weight and bias array of a stage, as an engine does to train it, and counts their elements. */
    static long materialisedElements(Stage stage) {
        try (ReferenceBackend engine = new ReferenceBackend()) {
            long elements = 0;
            for (LayerSpec layer : stage.layers()) {
                for (Shape shape : ParameterCount.parameterShapes(layer)) {
                    Tensor array = engine.allocate(shape);
                    elements += ((ReferenceBackend.HostTensor) array).data().length;
                }
            }
            return elements;
        }
    }

    static long materialisedElements(NetworkSpec net) {
        return net.stages().stream().mapToLong(ParameterCountProperties::materialisedElements).sum();
    }
    // end::materialise[]

    // tag::nin[]
    /** The oracle: PyTorch's hooks count 1,992,166 for the chapter's net (blocks 30,336 / 746,240 / 1,180,800 / 34,790). */
    @Test
    void ninsCountIsTheNumberOfItsWeightsAndBiases() {
        NetworkSpec nin = Nin.spec();
        List<Stage> blocks = nin.stages().stream().filter(s -> s.name().equals(NinBlock.NAME)).toList();

        assertThat(ParameterCount.of(nin)).isEqualTo(materialisedElements(nin)).isEqualTo(1_992_166);
        assertThat(blocks).extracting(ParameterCount::of)
                .containsExactlyElementsOf(blocks.stream().map(ParameterCountProperties::materialisedElements).toList())
                .containsExactly(30_336L, 746_240L, 1_180_800L, 34_790L);
    }
    // end::nin[]

    // tag::random-stacks[]
    /** Two to four NiN blocks with random channels and kernels, with max pooling between them. */
    static Gen<NetworkSpec> ninLikeStacks() {
        return ninLikeStacks(3);
    }

    static Gen<NetworkSpec> ninLikeStacks(int maxStride) {
        Gen<int[]> block = integers().between(1, 64).zip(integers().between(1, 7), integers().between(1, maxStride),
                integers().between(0, 2), (out, k, s, p) -> new int[] {out, k, s, p});
        return integers().between(1, 4).zip(lists().of(block).ofSizeBetween(2, 4),
                (inputChannels, blocks) -> {
                    List<Stage> stages = new ArrayList<>();
                    int channels = inputChannels;
                    for (int[] b : blocks) {
                        stages.add(NinBlock.of(channels, b[0], b[1], b[2], b[3]));
                        stages.add(Stage.of(new MaxPool2d(3, 2)));
                        channels = b[0];
                    }
                    return new NetworkSpec("NiN-like", stages);
                });
    }

    @Test
    void everyNinLikeStacksCountIsTheNumberOfItsWeightsAndBiases() {
        forAll(ninLikeStacks()).tries(100).check(net -> {
            assertThat(ParameterCount.of(net)).isEqualTo(materialisedElements(net));
            for (Stage stage : net.stages()) assertThat(ParameterCount.of(stage)).isEqualTo(materialisedElements(stage));
        });
    }
    // end::random-stacks[]

    // tag::alexnet[]
    @Test
    void alexNetCountedByTheSameCodeHoldsTwentyTimesMore() {
        NetworkSpec alexNet = AlexNet.spec();
        Shape image = Shape.of(1, 1, 224, 224);

        assertThat(alexNet.outputShape(image)).isEqualTo(Nin.spec().outputShape(image)); // same input, ten logits each
        assertThat(ParameterCount.of(alexNet)).isEqualTo(materialisedElements(alexNet));
        assertThat(ParameterCount.of(alexNet)).isGreaterThan(20 * ParameterCount.of(Nin.spec()));
    }
    // end::alexnet[]
}
