package dev.nin.train;

import dev.nin.book.Chapters;
import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.NetworkSpec;
import dev.nin.model.Shape;
import dev.nin.testing.Property;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * A whole small NiN: the gradient of the mean cross-entropy with respect to a sample of every layer's
 * weights and biases equals central finite differences, with dropout on (its mask fixed by the seed).
 */
@Tag(Chapters.TRAINING)
class NetworkGradientProperties {
    /**
     * The finite differences are exact to about 1e-7 (see {@link FiniteDifferences}); what remains is the
     * backward pass's own float rounding: eight layers each store their gradient in float (2^-24 relative),
     * so a gradient that sums terms of up to 1e-2 with cancellation carries errors near 1e-8. A wrong index
     * or a missed term is off by a whole term, orders of magnitude above 1e-5.
     */
    static final double ABS = 1e-5, REL = 1e-4;

    // tag::network-gradient[]
    @Test
    void networkBackwardEqualsFiniteDifferencesOfTheLoss() {
        forAll(integers().between(1, 3), integers().between(9, 12), longs().all()).tries(20).shrinks(20)
                .check((batch, size, seed) -> {
            Backend b = new ReferenceBackend();
            NetworkSpec spec = TinyNin.spec(4);
            Network net = new Network(b, spec, Shape.of(1, 1, size, size), batch);
            net.initialize(seed);
            net.reseedDropout(seed);
            SplittableRandom random = new SplittableRandom(seed);
            Tensor x = b.allocate(Shape.of(batch, 1, size, size)), labels = b.allocate(Shape.of(batch));
            float[] pixels = new float[(int) x.size()], classes = new float[batch];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextDouble();
            for (int i = 0; i < batch; i++) classes[i] = random.nextInt(10);
            b.upload(pixels, x);
            b.upload(classes, labels);
            Tensor stats = b.allocate(Shape.of(2));

            b.softmaxCrossEntropy(net.forward(x, true), labels, net.lossGradient(), stats);
            net.backward();

            // the same network in double: the loss whose finite differences are taken, with its kink decisions
            DoubleForward exact = new DoubleForward(net, spec, seed);
            DoubleForward.Pass pass = exact.run(pixels, x.shape());
            assertLogitsAgree(b, net.forward(x, true), pass.logits());
            // a ReLU input within float rounding of 0 may fall on either side in float and in double; then
            // backward (float) and the differences (double) differentiate different pieces: no claim there
            Property.discardIf(!Arrays.equals(exact.decisionsOf(net, x), pass.decisions()));

            int checked = 0, sampled = 0;
            for (Parameter p : net.parameters()) {
                float[] analytic = DoubleForward.download(b, p.gradient());
                float[] values = DoubleForward.download(b, p.value());
                int[] sample = random.ints(Math.min(4, values.length), 0, values.length).toArray();
                sampled += sample.length;
                checked += FiniteDifferences.check(p.name(), values, v -> b.upload(v, p.value()), () -> {
                    DoubleForward.Pass at = exact.run(pixels, x.shape());
                    double loss = DoubleForward.meanCrossEntropy(at.logits(), classes);
                    return new FiniteDifferences.Evaluation(loss, at.decisions());
                }, analytic, sample, ABS, REL);
            }
            // a coordinate within 1e-6 of a kink is skipped; a sample with most of them there would prove little
            Property.discardIf(checked < sampled / 2);
        });
    }
    // end::network-gradient[]

    /**
     * The double pass computes the network's own function: its logits agree with the float forward pass's.
     * Logits are of order 1 and each of the eight layers rounds to float (6e-8 relative): 1e-4 is far above
     * that and far below a wrong layer's effect.
     */
    static void assertLogitsAgree(Backend b, Tensor logits, double[] exact) {
        float[] z = DoubleForward.download(b, logits);
        for (int i = 0; i < z.length; i++) assertThat((double) z[i]).as("logit %d", i).isCloseTo(exact[i], within(1e-4));
    }
}
