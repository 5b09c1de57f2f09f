package dev.nin.train;

import dev.nin.engine.Backend;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.LayerSpec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The weights a convolution draws have the variance its initialisation's formula names: 2/(fan_in + fan_out)
 * for Xavier, 2/fan_in for Kaiming, with fan = channels × kernel². Measured on the weights themselves, so the
 * bound → variance step (b²/3) and the fans Conv2d computes are both checked.
 */
@Tag("training")
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

    /** NiN's kernel sizes (11, 5, 3, 1) with channel counts up to its 384; at least 1,024 weights each. */
    @Provide
    Arbitrary<ConvCase> convolutions() {
        return Combinators.combine(Arbitraries.integers().between(1, 384), Arbitraries.integers().between(1, 384),
                        Arbitraries.of(1, 3, 5, 11), Arbitraries.longs(), Arbitraries.of(WeightInit.values()))
                .as(ConvCase::new)
                .filter(c -> c.weights() >= 1_024 && c.weights() <= 400_000);
    }

    @Property(tries = 60)
    void drawnWeightsHaveTheVarianceTheFormulaNames(@ForAll("convolutions") ConvCase c) {
        float[] w = drawWeights(c);
        double expected = switch (c.init) {
            case XAVIER -> 2.0 / (c.fanIn() + c.fanOut());
            case KAIMING -> 2.0 / c.fanIn();
        };
        assertThat(c.init.variance(c.fanIn(), c.fanOut())).isCloseTo(expected, within(1e-15));

        double sumSq = 0;
        for (float v : w) sumSq += (double) v * v;
        double variance = sumSq / w.length;  // about the known mean 0
        // For U(−b, b) the estimate's standard deviation is √(4/5)·σ²/√n (fourth moment b⁴/5 = 9σ⁴/5);
        // six of them: a correct draw fails about once in 10⁹ tries, a wrong formula (Xavier's and Kaiming's
        // differ by the factor (fan_in + fan_out)/fan_in ≥ 1 + 1/384) fails when n is large enough to tell.
        double tolerance = 6 * Math.sqrt(0.8 / w.length) * expected;
        assertThat(variance).as("%s, %d weights", c, w.length).isCloseTo(expected, within(tolerance));
    }

    @Property(tries = 60)
    void drawnWeightsStayWithinTheUniformBound(@ForAll("convolutions") ConvCase c) {
        double bound = c.init.uniformBound(c.fanIn(), c.fanOut());
        assertThat(bound * bound / 3).as("a uniform on ±b has variance b²/3")
                .isCloseTo(c.init.variance(c.fanIn(), c.fanOut()), within(1e-12));
        double floatRounding = bound * 0x1p-24;  // a double draw just inside the bound may round to the float above it
        for (float v : drawWeights(c)) assertThat(Math.abs((double) v)).isLessThanOrEqualTo(bound + floatRounding);
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
