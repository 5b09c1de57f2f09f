package dev.nin.train;

import dev.nin.book.Chapters;
import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.LayerSpec;
import dev.nin.model.Shape;
import dev.nin.testing.Property;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Each layer's backward equals central finite differences of a random linear loss L = Σ r·y of its output,
 * on the reference backend (float32 storage, double accumulation). The differences are taken of the same
 * layer evaluated in double ({@link DoubleForward}) and never across a kink ({@link FiniteDifferences}): L is
 * linear on each piece, so they are exact up to about 1e-16 / h.
 */
@Tag(Chapters.TRAINING)
class LayerGradientProperties {
    /**
     * What remains is the backward pass's float rounding. Most gradients are one double sum rounded once to
     * float (2^-24 ≈ 6e-8 relative; REL = 1e-6 leaves a factor 16); max pooling adds up to nine overlapping
     * windows' gradients, each below 1, in float: at most 8 roundings of 2^-24 · 9 ≈ 4.3e-6, within ABS.
     * A wrong index or a missed term is off by a whole term.
     */
    static final double ABS = 1e-5, REL = 1e-6;

    record ConvCase(int n, int in, int out, int size, int kernel, int stride, int padding, boolean relu, long seed) {
    }

    static Gen<ConvCase> smallConvolutions() {
        return integers().between(1, 2).zip(integers().between(1, 3), integers().between(1, 3), integers().between(3, 7),
                        (n, in, out, size) -> new int[]{n, in, out, size})
                .zip(arbitrary().pick(1, 3), integers().between(1, 2), integers().between(0, 1), booleans().all(),
                        (a, k, s, p, relu) -> new int[]{a[0], a[1], a[2], a[3], k, s, p, relu ? 1 : 0})
                .zip(longs().all(), (a, seed) -> new ConvCase(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7] == 1, seed))
                .assuming(c -> c.size + 2 * c.padding >= c.kernel);
    }

    // tag::conv-gradient[]
    @Test
    void convolutionBackwardEqualsFiniteDifferences() {
        forAll(smallConvolutions()).tries(60).check(c -> {
            Backend b = new ReferenceBackend();
            var spec = new LayerSpec.Conv2d(c.in, c.out, c.kernel, c.stride, c.padding);
            Conv2d conv = new Conv2d(b, spec, c.relu, "conv");
            conv.initialize(new SplittableRandom(c.seed));
            var exact = DoubleForward.conv(b, spec, c.relu, conv.parameters().get(0), conv.parameters().get(1));
            Harness h = new Harness(b, conv, exact, Shape.of(c.n, c.in, c.size, c.size), c.seed);
            h.checkInput();
            h.checkParameters();
        });
    }
    // end::conv-gradient[]

    @Test
    void reluBackwardEqualsFiniteDifferences() {
        forAll(integers().between(1, 3), integers().between(1, 5), longs().all()).tries(30).check((channels, size, seed) -> {
            Backend b = new ReferenceBackend();
            new Harness(b, new ReLU(b), DoubleForward.relu(), Shape.of(2, channels, size, size), seed).checkInput();
        });
    }

    @Test
    void maxPoolingBackwardEqualsFiniteDifferences() {
        forAll(integers().between(1, 3), integers().between(3, 8), integers().between(1, 3), longs().all()).tries(30)
                .check((channels, size, stride, seed) -> {
            Backend b = new ReferenceBackend();
            MaxPool2d pool = new MaxPool2d(b, new LayerSpec.MaxPool2d(3, stride));
            new Harness(b, pool, DoubleForward.maxPool(3, stride), Shape.of(2, channels, size, size), seed).checkInput();
        });
    }

    @Test
    void dropoutBackwardEqualsFiniteDifferences() {
        forAll(integers().between(1, 40), probabilities(), longs().all()).tries(30).check((length, p, seed) -> {
            Backend b = new ReferenceBackend();
            Dropout dropout = new Dropout(b, new LayerSpec.Dropout(p));
            dropout.reseed(seed);
            new Harness(b, dropout, DoubleForward.dropout(seed, (float) (double) p), Shape.of(1, length, 1, 1), seed).checkInput();
        });
    }

    static Gen<Double> probabilities() {
        return arbitrary().pick(0.0, 0.1, 0.5, 0.9);
    }

    @Test
    void globalAveragePoolingBackwardEqualsFiniteDifferences() {
        forAll(integers().between(1, 3), integers().between(1, 6), longs().all()).tries(30).check((channels, size, seed) -> {
            Backend b = new ReferenceBackend();
            new Harness(b, new GlobalAveragePooling(b), DoubleForward.globalAveragePooling(), Shape.of(2, channels, size, size), seed)
                    .checkInput();
        });
    }

    @Test
    void flattenBackwardEqualsFiniteDifferences() {
        forAll(integers().between(1, 4), longs().all()).tries(10).check((channels, seed) -> {
            Backend b = new ReferenceBackend();
            new Harness(b, new Flatten(b), DoubleForward.flatten(), Shape.of(2, channels, 2, 3), seed).checkInput();
        });
    }

    /** One layer with a random input x and a random loss weight r; L(x) = Σ r · layer(x), evaluated in double. */
    static final class Harness {
        final Backend b;
        final Layer layer;
        final DoubleForward.Step exact;
        final Shape in;
        final Tensor x, dy, dx;
        final float[] xs, rs;

        Harness(Backend b, Layer layer, DoubleForward.Step exact, Shape in, long seed) {
            this.b = b;
            this.layer = layer;
            this.exact = exact;
            this.in = in;
            SplittableRandom random = new SplittableRandom(seed);
            Shape out = layer.outputShape(in);
            layer.prepare(in, new Memory(b, in.dim(0), 0));
            x = b.allocate(in);
            dy = b.allocate(out);
            // as the network does: an in-place layer writes its input gradient over its output gradient
            dx = layer.backwardInPlace() ? b.view(dy, in) : b.allocate(in);
            layer.gradientInto(dx);
            xs = distinct(random, (int) in.size());
            rs = new float[(int) out.size()];
            for (int i = 0; i < rs.length; i++) rs[i] = (float) random.nextDouble(-1, 1);
            b.upload(xs, x);
        }

        /** Values spread at least 0.05 apart and away from 0, so a step of h = 1e-3 crosses no tie or kink of x itself. */
        static float[] distinct(SplittableRandom random, int n) {
            int[] order = IntStream.range(0, n).toArray();
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1), t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            float[] v = new float[n];
            for (int i = 0; i < n; i++) v[i] = (order[i] - n / 2 + 0.5f) * 0.05f * (1 + 20f / n);
            return v;
        }

        /** L at the current x and parameters, in double, with the layer's kink decisions. */
        FiniteDifferences.Evaluation loss() {
            IntStream.Builder decisions = IntStream.builder();
            double[] y = exact.apply(DoubleForward.widen(xs), in, decisions);
            double s = 0;
            for (int i = 0; i < y.length; i++) s += rs[i] * y[i];
            return new FiniteDifferences.Evaluation(s, decisions.build().toArray());
        }

        /**
         * The double evaluation is the layer's own function: the reference backend sums in double in the same
         * order and rounds once to float, so the two differ by at most 2^-24 relative (round to nearest).
         */
        void assertSameFunction() {
            float[] got = DoubleForward.download(b, layer.forward(x, true));
            double[] want = exact.apply(DoubleForward.widen(xs), in, IntStream.builder());
            for (int i = 0; i < want.length; i++) {
                assertThat((double) got[i]).as("y[%d] in float and in double", i).isCloseTo(want[i], within(0x1p-24 * Math.abs(want[i])));
            }
        }

        /** Runs forward then backward and returns the tensor backward wrote. */
        Tensor backward() {
            layer.forward(x, true);
            b.upload(rs, dy);
            return layer.backward(dy);
        }

        void checkInput() {
            assertSameFunction();
            Tensor g = backward();
            assertThat(g).isSameAs(dx);
            float[] analytic = DoubleForward.download(b, dx);
            int checked = FiniteDifferences.check("dx", xs, v -> b.upload(v, x), this::loss, analytic,
                    IntStream.range(0, xs.length).toArray(), ABS, REL);
            enoughAwayFromKinks(checked, xs.length);
        }

        /**
         * A coordinate within {@link FiniteDifferences#H_MIN} of a kink (a ReLU input or a pooling tie) cannot be
         * checked by differences. A sample where most coordinates sit there proves nothing either way and is
         * discarded (the property fails if too many are, so it cannot pass vacuously).
         */
        static void enoughAwayFromKinks(int checked, int coordinates) {
            Property.discardIf(checked < Math.max(1, coordinates / 3));
        }

        void checkParameters() {
            assertSameFunction();
            backward();
            for (Parameter p : layer.parameters()) {
                float[] analytic = DoubleForward.download(b, p.gradient()), values = DoubleForward.download(b, p.value());
                int checked = FiniteDifferences.check(p.name(), values, v -> b.upload(v, p.value()), this::loss,
                        analytic, IntStream.range(0, values.length).toArray(), ABS, REL);
                enoughAwayFromKinks(checked, values.length);
            }
        }
    }
}
