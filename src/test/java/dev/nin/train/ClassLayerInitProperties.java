package dev.nin.train;

import dev.nin.book.Chapters;
import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * {@link WeightInit#KAIMING_LIVE_CLASSES} changes one layer and nothing else: the class layer (the last
 * convolution) starts with zero weights and open biases, every other parameter is what plain Kaiming draws with the
 * same seed; so every class channel is alive on every input and all classes score alike.
 */
@Tag(Chapters.TRAINING)
class ClassLayerInitProperties {
    static final Backend B = new ReferenceBackend();

    private static Network initialized(int channels, long seed, WeightInit init) {
        Network net = new Network(B, TinyNin.spec(channels), Shape.of(1, 1, 12, 12), 3);
        net.initialize(seed, init);
        return net;
    }

    private static float[] values(Parameter p) {
        float[] v = new float[(int) p.value().size()];
        B.download(p.value(), v);
        return v;
    }

    @Test
    void onlyTheClassLayerDiffersFromKaiming() {
        forAll(integers().between(2, 6), longs().all()).tries(20).check((channels, seed) -> {
            List<Parameter> live = initialized(channels, seed, WeightInit.KAIMING_LIVE_CLASSES).parameters();
            List<Parameter> kaiming = initialized(channels, seed, WeightInit.KAIMING).parameters();
            int n = live.size();
            for (int i = 0; i < n - 2; i++)
                assertThat(values(live.get(i))).as(live.get(i).name()).containsExactly(values(kaiming.get(i)));
            assertThat(values(live.get(n - 2))).as("class layer weights").containsOnly(0f);
            assertThat(values(live.get(n - 1))).as("class layer biases").hasSize(10).containsOnly(WeightInit.CLASS_LAYER_BIAS);
            assertThat(values(kaiming.get(n - 2))).as("Kaiming draws the class layer's weights").doesNotContain(0f);
        });
    }

    // tag::alike[]
    @Test
    void everyClassScoresAlikeOnAnyInput() {
        forAll(integers().between(2, 6), longs().all()).tries(20).check((channels, seed) -> {
            Network net = initialized(channels, seed, WeightInit.KAIMING_LIVE_CLASSES);
            SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
            float[] pixels = new float[3 * 12 * 12];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextDouble();
            Tensor x = B.allocate(Shape.of(3, 1, 12, 12));
            B.upload(pixels, x);
            float[] logits = new float[30];
            B.download(net.forward(x, true), logits);
            // zero weights: each class map is its bias behind an open ReLU, whatever reaches the layer (dropout on)
            assertThat(logits).containsOnly(WeightInit.CLASS_LAYER_BIAS);
        });
    }
    // end::alike[]
}
