package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Stage;
import dev.nin.model.Shape;
import dev.nin.train.record.LayerActivity;
import dev.nin.book.Chapters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The probe on the trained network's own layers (reference backend, a tiny NiN): it sees every ReLU, and a NiN
 * whose class channels are negative for every image is dead, as the dead-run study says: loss ln 10, zero
 * gradient everywhere. Without the final ReLU the same weights still learn.
 */
@Tag(Chapters.TRAINING)
class ActivationProbeTest {
    static final int SIZE = 12, BATCH = 4;
    final Backend backend = new ReferenceBackend();

    Network network(NetworkSpec spec) {
        Network net = new Network(backend, spec, Shape.of(1, 1, SIZE, SIZE), BATCH);
        net.initialize(7);
        return net;
    }

    Tensor images() {
        float[] pixels = new float[BATCH * SIZE * SIZE];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextDouble();
        Tensor x = backend.allocate(Shape.of(BATCH, 1, SIZE, SIZE));
        backend.upload(pixels, x);
        return x;
    }

    /** Pushes every class channel of the last convolution far below zero: what one huge SGD step can do. */
    static void killClassChannels(Network net) {
        Conv2d last = (Conv2d) net.layers().stream().filter(l -> l instanceof Conv2d).reduce((a, b) -> b).orElseThrow();
        float[] bias = new float[(int) last.parameters().get(1).value().size()];
        java.util.Arrays.fill(bias, -100f);
        net.backend().upload(bias, last.parameters().get(1).value());
    }

    @Test
    void theProbeReportsEveryReluLayerWithFractionsBetweenZeroAndOneAndTheClassChannelsOfTheLast() {
        List<LayerActivity> activity = ActivationProbe.measure(network(TinyNin.spec(4)), images());

        assertThat(activity).hasSize(6);  // two blocks of three convolutions, each with its ReLU
        assertThat(activity).allSatisfy(a -> assertThat(a.alive()).isBetween(0.0, 1.0));
        assertThat(activity.getFirst().layer()).isEqualTo("0.0 3×3 conv 1→4 + ReLU");
        assertThat(activity.getLast().layer()).isEqualTo("3.4 1×1 conv 10→10 + ReLU");
        assertThat(activity.getLast().perChannel()).hasSize(10);
        assertThat(activity.subList(0, 5)).allSatisfy(a -> assertThat(a.perChannel()).isEmpty());
        // the overall fraction is the mean of the per-channel ones (every channel has as many outputs)
        assertThat(activity.getLast().alive()).isCloseTo(
                activity.getLast().perChannel().stream().mapToDouble(Double::doubleValue).average().orElseThrow(), within(1e-12));
    }

    @Test
    void perChannelCountsEachChannelOverExamplesAndPositions() {
        // (N=2, C=2, H=1, W=2): channel 0 holds 1, 0 | 2, 3; channel 1 holds 0, 0 | 0, -1
        float[] values = {1, 0, 0, 0, 2, 3, 0, -1};
        assertThat(ActivationProbe.perChannel(values, Shape.of(2, 2, 1, 2))).containsExactly(0.75, 0.0);
        assertThat(ActivationProbe.positive(values)).isEqualTo(3 / 8.0);
    }

    // tag::dead-head[]
    @Test
    void aNinWhoseClassChannelsAreNegativeForEveryImageIsDeadLossLn10AndNoGradient() {
        Network net = network(TinyNin.spec(4));
        killClassChannels(net);
        Tensor x = images();

        LayerActivity last = ActivationProbe.measure(net, x).getLast();
        assertThat(last.alive()).isZero();
        assertThat(last.perChannel()).containsOnly(0.0);
        assertThat(lossAndGradient(net, x)).satisfies(r -> {
            assertThat(r[0]).isCloseTo(Math.log(10), within(1e-6));  // uniform softmax over ten zero scores; float rounding
            assertThat(r[1]).isZero();  // the dead ReLUs pass exactly nothing back
        });
    }

    @Test
    void withoutTheFinalReluTheSameNegativeScoresStillPassAGradient() {
        Network net = network(withoutFinalRelu(TinyNin.spec(4)));
        killClassChannels(net);

        assertThat(lossAndGradient(net, images())[1]).isPositive();
    }
    // end::dead-head[]

    /** The tiny NiN's last block without its last ReLU, as {@link dev.nin.model.NinVariants#withoutFinalRelu} does to NiN. */
    static NetworkSpec withoutFinalRelu(NetworkSpec tiny) {
        List<Stage> stages = new ArrayList<>(tiny.stages());
        Stage last = stages.get(3);
        stages.set(3, new Stage(last.name(), last.layers().subList(0, last.layers().size() - 1)));
        return new NetworkSpec(tiny.name() + ", no final ReLU", stages);
    }

    /** The mean loss of one training step on x (labels 0..3) and the sum of squares of all parameter gradients. */
    double[] lossAndGradient(Network net, Tensor x) {
        Tensor labels = backend.allocate(Shape.of(BATCH)), stats = backend.allocate(Shape.of(2));
        backend.upload(new float[]{0, 1, 2, 3}, labels);
        backend.softmaxCrossEntropy(net.forward(x, true), labels, net.lossGradient(), stats);
        net.backward();
        float[] sums = new float[2];
        backend.download(stats, sums);
        double gradient = 0;
        for (Parameter p : net.parameters()) gradient += backend.sumOfSquares(p.gradient());
        return new double[]{sums[0] / BATCH, gradient};
    }
}
