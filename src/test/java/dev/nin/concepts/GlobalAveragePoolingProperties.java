package dev.nin.concepts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nin.book.Chapters;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.LayerSpec.GlobalAvgPool;
import dev.nin.model.Shape;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;

@Tag(Chapters.GLOBAL_AVERAGE_POOLING)
class GlobalAveragePoolingProperties {

    /** Feature maps x of shape (N, C, H, W), values in [−1, 1]. */
    record Maps(int n, int c, int h, int w, float[] x) {
    }

    // tag::maps[]
    @Provide
    Arbitrary<Maps> featureMaps() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 4),
                        Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 9))
                .flatAs((n, c, h, w) -> Arbitraries.floats().between(-1, 1)
                        .array(float[].class).ofSize(n * c * h * w)
                        .map(x -> new Maps(n, c, h, w, x)));
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
    @Property(tries = 100)
    void eachOutputIsTheMeanOfItsChannelsFeatureMap(@ForAll("featureMaps") Maps m) {
        float[] pooled = GlobalAveragePooling.apply(m.x(), m.n(), m.c(), m.h(), m.w());

        assertThat(pooled).hasSize(m.n() * m.c()); // (N, C, 1, 1)
        for (int map = 0; map < m.n() * m.c(); map++) {
            double mean = 0; // in double: the exact mean up to 1e-16
            for (int p = 0; p < m.h() * m.w(); p++) mean += m.x()[map * m.h() * m.w() + p];
            mean /= m.h() * m.w();
            assertThat(pooled[map]).as("channel map %d", map).isCloseTo((float) mean, within(tolerance(m)));
        }
    }
    // end::mean[]

    // tag::permutation[]
    @Property(tries = 100)
    void poolingForgetsWhereFeaturesWere(@ForAll("featureMaps") Maps m, @ForAll long seed) {
        int[] order = permutation(m.h() * m.w(), new Random(seed)); // one shuffle for every map
        float[] shuffled = new float[m.x().length];
        for (int map = 0; map < m.n() * m.c(); map++)
            for (int p = 0; p < order.length; p++)
                shuffled[map * order.length + p] = m.x()[map * order.length + order[p]];

        float[] before = GlobalAveragePooling.apply(m.x(), m.n(), m.c(), m.h(), m.w());
        float[] after = GlobalAveragePooling.apply(shuffled, m.n(), m.c(), m.h(), m.w());
        assertThat(after).containsExactly(before, within(tolerance(m)));
    }
    // end::permutation[]

    // tag::identity[]
    @Property(tries = 50)
    void poolingAOneByOneMapChangesNothing(@ForAll("featureMaps") Maps m) {
        Maps onePixel = new Maps(m.n() * m.h() * m.w(), m.c(), 1, 1, m.x());

        assertThat(GlobalAveragePooling.apply(onePixel.x(), onePixel.n(), onePixel.c(), 1, 1))
                .containsExactly(m.x()); // exactly: a sum of one term divided by 1
    }
    // end::identity[]

    // tag::adaptive[]
    @Property(tries = 100)
    void globalPoolingIsAdaptivePoolingToOneByOne(@ForAll("featureMaps") Maps m) {
        assertThat(GlobalAveragePooling.adaptive(m.x(), m.n(), m.c(), m.h(), m.w(), 1, 1))
                .containsExactly(GlobalAveragePooling.apply(m.x(), m.n(), m.c(), m.h(), m.w()), within(tolerance(m)));
    }
    // end::adaptive[]

    // tag::adaptive-divides[]
    /** When the output size divides the input size, PyTorch's windows are plain k×k average pooling, k = H / out. */
    @Property(tries = 100)
    void adaptivePoolingWithADividingSizeIsPlainAveragePooling(@ForAll("featureMaps") Maps m,
            @ForAll("divisors") int kh, @ForAll("divisors") int kw) {
        Maps big = new Maps(m.n(), m.c(), m.h() * kh, m.w() * kw, tile(m, kh, kw));
        float[] adaptive = GlobalAveragePooling.adaptive(big.x(), big.n(), big.c(), big.h(), big.w(), m.h(), m.w());

        assertThat(adaptive).containsExactly(averagePool(big, kh, kw), within(tolerance(big)));
    }
    // end::adaptive-divides[]

    // tag::engine[]
    @Property(tries = 50)
    void theEnginesGlobalPoolingComputesTheSameMeans(@ForAll("featureMaps") Maps m) {
        try (ReferenceBackend ref = new ReferenceBackend()) {
            Shape in = Shape.of(m.n(), m.c(), m.h(), m.w());
            Tensor x = ref.allocate(in), y = ref.allocate(new GlobalAvgPool().outputShape(in));
            ref.upload(m.x(), x);
            ref.globalAvgPool(x, y);
            float[] out = new float[(int) y.size()];
            ref.download(y, out);
            assertThat(out).containsExactly(GlobalAveragePooling.apply(m.x(), m.n(), m.c(), m.h(), m.w()), within(tolerance(m)));
        }
    }
    // end::engine[]

    @Provide
    Arbitrary<Integer> divisors() {
        return Arbitraries.integers().between(1, 3);
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
