package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The whole network, trained a few steps on the CPU backend and on the reference backend from the same
 * weights, with full and partial batches (prefix views of the buffers): same logits, loss and weights.
 */
@Tag("training")
class NetworkOnCpuTest {

    @Test
    void cpuAndReferenceTrainTheSameNetworkAlike() {
        try (Backend cpu = Backends.open("cpu"); Backend ref = new ReferenceBackend()) {
            float[][] a = run(cpu), b = run(ref);
            // float32 with different summation orders (oneDNN vs double accumulation), three SGD steps: 1e-4
            for (int i = 0; i < a.length; i++) {
                for (int j = 0; j < a[i].length; j++) assertThat(a[i][j]).as("output %d[%d]", i, j).isCloseTo(b[i][j], within(1e-4f));
            }
        }
    }

    /** Three steps at batch 5, 3, 5; returns each step's logits and loss sum, then the first weights. */
    static float[][] run(Backend b) {
        Network net = new Network(b, TinyNin.spec(4), Shape.of(1, 1, 12, 12), 5);
        net.initialize(11);
        Inputs inputs = new Inputs(b, 5, 10, 10, 12);
        SplittableRandom r = new SplittableRandom(5);
        float[] pixels = new float[500];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextDouble();
        int[] labels = {3, 1, 4, 1, 5};
        Tensor stats = b.allocate(Shape.of(2));
        float[][] out = new float[4][];
        int step = 0;
        for (int n : new int[]{5, 3, 5}) {
            net.reseedDropout(Seeds.dropout(1, 1, step));
            Tensor logits = net.forward(inputs.load(pixels, labels, n), true);
            b.softmaxCrossEntropy(logits, inputs.labels(), net.lossGradient(), stats);
            net.backward();
            net.sgdStep(0.5f);
            out[step] = new float[(int) logits.size() + 2];
            b.download(logits, out[step]);
            float[] s = new float[2];
            b.download(stats, s);
            out[step][out[step].length - 2] = s[0];
            out[step][out[step].length - 1] = s[1];
            step++;
        }
        Parameter w = net.parameters().getFirst();
        out[3] = new float[(int) w.value().size()];
        b.download(w.value(), out[3]);
        return out;
    }
}
