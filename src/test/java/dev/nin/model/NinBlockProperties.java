package dev.nin.model;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.nin.book.Chapters;
import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.ReLU;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

@Tag(Chapters.NIN_BLOCK)
class NinBlockProperties {

    /** A NiN block's hyper-parameters and an input it accepts. */
    record BlockCase(int n, int cIn, int cOut, int h, int w, int k, int s, int p) {
        Shape input() {
            return Shape.of(n, cIn, h, w);
        }
    }

    // tag::valid-blocks[]
    /** Kernel, stride and padding with an input at least as large as the kernel after padding. */
    static Gen<BlockCase> validBlocks() {
        return integers().between(1, 11).zip(integers().between(1, 4), integers().between(0, 3), Kernel::new)
                .flatMap(kernel -> integers().between(1, 8).zip(
                        integers().between(1, 512), integers().between(1, 512),
                        integers().between(Math.max(1, kernel.k() - 2 * kernel.p()), 300),
                        integers().between(Math.max(1, kernel.k() - 2 * kernel.p()), 300),
                        (n, cIn, cOut, h, w) -> new BlockCase(n, cIn, cOut, h, w, kernel.k(), kernel.s(), kernel.p())));
    }

    record Kernel(int k, int s, int p) {
    }
    // end::valid-blocks[]

    // tag::output-shape[]
    @Test
    void outputShapeIsTheFirstConvolutionsShape() {
        forAll(validBlocks()).tries(200).check(b -> {
            Shape out = NinBlock.of(b.cIn(), b.cOut(), b.k(), b.s(), b.p()).outputShape(b.input());

            assertThat(out).isEqualTo(Shape.of(b.n(), b.cOut(),
                    Math.floorDiv(b.h() + 2 * b.p() - b.k(), b.s()) + 1,
                    Math.floorDiv(b.w() + 2 * b.p() - b.k(), b.s()) + 1));
        });
    }
    // end::output-shape[]

    // tag::one-by-one-keeps-size[]
    @Test
    void oneByOneConvolutionsNeverChangeHeightAndWidth() {
        forAll(validBlocks()).tries(200).check(b -> {
            Stage block = NinBlock.of(b.cIn(), b.cOut(), b.k(), b.s(), b.p());
            Shape x = block.layers().getFirst().outputShape(b.input()); // (skips the first convolution)
            for (LayerSpec layer : block.layers().subList(1, block.layers().size())) {
                Shape y = layer.outputShape(x);
                if (layer instanceof Conv2d c && c.kernel() == 1) {
                    assertThat(y.dim(2)).as("height after %s", layer).isEqualTo(x.dim(2));
                    assertThat(y.dim(3)).as("width after %s", layer).isEqualTo(x.dim(3));
                }
                x = y;
            }
        });
    }
    // end::one-by-one-keeps-size[]

    // tag::structure[]
    @Test
    void aBlockIsAConvolutionThenTwoOneByOneConvolutionsEachWithReLU() {
        forAll(validBlocks()).tries(50).check(b -> {
            Stage block = NinBlock.of(b.cIn(), b.cOut(), b.k(), b.s(), b.p());

            assertThat(block.name()).isEqualTo("NinBlock");
            assertThat(block.layers()).containsExactly(
                    new Conv2d(b.cIn(), b.cOut(), b.k(), b.s(), b.p()), new ReLU(),
                    new Conv2d(b.cOut(), b.cOut(), 1, 1, 0), new ReLU(),
                    new Conv2d(b.cOut(), b.cOut(), 1, 1, 0), new ReLU());
        });
    }
    // end::structure[]
}
