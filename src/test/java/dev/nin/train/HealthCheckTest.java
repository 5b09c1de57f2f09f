package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health check on a tiny NiN's real training steps (reference backend): a network whose class channels are
 * all pushed below zero is declared dead after {@link HealthCheck#DEAD_CHECKS} pinned check points, while a
 * freshly initialized one, whose loss also starts near ln 10, is not.
 */
@Tag("training")
class HealthCheckTest {
    static final int SIZE = 12, BATCH = 4;
    static final double PINNED_LOSS = 2.302585;  // what a dead network's window reads: ln 10 in float
    final Backend backend = new ReferenceBackend();

    Network network() {
        Network net = new Network(backend, TinyNin.spec(4), Shape.of(1, 1, SIZE, SIZE), BATCH);
        net.initialize(7);
        return net;
    }

    /** One training step as the trainer takes it at a check point: the forward hands its outputs to the check. */
    void checkPointStep(Network net, HealthCheck health, int step) {
        float[] pixels = new float[BATCH * SIZE * SIZE];
        SplittableRandom random = new SplittableRandom(step);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextDouble();
        Tensor x = backend.allocate(Shape.of(BATCH, 1, SIZE, SIZE)), labels = backend.allocate(Shape.of(BATCH));
        backend.upload(pixels, x);
        backend.upload(new float[]{0, 1, 2, 3}, labels);
        net.reseedDropout(step);
        Tensor logits = net.forward(x, true, health::observe);
        backend.softmaxCrossEntropy(logits, labels, net.lossGradient(), backend.allocate(Shape.of(2)));
        net.backward();
        net.sgdStep(0.1f);
    }

    @Test
    void aNotANumberLossIsDivergence() {
        HealthCheck health = new HealthCheck(network());
        assertThat(health.check(Double.NaN, 2, 40).outcome()).isEqualTo("diverged");
        assertThat(health.check(Double.POSITIVE_INFINITY, 2, 40).message()).contains("epoch 2").contains("step 40");
    }

    // tag::dead[]
    @Test
    void aNetworkWhoseClassChannelsAreAllZeroWithTheLossAtLn10IsDeadAfterEnoughCheckPoints() {
        Network net = network();
        ActivationProbeTest.killClassChannels(net);  // every class channel far below zero, as one huge step can do
        HealthCheck health = new HealthCheck(net);
        for (int i = 1; i < HealthCheck.DEAD_CHECKS; i++) {
            checkPointStep(net, health, 20 * i);
            assertThat(health.check(PINNED_LOSS, 1, 20 * i).failed()).as("check point %d", i).isFalse();
        }
        checkPointStep(net, health, 100);
        HealthCheck.Verdict v = health.check(PINNED_LOSS, 1, 100);
        assertThat(v.outcome()).isEqualTo("dead");
        assertThat(v.message()).startsWith("dead network: the ReLU after 3.4 is 0 for every example, so every image gets the same scores (at most 0.0 % of its outputs positive")
                .contains("since step 20 of epoch 1").contains("ln 10 = 2.3026").contains("see the training chapter");
    }

    @Test
    void aSilentReluEarlierInTheClassifierBlockIsDeathTooWhileTheLastOnePassesConstants() {
        // as two seeds at 224×224 on an H200: the ReLU after the block's first convolution silent, the two 1×1
        // convolutions after it passing their biases, the same for every image; the last ReLU is far from silent
        Network net = network();
        Conv2d first = (Conv2d) net.layers().stream().filter(l -> l instanceof Conv2d c && c.name().equals("3.0")).findFirst().orElseThrow();
        float[] bias = new float[(int) first.parameters().get(1).value().size()];
        java.util.Arrays.fill(bias, -100f);
        backend.upload(bias, first.parameters().get(1).value());
        Conv2d last = (Conv2d) net.layers().stream().filter(l -> l instanceof Conv2d c && c.name().equals("3.4")).findFirst().orElseThrow();
        float[] positive = new float[10];
        java.util.Arrays.fill(positive, 1f);
        backend.upload(positive, last.parameters().get(1).value());
        HealthCheck health = new HealthCheck(net);
        HealthCheck.Verdict v = HealthCheck.HEALTHY;
        for (int i = 1; i <= HealthCheck.DEAD_CHECKS; i++) {
            checkPointStep(net, health, 20 * i);
            v = health.check(PINNED_LOSS, 1, 20 * i);
        }
        assertThat(v.outcome()).isEqualTo("dead");
        assertThat(v.message()).startsWith("dead network: the ReLU after 3.0 is 0 for every example, so every image gets the same scores");
    }

    @Test
    void anAliveNetworkWhoseLossStartsNearLn10IsNotDead() {
        Network net = network();  // freshly initialized: its loss starts at ln 10 too, but class channels are positive
        HealthCheck health = new HealthCheck(net);
        for (int i = 1; i <= 2 * HealthCheck.DEAD_CHECKS; i++) {
            checkPointStep(net, health, 20 * i);
            assertThat(health.check(PINNED_LOSS, 1, 20 * i).failed()).as("check point %d", i).isFalse();
        }
    }
    // end::dead[]

    @Test
    void deadChannelsWithALossAwayFromLn10OrNoObservedBatchAreNotDeath() {
        Network net = network();
        ActivationProbeTest.killClassChannels(net);
        HealthCheck health = new HealthCheck(net);
        for (int i = 1; i <= 2 * HealthCheck.DEAD_CHECKS; i++) {
            checkPointStep(net, health, 20 * i);
            assertThat(health.check(2.31, 1, 20 * i).failed()).isFalse();  // loss not pinned: nothing downloaded
        }
        for (int i = 1; i <= 2 * HealthCheck.DEAD_CHECKS; i++) {
            assertThat(health.check(PINNED_LOSS, 1, 20 * i).failed()).isFalse();  // no forward observed since
        }
    }

    @Test
    void oneCheckPointAwayFromLn10ResetsTheCount() {
        Network net = network();
        ActivationProbeTest.killClassChannels(net);
        HealthCheck health = new HealthCheck(net);
        for (int i = 1; i < HealthCheck.DEAD_CHECKS; i++) {
            checkPointStep(net, health, 20 * i);
            health.check(PINNED_LOSS, 1, 20 * i);
        }
        checkPointStep(net, health, 99);
        health.check(1.9, 1, 99);
        checkPointStep(net, health, 100);
        assertThat(health.check(PINNED_LOSS, 1, 100).failed()).isFalse();
    }
}
