package dev.nin.concepts;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.nin.book.Chapters;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

@Tag(Chapters.ONE_BY_ONE)
class OneByOneConvolutionProperties {

    /** Images x (N, C_in, H, W), weights w (C_out, C_in) and bias b (C_out), all values in [−1, 1]. */
    record Case(int n, int cIn, int cOut, int h, int w, float[] x, float[] weights, float[] bias) {
        @Override
        public String toString() {
            return "Case[x (%d, %d, %d, %d) %s, weights (%d, %d) %s, bias %s]".formatted(n, cIn, h, w, Arrays.toString(x),
                    cOut, cIn, Arrays.toString(weights), Arrays.toString(bias));
        }
    }

    // tag::cases[]
    /** The sizes are searched; the values, up to 864 pixels and 64 weights, come from a searched seed. */
    static Gen<Case> smallImagesAndWeights() {
        return integers().between(1, 3).zip(integers().between(1, 8), integers().between(1, 8), integers().between(1, 6),
                        integers().between(1, 6), Sizes::new)
                .zip(longs().all(), (s, seed) -> {
                    SplittableRandom random = new SplittableRandom(seed);
                    return new Case(s.n(), s.cIn(), s.cOut(), s.h(), s.w(), values(random, s.n() * s.cIn() * s.h() * s.w()),
                            values(random, s.cOut() * s.cIn()), values(random, s.cOut()));
                });
    }

    record Sizes(int n, int cIn, int cOut, int h, int w) {
    }

    /** {@code size} values in [−1, 1]; one in eight is −1, 0 or 1, the edge cases a search would try. */
    static float[] values(SplittableRandom random, int size) {
        float[] v = new float[size];
        for (int i = 0; i < size; i++)
            v[i] = random.nextInt(8) == 0 ? random.nextInt(3) - 1 : 2 * random.nextFloat() - 1;
        return v;
    }
    // end::cases[]

    // tag::tolerance[]
    /**
     * The methods add the same C_in + 1 terms (each at most 1 in size) in different orders, so in float32
     * they may differ by rounding: at most about (C_in + 1)² · 2⁻²³, the classic bound n·ε·Σ|term|.
     */
    static float tolerance(int cIn) {
        return (cIn + 1) * (cIn + 1) * Math.ulp(1f);
    }
    // end::tolerance[]

    /** The general convolution of the engine's reference backend, with a 1×1 kernel, stride 1 and no padding. */
    static float[] convolution(Case c) {
        try (ReferenceBackend ref = new ReferenceBackend()) {
            Tensor x = ref.allocate(Shape.of(c.n(), c.cIn(), c.h(), c.w()));
            Tensor w = ref.allocate(Shape.of(c.cOut(), c.cIn(), 1, 1));
            Tensor b = ref.allocate(Shape.of(c.cOut()));
            Tensor y = ref.allocate(Shape.of(c.n(), c.cOut(), c.h(), c.w()));
            ref.upload(c.x(), x);
            ref.upload(c.weights(), w);
            ref.upload(c.bias(), b);
            ref.conv2dForward(x, w, b, 1, 0, y);
            float[] out = new float[(int) y.size()];
            ref.download(y, out);
            return out;
        }
    }

    // tag::matrix-product-property[]
    @Test
    void oneByOneConvolutionIsAMatrixProductOverPixelRows() {
        forAll(smallImagesAndWeights()).tries(100).check(c -> {
            float[] product = OneByOneConvolution.asMatrixProduct(c.x(), c.n(), c.cIn(), c.h(), c.w(), c.weights(), c.bias(), c.cOut());

            // C_in + 1 terms summed in float here, in double by the engine: tolerance(C_in) above
            assertThat(product).containsExactly(convolution(c), within(tolerance(c.cIn())));
        });
    }
    // end::matrix-product-property[]

    // tag::per-pixel-property[]
    @Test
    void oneByOneConvolutionIsADenseLayerOnEveryPixel() {
        forAll(smallImagesAndWeights()).tries(100).check(c -> {
            float[] perPixel = OneByOneConvolution.densePerPixel(c.x(), c.n(), c.cIn(), c.h(), c.w(), c.weights(), c.bias(), c.cOut());

            // C_in + 1 terms summed in float here, in double by the engine: tolerance(C_in) above
            assertThat(perPixel).containsExactly(convolution(c), within(tolerance(c.cIn())));
        });
    }
    // end::per-pixel-property[]

    // tag::dense-is-conv-property[]
    /** A dense layer on (N, C_in) is the 1×1 convolution of N images of one pixel with C_in channels. */
    @Test
    void everyDenseLayerIsAOneByOneConvolutionOnOnePixelImages() {
        forAll(smallImagesAndWeights()).tries(100).check(c -> {
            Case onePixel = new Case(c.n() * c.h() * c.w(), c.cIn(), c.cOut(), 1, 1, c.x(), c.weights(), c.bias());
            float[] dense = OneByOneConvolution.dense(onePixel.x(), onePixel.n(), c.weights(), c.bias(), c.cIn(), c.cOut());

            // C_in + 1 terms summed in float here, in double by the engine: tolerance(C_in) above
            assertThat(dense).containsExactly(convolution(onePixel), within(tolerance(c.cIn())));
        });
    }
    // end::dense-is-conv-property[]
}
