package dev.nin.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nin.book.Chapters;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

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

    /** Small heads whose pre-activations come from {@code values}. */
    static Arbitrary<Head> heads(Arbitrary<Float> values) {
        return Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 5))
                .flatAs((n, side) -> Combinators.combine(values.array(float[].class).ofSize(n * CLASSES * side * side),
                                Arbitraries.integers().between(0, CLASSES - 1).array(int[].class).ofSize(n))
                        .as((z, labels) -> {
                            float[] l = new float[n];
                            for (int i = 0; i < n; i++) l[i] = labels[i];
                            return new Head(z, l, n, side, side);
                        }));
    }

    @Provide
    Arbitrary<Head> deadHeads() {
        return heads(Arbitraries.floats().between(-5, 0));
    }

    // tag::all-dead[]
    /** The learner's first run ended at "loss 2.303, train acc 0.100": ln 10 is the loss of ten equal scores. */
    @Property(tries = 100)
    void whenEveryScoreIsClampedToZeroTheLossIsLnTenAndNoGradientFlowsBack(@ForAll("deadHeads") Head head) {
        Backward withRelu = backward(head, true), without = backward(head, false);

        // the engine sums the loss into a float32: ln 10 · N rounded to float, about 1e-7 relative
        assertThat(withRelu.meanLoss()).isCloseTo(Math.log(10), within(1e-6));
        assertThat(withRelu.gradient()).containsOnly(0f);
        assertThat(without.gradient()).as("without the ReLU every pre-activation gets a gradient").doesNotContain(0f);
    }
    // end::all-dead[]

    /** A head with one class whose pre-activations are at most zero for every example and pixel. */
    record DeadClass(Head head, int dead) {
    }

    @Provide
    Arbitrary<DeadClass> headsWithOneDeadClass() {
        return Combinators.combine(heads(Arbitraries.floats().between(-5, 5)), Arbitraries.integers().between(0, CLASSES - 1))
                .as((head, dead) -> {
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
    @Property(tries = 100)
    void aClassWhoseChannelIsNegativeEverywhereGetsNoGradient(@ForAll("headsWithOneDeadClass") DeadClass c) {
        Head head = c.head();
        Backward b = backward(head, true);
        int plane = head.h() * head.w(), dead = c.dead();
        for (int e = 0; e < head.n(); e++)
            for (int i = 0; i < plane; i++) assertThat(b.gradient()[(e * CLASSES + dead) * plane + i]).isZero();
    }
    // end::one-dead[]
}
