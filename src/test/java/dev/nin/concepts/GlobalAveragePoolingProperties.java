package dev.nin.concepts;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.nin.book.Chapters;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.LayerSpec.GlobalAvgPool;
import dev.nin.model.Shape;
import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

@Tag(Chapters.GLOBAL_AVERAGE_POOLING)
class GlobalAveragePoolingProperties {

    /** Feature maps x of shape (N, C, H, W), values in [−1, 1]. */
    record Maps(int n, int c, int h, int w, float[] x) {
        @Override
        public String toString() {
            return "Maps[(%d, %d, %d, %d), x %s]".formatted(n, c, h, w, Arrays.toString(x));
        }
    }

    // tag::maps[]
    /** The sizes are searched; the values, up to 972 of them, come from a searched seed. */
    static Gen<Maps> featureMaps() {
        return integers().between(1, 3).zip(integers().between(1, 4), integers().between(1, 9), integers().between(1, 9),
                longs().all(), (n, c, h, w, seed) -> new Maps(n, c, h, w, values(seed, n * c * h * w)));
    }

    /** {@code size} values in [−1, 1]; one in eight is −1, 0 or 1, the edge cases a search would try. */
    static float[] values(long seed, int size) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[size];
        for (int i = 0; i < size; i++)
            x[i] = random.nextInt(8) == 0 ? random.nextInt(3) - 1 : 2 * random.nextFloat() - 1;
        return x;
    }
    // end::maps[]

    // tag::tolerance[]
    /**
     * Two float sums of the same n = H·W terms of size ≤ 1, added in different orders, differ by at most
     * about n·ε·n (ε = 2⁻²³); the mean divides that by n.
     */
    static float tolerance(Maps m) {
        return m.h() * m.w() * Math.ulp(1f);
    }
    // end::tolerance[]

    // tag::mean[]
    @Test
    void eachOutputIsTheMeanOfItsChannelsFeatureMap() {
        forAll(featureMaps()).tries(100).check(m -> {
            float[] pooled = GlobalAveragePooling.apply(m.x(), m.n(), m.c(), m.h(), m.w());

            assertThat(pooled).hasSize(m.n() * m.c()); // (N, C, 1, 1)
            for (int map = 0; map < m.n() * m.c(); map++) {
                double mean = 0; // in double: the exact mean up to 1e-16
                for (int p = 0; p < m.h() * m.w(); p++) mean += m.x()[map * m.h() * m.w() + p];
                mean /= m.h() * m.w();
                // a float sum of H·W terms against the exact mean: within tolerance(m)
                assertThat(pooled[map]).as("channel map %d", map).isCloseTo((float) mean, within(tolerance(m)));
            }
        });
    }
    // end::mean[]

    // tag::permutation[]
    @Test
    void poolingForgetsWhereFeaturesWere() {
        forAll(featureMaps(), longs().all()).tries(100).check((m, seed) -> {
            int[] order = permutation(m.h() * m.w(), new Random(seed)); // one shuffle for every map
            float[] shuffled = new float[m.x().length];
            for (int map = 0; map < m.n() * m.c(); map++)
                for (int p = 0; p < order.length; p++)
                    shuffled[map * order.length + p] = m.x()[map * order.length + order[p]];

            float[] before = GlobalAveragePooling.apply(m.x(), m.n(), m.c(), m.h(), m.w());
            float[] after = GlobalAveragePooling.apply(shuffled, m.n(), m.c(), m.h(), m.w());
            assertThat(after).containsExactly(before, within(tolerance(m))); // the same terms, summed in another order
        });
    }
    // end::permutation[]

    // tag::identity[]
    @Test
    void poolingAOneByOneMapChangesNothing() {
        forAll(featureMaps()).tries(50).check(m -> {
            Maps onePixel = new Maps(m.n() * m.h() * m.w(), m.c(), 1, 1, m.x());

            assertThat(GlobalAveragePooling.apply(onePixel.x(), onePixel.n(), onePixel.c(), 1, 1))
                    .containsExactly(m.x()); // exactly: a sum of one term divided by 1
        });
    }
    // end::identity[]

    // tag::adaptive[]
    @Test
    void globalPoolingIsAdaptivePoolingToOneByOne() {
        forAll(featureMaps()).tries(100).check(m -> {
            // one window of all H·W pixels: a float sum of the same terms, so within tolerance(m) in any order
            assertThat(GlobalAveragePooling.adaptive(m.x(), m.n(), m.c(), m.h(), m.w(), 1, 1))
                    .containsExactly(GlobalAveragePooling.apply(m.x(), m.n(), m.c(), m.h(), m.w()), within(tolerance(m)));
        });
    }
    // end::adaptive[]

    // tag::adaptive-divides[]
    /** When the output size divides the input size, PyTorch's windows are plain k×k average pooling, k = H / out. */
    @Test
    void adaptivePoolingWithADividingSizeIsPlainAveragePooling() {
        forAll(featureMaps(), divisors(), divisors()).tries(100).check((m, kh, kw) -> {
            Maps big = new Maps(m.n(), m.c(), m.h() * kh, m.w() * kw, tile(m, kh, kw));
            float[] adaptive = GlobalAveragePooling.adaptive(big.x(), big.n(), big.c(), big.h(), big.w(), m.h(), m.w());

            // kh·kw terms summed in float against double: ≤ (kh·kw + 1)·2⁻²⁴ apart, within tolerance(big)
            assertThat(adaptive).containsExactly(averagePool(big, kh, kw), within(tolerance(big)));
        });
    }
    // end::adaptive-divides[]

    // tag::engine[]
    @Test
    void theEnginesGlobalPoolingComputesTheSameMeans() {
        forAll(featureMaps()).tries(50).check(m -> {
            try (ReferenceBackend ref = new ReferenceBackend()) {
                Shape in = Shape.of(m.n(), m.c(), m.h(), m.w());
                Tensor x = ref.allocate(in), y = ref.allocate(new GlobalAvgPool().outputShape(in));
                ref.upload(m.x(), x);
                ref.globalAvgPool(x, y);
                float[] out = new float[(int) y.size()];
                ref.download(y, out);
                // the engine sums in double, apply in float: within tolerance(m)
                assertThat(out).containsExactly(GlobalAveragePooling.apply(m.x(), m.n(), m.c(), m.h(), m.w()), within(tolerance(m)));
            }
        });
    }
    // end::engine[]

    static Gen<Integer> divisors() {
        return integers().between(1, 3);
    }

    /** Fisher–Yates shuffle of 0..n−1. */
    static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1), t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A bigger map whose (kh × kw) blocks hold varied values: block (i, j) gets m's value plus a small ripple. */
    static float[] tile(Maps m, int kh, int kw) {
        int bh = m.h() * kh, bw = m.w() * kw;
        float[] big = new float[m.n() * m.c() * bh * bw];
        for (int map = 0; map < m.n() * m.c(); map++)
            for (int r = 0; r < bh; r++)
                for (int s = 0; s < bw; s++)
                    big[(map * bh + r) * bw + s] = m.x()[(map * m.h() + r / kh) * m.w() + s / kw] * (1 + r % kh) / kh;
        return big;
    }

    /** Non-overlapping kh×kw average pooling, written directly. */
    static float[] averagePool(Maps big, int kh, int kw) {
        int oh = big.h() / kh, ow = big.w() / kw;
        float[] y = new float[big.n() * big.c() * oh * ow];
        for (int map = 0; map < big.n() * big.c(); map++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++) {
                    double sum = 0;
                    for (int r = 0; r < kh; r++)
                        for (int s = 0; s < kw; s++) sum += big.x()[(map * big.h() + i * kh + r) * big.w() + j * kw + s];
                    y[(map * oh + i) * ow + j] = (float) (sum / (kh * kw));
                }
        return y;
    }
}
