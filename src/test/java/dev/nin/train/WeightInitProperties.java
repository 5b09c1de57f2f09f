package dev.nin.train;

import dev.nin.book.Chapters;
import dev.nin.engine.Backend;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.LayerSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.SplittableRandom;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The weights a convolution draws have the variance its initialisation's formula names: 2/(fan_in + fan_out)
 * for Xavier, 2/fan_in for Kaiming, with fan = channels × kernel². Measured on the weights themselves, so the
 * bound → variance step (b²/3) and the fans Conv2d computes are both checked.
 */
@Tag(Chapters.TRAINING)
class WeightInitProperties {

    record ConvCase(int in, int out, int kernel, long seed, WeightInit init) {
        int fanIn() {
            return in * kernel * kernel;
        }

        int fanOut() {
            return out * kernel * kernel;
        }

        int weights() {
            return in * out * kernel * kernel;
        }
    }

    /**
     * NiN's kernel sizes (11, 5, 3, 1) with channel counts up to its 384; 1,024 to 400,000 weights each. The
     * channel ranges are narrowed to that count as they are drawn rather than filtered afterwards: a filter
     * that rejects half the cases would now and then exhaust QuickTheories' ten attempts per case.
     */
    static Gen<ConvCase> convolutions() {
        int min = 1_024, max = 400_000;
        return arbitrary().pick(1, 3, 5, 11).flatMap(k -> integers()
                .between(Math.max(1, Math.ceilDiv(min, 384 * k * k)), Math.min(384, max / (k * k)))
                .flatMap(in -> integers().between(Math.max(1, Math.ceilDiv(min, in * k * k)), Math.min(384, max / (in * k * k)))
                        .zip(longs().all(), arbitrary().enumValues(WeightInit.class),
                                (out, seed, init) -> new ConvCase(in, out, k, seed, init))));
    }

    @Test
    void drawnWeightsHaveTheVarianceTheFormulaNames() {
        forAll(convolutions()).tries(60).check(c -> {
            float[] w = drawWeights(c);
            double expected = switch (c.init) {
                case XAVIER -> 2.0 / (c.fanIn() + c.fanOut());
                case KAIMING, KAIMING_LIVE_CLASSES -> 2.0 / c.fanIn();
            };
            assertThat(c.init.variance(c.fanIn(), c.fanOut())).isCloseTo(expected, within(1e-15));

            double sumSq = 0;
            for (float v : w) sumSq += (double) v * v;
            double variance = sumSq / w.length;  // about the known mean 0
            // For U(−b, b) the estimate's standard deviation is √(4/5)·σ²/√n (fourth moment b⁴/5 = 9σ⁴/5);
            // six of them: a correct draw fails about once in 10⁹ tries (normal approximation; Bernstein's
            // inequality, with |v² − σ²| ≤ 2σ², proves below 3e-7 for n ≥ 1,024), a wrong formula (Xavier's and
            // Kaiming's differ by the factor (fan_in + fan_out)/fan_in ≥ 1 + 1/384) fails when n is large enough to tell.
            double tolerance = 6 * Math.sqrt(0.8 / w.length) * expected;
            assertThat(variance).as("%s, %d weights", c, w.length).isCloseTo(expected, within(tolerance));
        });
    }

    @Test
    void drawnWeightsStayWithinTheUniformBound() {
        forAll(convolutions()).tries(60).check(c -> {
            double bound = c.init.uniformBound(c.fanIn(), c.fanOut());
            assertThat(bound * bound / 3).as("a uniform on ±b has variance b²/3")
                    .isCloseTo(c.init.variance(c.fanIn(), c.fanOut()), within(1e-12));
            double floatRounding = bound * 0x1p-24;  // a double draw just inside the bound may round to the float above it
            for (float v : drawWeights(c)) assertThat(Math.abs((double) v)).isLessThanOrEqualTo(bound + floatRounding);
        });
    }

    private static float[] drawWeights(ConvCase c) {
        Backend b = new ReferenceBackend();
        Conv2d conv = new Conv2d(b, new LayerSpec.Conv2d(c.in, c.out, c.kernel, 1, 0), true, "conv");
        conv.initialize(new SplittableRandom(c.seed), c.init);
        Parameter weight = conv.parameters().getFirst();
        float[] w = new float[(int) weight.value().size()];
        b.download(weight.value(), w);
        return w;
    }
}
