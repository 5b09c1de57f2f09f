package dev.nin.model;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.nin.book.Chapters;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * What NiN's final ReLU does to the class scores: the last block's output goes through a ReLU, then global
 * average pooling makes it the logits. Runs the head's last steps (ReLU, pooling, softmax cross-entropy and
 * their backward passes) in the reference engine, on random pre-activations of the last 1×1 convolution.
 */
@Tag(Chapters.EXERCISES)
class FinalReluProperties {

    static final int CLASSES = Nin.CLASSES;

    /** Pre-activations of the last convolution for a small batch, (N, 10, H, W), and each example's label. */
    record Head(float[] preActivations, float[] labels, int n, int h, int w) {
        Shape shape() {
            return Shape.of(n, CLASSES, h, w);
        }

        @Override
        public String toString() {
            return "Head[%s, labels %s, z %s]".formatted(shape(), Arrays.toString(labels), Arrays.toString(preActivations));
        }
    }

    /** The gradient reaching the pre-activations, and the mean loss, with or without the final ReLU. */
    record Backward(float[] gradient, double meanLoss) {
    }

    static Backward backward(Head head, boolean finalRelu) {
        try (ReferenceBackend engine = new ReferenceBackend()) {
            Tensor z = engine.allocate(head.shape()), y = engine.allocate(head.shape());
            Tensor logits = engine.allocate(Shape.of(head.n(), CLASSES, 1, 1)), dLogits = engine.allocate(logits.shape());
            Tensor labels = engine.allocate(Shape.of(head.n())), stats = engine.allocate(Shape.of(2));
            Tensor dy = engine.allocate(head.shape()), dz = engine.allocate(head.shape());
            engine.upload(head.preActivations(), z);
            engine.upload(head.labels(), labels);
            if (finalRelu) engine.relu(z, y);
            else engine.upload(head.preActivations(), y);
            engine.globalAvgPool(y, logits);
            engine.softmaxCrossEntropy(logits, labels, dLogits, stats);
            engine.globalAvgPoolBackward(dLogits, dy);
            if (finalRelu) engine.reluBackward(y, dy, dz);
            else engine.upload(((ReferenceBackend.HostTensor) dy).data(), dz);
            float[] gradient = new float[(int) dz.size()], sums = new float[2];
            engine.download(dz, gradient);
            engine.download(stats, sums);
            return new Backward(gradient, sums[0] / head.n());
        }
    }

    /** Small heads whose pre-activations lie in [low, high]: drawn from a seed, the labels one by one. */
    static Gen<Head> heads(float low, float high) {
        return integers().between(1, 4).flatMap(n -> integers().between(1, 5).zip(
                lists().of(integers().between(0, CLASSES - 1)).ofSize(n), longs().all(),
                (side, labels, seed) -> new Head(values(seed, n * CLASSES * side * side, low, high), floats(labels), n, side, side)));
    }

    /** {@code size} values in [low, high] from {@code seed}; one in eight is an end of the range or zero, as a search's edge cases. */
    static float[] values(long seed, int size, float low, float high) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] edges = {low, Math.clamp(0, low, high), high};
        float[] v = new float[size];
        for (int i = 0; i < size; i++)
            v[i] = random.nextInt(8) == 0 ? edges[random.nextInt(edges.length)] : low + (high - low) * random.nextFloat();
        return v;
    }

    static float[] floats(List<Integer> labels) {
        float[] l = new float[labels.size()];
        for (int i = 0; i < l.length; i++) l[i] = labels.get(i);
        return l;
    }

    static Gen<Head> deadHeads() {
        return heads(-5, 0);
    }

    // tag::all-dead[]
    /** The learner's first run ended at "loss 2.303, train acc 0.100": ln 10 is the loss of ten equal scores. */
    @Test
    void whenEveryScoreIsClampedToZeroTheLossIsLnTenAndNoGradientFlowsBack() {
        forAll(deadHeads()).tries(100).check(head -> {
            Backward withRelu = backward(head, true), without = backward(head, false);

            // two float32 roundings (of N·ln 10, then of ÷ N), each ≤ 2⁻²⁴ relative: under 2⁻²³·ln 10; allow twice that
            assertThat(withRelu.meanLoss()).isCloseTo(Math.log(10), within(2 * Math.log(10) * Math.ulp(1f)));
            assertThat(withRelu.gradient()).containsOnly(0f);
            assertThat(without.gradient()).as("without the ReLU every pre-activation gets a gradient").doesNotContain(0f);
        });
    }
    // end::all-dead[]

    /** A head with one class whose pre-activations are at most zero for every example and pixel. */
    record DeadClass(Head head, int dead) {
    }

    static Gen<DeadClass> headsWithOneDeadClass() {
        return heads(-5, 5).zip(integers().between(0, CLASSES - 1),
                (head, dead) -> {
                    float[] z = head.preActivations().clone();
                    int plane = head.h() * head.w();
                    for (int e = 0; e < head.n(); e++)
                        for (int i = 0; i < plane; i++) {
                            int at = (e * CLASSES + dead) * plane + i;
                            z[at] = -Math.abs(z[at]);
                        }
                    return new DeadClass(new Head(z, head.labels(), head.n(), head.h(), head.w()), dead);
                });
    }

    // tag::one-dead[]
    /** A class whose channel is negative everywhere scores 0 for every image and gets no gradient to climb out. */
    @Test
    void aClassWhoseChannelIsNegativeEverywhereGetsNoGradient() {
        forAll(headsWithOneDeadClass()).tries(100).check(c -> {
            Head head = c.head();
            Backward b = backward(head, true);
            int plane = head.h() * head.w(), dead = c.dead();
            for (int e = 0; e < head.n(); e++)
                for (int i = 0; i < plane; i++) assertThat(b.gradient()[(e * CLASSES + dead) * plane + i]).isZero();
        });
    }
    // end::one-dead[]
}
