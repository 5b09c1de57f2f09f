package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("training")
class NetworkTest {
    final Backend b = new ReferenceBackend();
    final Network net = new Network(b, TinyNin.spec(4), Shape.of(1, 1, 12, 12), 5);
    final float[] pixels = new float[5 * 144];

    NetworkTest() {
        net.initialize(3);
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextDouble();
    }

    float[] logits(int n) {
        Tensor x = b.allocate(Shape.of(n, 1, 12, 12));
        b.upload(pixels, x);
        Tensor y = net.forward(x, false);
        float[] out = new float[(int) y.size()];
        b.download(y, out);
        return out;
    }

    @Test
    void aSmallerBatchGivesTheFirstRowsOfTheFullBatch() {
        float[] five = logits(5), three = logits(3);
        assertThat(three).hasSize(30).containsExactly(Arrays.copyOf(five, 30));
        assertThat(logits(5)).containsExactly(five);
    }

    @Test
    void convolutionsFollowedByReluAreFused() {
        assertThat(net.layers()).hasSize(10);  // 6 convolutions with their ReLUs, pool, dropout, average, flatten
        assertThat(net.layers().stream().filter(l -> l instanceof Conv2d c && c.fusedRelu())).hasSize(6);
    }

    /**
     * Walking backward through TinyNin at 12×12, batch 5: the loss gradient (5×10) and the global average
     * pooling's input gradient (5×10×5×5) need buffers; every convolution after the pooling writes over its own
     * output; the max pooling's input gradient (5×4×12×12) takes the buffer not holding its output gradient.
     * A ping-pong pair of the largest activation would be 2 × 5×4×12×12.
     */
    @Test
    void gradientsReuseEachConvolutionsOutputAndNeedTwoBuffersOfThePoolingsInputGradients() {
        assertThat(net.gradientElements()).isEqualTo(5 * 4 * 12 * 12 + 5 * 10 * 5 * 5);
    }

    @Test
    void trainingStepsAllocateNothing() {
        Inputs inputs = new Inputs(b, 5, 10, 10, 12);
        Tensor stats = b.allocate(Shape.of(2));
        int[] labels = {1, 2, 3, 4, 5};
        float[] small = Arrays.copyOf(pixels, 500);
        step(inputs, small, labels, 5, stats);
        long after = b.peakMemoryBytes();
        for (int n : new int[]{5, 3, 5, 2}) step(inputs, small, labels, n, stats);
        assertThat(b.peakMemoryBytes()).isEqualTo(after);
    }

    void step(Inputs inputs, float[] small, int[] labels, int n, Tensor stats) {
        Tensor logits = net.forward(inputs.load(small, labels, n), true);
        b.softmaxCrossEntropy(logits, inputs.labels(), net.lossGradient(), stats);
        net.backward();
        net.sgdStep(0.1f);
    }
}
