package dev.nin.data;

import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.engine.Tensor;
import dev.nin.model.Shape;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.Tag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Bilinear resizing with half-pixel centres: what it keeps and what it computes. */
@Tag("data")
class ResizeProperties {

    record Plane(float[] pixels, int height, int width) {
    }

    @Provide
    Arbitrary<Plane> smallPlanes() {
        return Arbitraries.integers().between(1, 12).tuple2().flatMap(hw ->
                Arbitraries.floats().between(0, 1).array(float[].class).ofSize(hw.get1() * hw.get2())
                        .map(p -> new Plane(p, hw.get1(), hw.get2())));
    }

    @Property(tries = 100)
    void resizingAConstantImageGivesThatConstant(@ForAll @FloatRange(min = 0, max = 1) float c,
                                                @ForAll @IntRange(min = 1, max = 10) int h, @ForAll @IntRange(min = 1, max = 10) int w,
                                                @ForAll @IntRange(min = 1, max = 40) int outH, @ForAll @IntRange(min = 1, max = 40) int outW) {
        float[] image = new float[h * w];
        java.util.Arrays.fill(image, c);

        float[] out = Resize.bilinear(image, h, w, outH, outW);

        // c·(1−f) + c·f is c up to two roundings in double; the cast to float removes them: 1e-7 is a safe bound
        for (float v : out) assertThat(v).isCloseTo(c, within(1e-7f));
    }

    @Property(tries = 100)
    void resizingToTheSameSizeIsTheIdentity(@ForAll("smallPlanes") Plane plane) {
        float[] out = Resize.bilinear(plane.pixels(), plane.height(), plane.width(), plane.height(), plane.width());

        // (i + ½)·h/h − ½ is exactly i in double, so every weight is 0 or 1: exact equality
        assertThat(out).containsExactly(plane.pixels());
    }

    @Property(tries = 100)
    void everyOutputPixelLiesBetweenTheDarkestAndBrightestInputPixel(@ForAll("smallPlanes") Plane plane,
                                                                     @ForAll @IntRange(min = 1, max = 40) int outH,
                                                                     @ForAll @IntRange(min = 1, max = 40) int outW) {
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float p : plane.pixels()) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }

        float[] out = Resize.bilinear(plane.pixels(), plane.height(), plane.width(), outH, outW);

        // bilinear weights are non-negative and sum to one: each output is a convex combination
        for (float v : out) assertThat(v).isBetween(min, max);
    }

    @Property(tries = 50)
    void theReferenceBackendResizesEachPlaneWithTheSameFormula(@ForAll("smallPlanes") Plane plane,
                                                               @ForAll @IntRange(min = 1, max = 30) int out) {
        ReferenceBackend backend = new ReferenceBackend();
        Tensor src = backend.allocate(new Shape(2, 1, plane.height(), plane.width()));
        Tensor dst = backend.allocate(new Shape(2, 1, out, out));
        float[] two = new float[2 * plane.pixels().length];
        System.arraycopy(plane.pixels(), 0, two, 0, plane.pixels().length);
        for (int i = 0; i < plane.pixels().length; i++) two[plane.pixels().length + i] = 1 - plane.pixels()[i];
        backend.upload(two, src);

        backend.resizeBilinear(src, dst);

        assertThat(((ReferenceBackend.HostTensor) dst).data())
                .containsExactly(Resize.bilinearPlanes(two, 2, plane.height(), plane.width(), out, out));
    }

    @Example
    void upsamplingTwoByTwoToFourByFourMatchesPyTorchsHalfPixelRule() {
        // source centres sit at output coordinates 0.5 and 2.5; outside them the edge value is held:
        // torch.nn.functional.interpolate([[0,1],[2,3]], size=4, mode='bilinear', align_corners=False)
        float[] out = Resize.bilinear(new float[]{0, 1, 2, 3}, 2, 2, 4, 4);

        assertThat(out).containsExactly(
                0.0f, 0.25f, 0.75f, 1.0f,
                0.5f, 0.75f, 1.25f, 1.5f,
                1.5f, 1.75f, 2.25f, 2.5f,
                2.0f, 2.25f, 2.75f, 3.0f);
    }

    @Example
    void aNonIntegerScaleMatchesPyTorch() {
        // expected values printed by PyTorch 1.13 (Debian python3-torch):
        // F.interpolate(torch.arange(9.).reshape(1,1,3,3), size=(5,4), mode='bilinear', align_corners=False)
        float[] out = Resize.bilinear(new float[]{0, 1, 2, 3, 4, 5, 6, 7, 8}, 3, 3, 5, 4);

        float[] torch = {
                0.0f, 0.625f, 1.375f, 2.0f,
                1.2f, 1.825f, 2.575f, 3.2f,
                3.0f, 3.625f, 4.375f, 5.0f,
                4.8f, 5.425f, 6.175f, 6.8f,
                6.0f, 6.625f, 7.375f, 8.0f};
        // PyTorch interpolates in float, we in double: they may differ in the last bits of a float
        for (int i = 0; i < torch.length; i++) assertThat(out[i]).isCloseTo(torch[i], within(1e-6f));
    }
}
