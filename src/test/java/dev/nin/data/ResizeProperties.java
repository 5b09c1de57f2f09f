package dev.nin.data;

import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.engine.Tensor;
import dev.nin.model.Shape;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** Bilinear resizing with half-pixel centres: what it keeps and what it computes. */
@Tag("data")
class ResizeProperties {

    record Plane(float[] pixels, int height, int width) {
        @Override
        public String toString() {
            return "Plane[%d × %d, %s]".formatted(height, width, Arrays.toString(pixels));
        }
    }

    /** A height and a width. */
    record Size(int h, int w) {
    }

    /** Heights and widths from 1 to {@code max}. */
    static Gen<Size> sizes(int max) {
        return integers().between(1, max).zip(integers().between(1, max), Size::new);
    }

    /** Up to 12 × 12 pixels in [0, 1], each drawn on its own, so a failure shrinks to a few simple pixels. */
    static Gen<Plane> smallPlanes() {
        return sizes(12).flatMap(s -> lists().of(floats().between(0, 1)).ofSize(s.h() * s.w())
                .map(p -> new Plane(toArray(p), s.h(), s.w())));
    }

    static float[] toArray(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) a[i] = values.get(i);
        return a;
    }

    @Test
    void resizingAConstantImageGivesThatConstant() {
        forAll(floats().between(0, 1), sizes(10), sizes(40)).tries(100).check((c, in, out) -> {
            float[] image = new float[in.h() * in.w()];
            Arrays.fill(image, c);

            float[] resized = Resize.bilinear(image, in.h(), in.w(), out.h(), out.w());

            // c·(1−f) + c·f is c up to a few roundings in double, ~2⁻⁵⁰ relative, far below half a float ulp: exact
            assertThat(resized).containsOnly(c);
        });
    }

    @Test
    void resizingToTheSameSizeIsTheIdentity() {
        forAll(smallPlanes()).tries(100).check(plane -> {
            float[] out = Resize.bilinear(plane.pixels(), plane.height(), plane.width(), plane.height(), plane.width());

            // (i + ½)·h/h − ½ is exactly i in double, so every weight is 0 or 1: exact equality
            assertThat(out).containsExactly(plane.pixels());
        });
    }

    @Test
    void everyOutputPixelLiesBetweenTheDarkestAndBrightestInputPixel() {
        forAll(smallPlanes(), sizes(40)).tries(100).check((plane, size) -> {
            float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
            for (float p : plane.pixels()) {
                min = Math.min(min, p);
                max = Math.max(max, p);
            }

            float[] out = Resize.bilinear(plane.pixels(), plane.height(), plane.width(), size.h(), size.w());

            // bilinear weights are non-negative and sum to one: each output is a convex combination
            for (float v : out) assertThat(v).isBetween(min, max);
        });
    }

    @Test
    void theReferenceBackendResizesEachPlaneWithTheSameFormula() {
        forAll(smallPlanes(), integers().between(1, 30)).tries(50).check((plane, out) -> {
            try (ReferenceBackend backend = new ReferenceBackend()) {
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
        });
    }

    @Test
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

    @Test
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
