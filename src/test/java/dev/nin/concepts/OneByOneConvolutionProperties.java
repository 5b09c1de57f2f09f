package dev.nin.concepts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nin.book.Chapters;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

@Tag(Chapters.ONE_BY_ONE)
class OneByOneConvolutionProperties {

    /** Images x (N, C_in, H, W), weights w (C_out, C_in) and bias b (C_out), all values in [−1, 1]. */
    record Case(int n, int cIn, int cOut, int h, int w, float[] x, float[] weights, float[] bias) {
    }

    // tag::cases[]
    @Provide
    Arbitrary<Case> smallImagesAndWeights() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 8),
                        Arbitraries.integers().between(1, 8), Arbitraries.integers().between(1, 6),
                        Arbitraries.integers().between(1, 6))
                .flatAs((n, cIn, cOut, h, w) -> Combinators.combine(
                                values(n * cIn * h * w), values(cOut * cIn), values(cOut))
                        .as((x, weights, bias) -> new Case(n, cIn, cOut, h, w, x, weights, bias)));
    }

    static Arbitrary<float[]> values(int size) {
        return Arbitraries.floats().between(-1, 1).array(float[].class).ofSize(size);
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
    @Property(tries = 100)
    void oneByOneConvolutionIsAMatrixProductOverPixelRows(@ForAll("smallImagesAndWeights") Case c) {
        float[] product = OneByOneConvolution.asMatrixProduct(c.x(), c.n(), c.cIn(), c.h(), c.w(), c.weights(), c.bias(), c.cOut());

        assertThat(product).containsExactly(convolution(c), within(tolerance(c.cIn())));
    }
    // end::matrix-product-property[]

    // tag::per-pixel-property[]
    @Property(tries = 100)
    void oneByOneConvolutionIsADenseLayerOnEveryPixel(@ForAll("smallImagesAndWeights") Case c) {
        float[] perPixel = OneByOneConvolution.densePerPixel(c.x(), c.n(), c.cIn(), c.h(), c.w(), c.weights(), c.bias(), c.cOut());

        assertThat(perPixel).containsExactly(convolution(c), within(tolerance(c.cIn())));
    }
    // end::per-pixel-property[]

    // tag::dense-is-conv-property[]
    /** A dense layer on (N, C_in) is the 1×1 convolution of N images of one pixel with C_in channels. */
    @Property(tries = 100)
    void everyDenseLayerIsAOneByOneConvolutionOnOnePixelImages(@ForAll("smallImagesAndWeights") Case c) {
        Case onePixel = new Case(c.n() * c.h() * c.w(), c.cIn(), c.cOut(), 1, 1, c.x(), c.weights(), c.bias());
        float[] dense = OneByOneConvolution.dense(onePixel.x(), onePixel.n(), c.weights(), c.bias(), c.cIn(), c.cOut());

        assertThat(dense).containsExactly(convolution(onePixel), within(tolerance(c.cIn())));
    }
    // end::dense-is-conv-property[]
}
