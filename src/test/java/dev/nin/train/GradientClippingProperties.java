package dev.nin.train;

import dev.nin.book.Chapters;
import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Clipping as PyTorch's clip_grad_norm_ does it: gradients whose joint L2 norm is above the clip norm are all scaled
 * by clipNorm / (norm + 1e-6), keeping their direction; gradients within it are left exactly as they are. Checked on
 * the reference backend and on the CPU engine (whose scale is ND4J's). Steps at lr 0 leave the weights alone and
 * show the gradients the update would use.
 */
@Tag(Chapters.TRAINING)
class GradientClippingProperties {

    private static List<float[]> gradientsAfterAStep(Backend backend, long seed, double gradientScale, double clipNorm) {
        Network net = new Network(backend, TinyNin.spec(3), Shape.of(1, 1, 12, 12), 2);
        net.initialize(seed, WeightInit.KAIMING);
        SplittableRandom r = new SplittableRandom(seed);
        for (Parameter p : net.parameters()) {
            float[] g = new float[(int) p.gradient().size()];
            for (int i = 0; i < g.length; i++) g[i] = (float) (gradientScale * r.nextGaussian());
            backend.upload(g, p.gradient());
        }
        List<float[]> before = download(net), after;
        new Sgd(net, 0.9, 0, clipNorm).step(0f);
        after = download(net);
        List<float[]> both = new ArrayList<>(before);
        both.addAll(after);
        return both;
    }

    private static List<float[]> download(Network net) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : net.parameters()) {
            float[] g = new float[(int) p.gradient().size()];
            net.backend().download(p.gradient(), g);
            out.add(g);
        }
        return out;
    }

    private static double norm(List<float[]> gradients) {
        double s = 0;
        for (float[] g : gradients) for (float v : g) s += (double) v * v;
        return Math.sqrt(s);
    }

    @Test
    void aboveTheClipNormEveryGradientIsScaledByTheSameFactorAndWithinItNothingChanges() {
        try (Backend cpu = Backends.open("cpu")) {
            for (Backend backend : List.of(new ReferenceBackend(), cpu)) {
                forAll(longs().all(), doubles().between(1e-4, 10), doubles().between(0.01, 20)).tries(25).check((seed, gradientScale, clipNorm) -> {
                    List<float[]> both = gradientsAfterAStep(backend, seed, gradientScale, clipNorm);
                    int n = both.size() / 2;
                    List<float[]> before = both.subList(0, n), after = both.subList(n, 2 * n);
                    double normBefore = norm(before), coefficient = clipNorm / (normBefore + 1e-6);
                    for (int k = 0; k < n; k++) {
                        float[] b = before.get(k), a = after.get(k);
                        for (int i = 0; i < b.length; i++) {
                            if (coefficient >= 1) assertThat(a[i]).as("%s: within the clip norm", backend.name()).isEqualTo(b[i]);
                            // one rounding of the product, and the coefficient's own: ND4J sums the squares in
                            // float, so its norm (and the coefficient) may differ from this double one by ~1e-7
                            else assertThat((double) a[i]).as("%s", backend.name())
                                    .isCloseTo((double) b[i] * coefficient, within(Math.ulp((float) (b[i] * coefficient)) + Math.abs(b[i] * coefficient) * 1e-6));
                        }
                    }
                    // clipNorm itself, but for PyTorch's 1e-6 beside the norm, which matters only for tiny norms
                    if (coefficient < 1) assertThat(norm(after)).isCloseTo(normBefore * coefficient, within(normBefore * coefficient * 1e-5))
                            .isLessThanOrEqualTo(clipNorm * (1 + 1e-5));
                });
            }
        }
    }

    @Test
    void aNegativeOrEndlessClipNormIsRefused() {
        Network net = new Network(new ReferenceBackend(), TinyNin.spec(3), Shape.of(1, 1, 12, 12), 2);
        assertThatThrownBy(() -> new Sgd(net, 0.9, 0, -1)).hasMessageContaining("--clip-norm must be 0 (none) or a positive number");
        assertThatThrownBy(() -> new Sgd(net, 0.9, 0, Double.POSITIVE_INFINITY)).hasMessageContaining("--clip-norm");
    }
}
