package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The optimizer around the backend's update: plain SGD untouched, the velocity kept only with momentum. */
@Tag("training")
class SgdTest {

    private static Network tinyNetwork(Backend backend, long seed) {
        Network net = new Network(backend, TinyNin.spec(4), Shape.of(1, 1, 12, 12), 2);
        net.initialize(seed);
        return net;
    }

    /** Fills every gradient with the same pseudo-random values on every network, as a backward pass would. */
    private static void fakeGradients(Network net, int step) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(step);
        for (Parameter p : net.parameters()) {
            float[] g = new float[(int) p.gradient().size()];
            for (int i = 0; i < g.length; i++) g[i] = (float) r.nextGaussian();
            net.backend().upload(g, p.gradient());
        }
    }

    // tag::plain-unchanged[]
    /** Momentum 0 without weight decay is today's plain SGD bit for bit, on the engine the default run uses. */
    @Test
    void withoutMomentumOrDecayItIsThePlainStepBitForBit() {
        try (Backend cpu = Backends.open("cpu")) {
            Network viaSgd = tinyNetwork(cpu, 3), viaNetwork = tinyNetwork(cpu, 3);
            Sgd sgd = new Sgd(viaSgd, 0, 0);
            assertThat(sgd.isPlain()).isTrue();
            assertThat(sgd.velocities()).isEmpty();  // no state allocated
            for (int step = 0; step < 5; step++) {
                fakeGradients(viaSgd, step);
                fakeGradients(viaNetwork, step);
                sgd.step(0.05f);
                viaNetwork.sgdStep(0.05f);
            }
            assertThat(Weights.of(viaSgd)).usingRecursiveComparison().isEqualTo(Weights.of(viaNetwork));
        }
    }
    // end::plain-unchanged[]

    /** PyTorch's recurrence written out in double for one element and rounded like the engine: the same floats. */
    @Test
    void momentumFollowsPyTorchsRecurrenceWithAZeroStart() {
        ReferenceBackend ref = new ReferenceBackend();
        Network net = tinyNetwork(ref, 5);
        Sgd sgd = new Sgd(net, 0.9, 1e-3);
        Parameter p = net.parameters().getFirst();
        float w = ((ReferenceBackend.HostTensor) p.value()).data()[0], v = 0;
        for (int step = 0; step < 4; step++) {
            fakeGradients(net, step);
            float g = ((ReferenceBackend.HostTensor) p.gradient()).data()[0];
            float d = g + 1e-3f * w;
            v = step == 0 ? d : 0.9f * v + d;  // PyTorch: the first step's buffer is a clone of d
            w = w - 0.1f * v;
            sgd.step(0.1f);
            assertThat(((ReferenceBackend.HostTensor) p.value()).data()[0]).as("step %d", step).isEqualTo(w);
            assertThat(sgd.velocities().get(p.name())[0]).isEqualTo(v);
        }
    }

    @Test
    void velocitiesTravelByNameAndMustFit() {
        ReferenceBackend ref = new ReferenceBackend();
        Network a = tinyNetwork(ref, 1), b = tinyNetwork(ref, 1);
        Sgd first = new Sgd(a, 0.9, 0), second = new Sgd(b, 0.9, 0);
        fakeGradients(a, 0);
        first.step(0.1f);
        second.restore(first.velocities());
        assertThat(second.velocities()).usingRecursiveComparison().isEqualTo(first.velocities());
        assertThatThrownBy(() -> second.restore(Map.of())).hasMessageContaining("the velocity of").hasMessageContaining("is missing");
        assertThatThrownBy(() -> new Sgd(b, 0, 0).restore(first.velocities())).hasMessageContaining("this run has no momentum");
        assertThatThrownBy(() -> new Sgd(b, 1, 0)).hasMessageContaining("--momentum must be at least 0 and below 1");
        assertThatThrownBy(() -> new Sgd(b, 0, -1)).hasMessageContaining("--weight-decay");
    }
}
