package dev.nin.engine.cpu;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.Random;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The ND4J backend computes what the reference backend defines. The reference accumulates in double, ND4J
 * and oneDNN in float32 (in their own order), so sums of many products are compared with a tolerance
 * relative to the magnitude of the sum, Σ|term|, which the reference computes from the absolute values of
 * the inputs. Element-wise operations (ReLU, max pooling, dropout) must agree exactly; other tolerances are
 * justified where they are used.
 */
@Tag("cpu-backend")
class Nd4jBackendProperties {

    /**
     * float32 has a unit round-off of u = 2^-24 ≈ 6e-8; a dot product of m terms, summed in any order, errs
     * by at most about m·u·Σ|term| (one rounding per product and per addition, Higham's γ_m bound). The
     * generated sums have at most 300 terms (filter gradients: batch 3 × at most 10 × 10 output pixels), so
     * 300·u = 1.8e-5 of Σ|term| bounds the error and 1e-4 leaves a factor 5, while a wrong index or a missed
     * term is off by the size of a whole term. (The fixed 800 × 800 example sums millions of terms, beyond
     * this worst case: it is one deterministic case, not a search.)
     */
    static final double SUM_TOLERANCE = 1e-4;

    /** Shrinking steps after a failure, each running ND4J and the reference again: seconds, not minutes. */
    static final int SHRINKS = 100;

    static final Backend cpu = new Nd4jBackend();
    static final ReferenceBackend ref = new ReferenceBackend();

    @AfterAll
    static void close() {
        cpu.close();
    }

    /** One convolution: shapes that the contract allows and seeds for the data. */
    record Conv(int n, int in, int out, int h, int w, int kernel, int stride, int padding, long seed) {
        Shape xShape() { return Shape.of(n, in, h, w); }
        Shape wShape() { return Shape.of(out, in, kernel, kernel); }
        Shape bShape() { return Shape.of(out); }
        Shape yShape() {
            return Shape.of(n, out, (h + 2 * padding - kernel) / stride + 1, (w + 2 * padding - kernel) / stride + 1);
        }
    }

    /** Batch 1–3, 1–4 → 1–5 channels, kernel 1, 2, 3 or 5, stride 1–4, padding below the kernel, images that hold a window. */
    static Gen<Conv> smallConvolutions() {
        return integers().between(1, 3).zip(integers().between(1, 4), integers().between(1, 5), arbitrary().pick(1, 2, 3, 5),
                        integers().between(1, 4), (n, in, out, k, stride) -> new int[]{n, in, out, k, stride})
                .zip(integers().between(0, 2), integers().between(0, 7), integers().between(0, 7), longs().all(), (a, padding, dh, dw, seed) -> {
                    int k = a[3], p = Math.min(padding, k - 1);
                    // the padded image must hold at least one window
                    int h = Math.max(1, k - 2 * p) + dh, w = Math.max(1, k - 2 * p) + dw;
                    return new Conv(a[0], a[1], a[2], h, w, k, a[4], p, seed);
                });
    }

    @Test
    void convolutionForwardEqualsTheReference() {
        forAll(smallConvolutions()).tries(60).shrinks(SHRINKS).check(c -> {
            Random r = new Random(c.seed());
            float[] x = random(r, c.xShape()), w = random(r, c.wShape()), b = random(r, c.bShape());
            float[] got = run(cpu, c.yShape(), (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b));
            float[] want = run(ref, c.yShape(), (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b));
            float[] magnitude = run(ref, c.yShape(), (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), abs(x)), in(c.wShape(), abs(w)), in(c.bShape(), abs(b)));
            assertCloseRelativeToMagnitude(got, want, magnitude);
        });
    }

    @Test
    void fusedConvolutionBiasReluEqualsTheReference() {
        forAll(smallConvolutions()).tries(40).shrinks(SHRINKS).check(c -> {
            Random r = new Random(c.seed());
            float[] x = random(r, c.xShape()), w = random(r, c.wShape()), b = random(r, c.bShape());
            float[] got = run(cpu, c.yShape(), (be, t) -> be.conv2dBiasReluForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b));
            float[] want = run(ref, c.yShape(), (be, t) -> be.conv2dBiasReluForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b));
            float[] magnitude = run(ref, c.yShape(), (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), abs(x)), in(c.wShape(), abs(w)), in(c.bShape(), abs(b)));
            assertCloseRelativeToMagnitude(got, want, magnitude);
        });
    }

    @Test
    void convolutionDataGradientEqualsTheReference() {
        forAll(smallConvolutions()).tries(60).shrinks(SHRINKS).check(c -> {
            Random r = new Random(c.seed());
            float[] dy = random(r, c.yShape()), w = random(r, c.wShape());
            float[] got = run(cpu, c.xShape(), (be, t) -> be.conv2dBackwardData(t[0], t[1], c.stride(), c.padding(), t[2]), in(c.yShape(), dy), in(c.wShape(), w));
            float[] want = run(ref, c.xShape(), (be, t) -> be.conv2dBackwardData(t[0], t[1], c.stride(), c.padding(), t[2]), in(c.yShape(), dy), in(c.wShape(), w));
            float[] magnitude = run(ref, c.xShape(), (be, t) -> be.conv2dBackwardData(t[0], t[1], c.stride(), c.padding(), t[2]), in(c.yShape(), abs(dy)), in(c.wShape(), abs(w)));
            assertCloseRelativeToMagnitude(got, want, magnitude);
        });
    }

    @Test
    void convolutionFilterGradientEqualsTheReference() {
        forAll(smallConvolutions()).tries(60).shrinks(SHRINKS).check(c -> {
            Random r = new Random(c.seed());
            float[] x = random(r, c.xShape()), dy = random(r, c.yShape());
            float[][] got = filterGradients(cpu, c, x, dy), want = filterGradients(ref, c, x, dy);
            float[][] magnitude = filterGradients(ref, c, abs(x), abs(dy));
            assertCloseRelativeToMagnitude(got[0], want[0], magnitude[0]);
            assertCloseRelativeToMagnitude(got[1], want[1], magnitude[1]);
        });
    }

    @Test
    void bothConvolutionGradientsAtOnceEqualTheReference() {
        forAll(smallConvolutions(), booleans().all()).tries(60).shrinks(SHRINKS).check((c, wantDx) -> {
            Random r = new Random(c.seed());
            float[] x = random(r, c.xShape()), w = random(r, c.wShape()), dy = random(r, c.yShape());
            float[][] got = allGradients(cpu, c, x, w, dy, wantDx), want = allGradients(ref, c, x, w, dy, wantDx);
            float[][] magnitude = allGradients(ref, c, abs(x), abs(w), abs(dy), wantDx);
            for (int i = 0; i < 3; i++) assertCloseRelativeToMagnitude(got[i], want[i], magnitude[i]);
        });
    }

    /** Slices of a batch: no array of a call above 16 MB (unless one image is), as few calls as that allows, and even. */
    @Test
    void batchSlicesKeepUnderTheCapInTheFewestCallsAndAreEven() {
        forAll(integers().between(1, 512), integers().between(1, 8 << 20)).tries(300).check((n, perImage) -> {
            Shape a = Shape.of(n, 1, 1, perImage);
            int step = Nd4jBackend.imagesPerCall(a, a), cap = 4 << 20;
            int most = Math.max(1, Math.min(n, cap / perImage)), calls = (n + step - 1) / step;
            assertThat(step).isBetween(1, most);
            assertThat(calls).isEqualTo((n + most - 1) / most);
            assertThat(n - (calls - 1) * step).as("the last slice").isGreaterThan(step - calls);  // within one image per call of the others
        });
    }

    /** Big images go through a convolution a few at a time; these three go as a slice of two and one. */
    @Test
    void convolutionsOverBatchSlicesEqualTheReference() {
        Conv c = new Conv(3, 2, 3, 800, 800, 3, 1, 1, 11);
        assertThat(Nd4jBackend.imagesPerCall(c.xShape(), c.yShape())).isEqualTo(2);
        Random r = new Random(c.seed());
        float[] x = random(r, c.xShape()), w = random(r, c.wShape()), b = random(r, c.bShape()), dy = random(r, c.yShape());
        Op forward = (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]);
        assertCloseRelativeToMagnitude(run(cpu, c.yShape(), forward, in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b)),
                run(ref, c.yShape(), forward, in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b)),
                run(ref, c.yShape(), forward, in(c.xShape(), abs(x)), in(c.wShape(), abs(w)), in(c.bShape(), abs(b))));
        for (boolean wantDx : new boolean[]{true, false}) {
            float[][] got = allGradients(cpu, c, x, w, dy, wantDx), want = allGradients(ref, c, x, w, dy, wantDx);
            float[][] magnitude = allGradients(ref, c, abs(x), abs(w), abs(dy), wantDx);
            for (int i = 0; i < 3; i++) assertCloseRelativeToMagnitude(got[i], want[i], magnitude[i]);
        }
    }

    /** Four-dimensional activations and a seed for their values. */
    record Act(Shape shape, long seed) {
    }

    static Gen<Act> smallActivations() {
        return integers().between(1, 6).zip(integers().between(1, 6), integers().between(1, 9), integers().between(1, 9), longs().all(),
                (n, c, h, w, seed) -> new Act(Shape.of(n, c, h, w), seed));
    }

    /** Shapes at least one 3×3 window big, as NiN's pooling needs. */
    static Gen<Act> poolableActivations() {
        return smallActivations().map(a -> {
            int[] d = a.shape().dims();
            d[2] += 2;
            d[3] += 2;
            return new Act(Shape.of(d), a.seed());
        });
    }

    @Test
    void reluEqualsTheReferenceAlsoInPlace() {
        forAll(smallActivations()).tries(50).shrinks(SHRINKS).check(a -> {
            float[] x = random(new Random(a.seed()), a.shape());
            float[] want = run(ref, a.shape(), (be, t) -> be.relu(t[0], t[1]), in(a.shape(), x));
            assertThat(run(cpu, a.shape(), (be, t) -> be.relu(t[0], t[1]), in(a.shape(), x))).containsExactly(want);
            assertThat(inPlace(cpu, a.shape(), x, (be, t) -> be.relu(t, t))).containsExactly(want);
        });
    }

    @Test
    void reluGradientEqualsTheReferenceAlsoInPlace() {
        forAll(smallActivations()).tries(50).shrinks(SHRINKS).check(a -> {
            Random r = new Random(a.seed());
            float[] y = relu(random(r, a.shape())), dy = random(r, a.shape());
            // dy · 0 may give −0 where the reference writes +0: the same gradient, so compare numerically
            float[] want = signlessZeros(run(ref, a.shape(), (be, t) -> be.reluBackward(t[0], t[1], t[2]), in(a.shape(), y), in(a.shape(), dy)));
            assertThat(signlessZeros(run(cpu, a.shape(), (be, t) -> be.reluBackward(t[0], t[1], t[2]), in(a.shape(), y), in(a.shape(), dy)))).containsExactly(want);
            Tensor yt = cpu.allocate(a.shape()), dyt = cpu.allocate(a.shape());
            cpu.upload(y, yt);
            cpu.upload(dy, dyt);
            cpu.reluBackward(yt, dyt, dyt);
            assertThat(signlessZeros(download(cpu, dyt))).containsExactly(want);
        });
    }

    /** The CPU backend works through big tensors in chunks; this one spans two full chunks and a partial one. */
    @Test
    void reluGradientCoversTensorsLargerThanOneChunk() {
        Shape s = Shape.of(5, 8, 256, 256);
        Random r = new Random(5);
        float[] y = relu(random(r, s)), dy = random(r, s);
        float[] want = signlessZeros(run(ref, s, (be, t) -> be.reluBackward(t[0], t[1], t[2]), in(s, y), in(s, dy)));
        assertSameValues(signlessZeros(run(cpu, s, (be, t) -> be.reluBackward(t[0], t[1], t[2]), in(s, y), in(s, dy))), want);
    }

    /** Exact equality that names the first differing element (AssertJ's diff of millions of values is slow). */
    static void assertSameValues(float[] got, float[] want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            if (Float.compare(got[i], want[i]) != 0) assertThat(got[i]).as("element %d of %d", i, want.length).isEqualTo(want[i]);
        }
    }

    @Test
    void maxPoolingEqualsTheReference() {
        forAll(poolableActivations(), poolKernels()).tries(50).shrinks(SHRINKS).check((a, ks) -> {
            Shape y = pooled(a.shape(), ks.kernel(), ks.stride());
            float[] x = random(new Random(a.seed()), a.shape());
            float[] want = run(ref, y, (be, t) -> be.maxPool2d(t[0], ks.kernel(), ks.stride(), t[1]), in(a.shape(), x));
            assertThat(run(cpu, y, (be, t) -> be.maxPool2d(t[0], ks.kernel(), ks.stride(), t[1]), in(a.shape(), x))).containsExactly(want);
        });
    }

    /**
     * Each gradient goes to its window's maximum. The inputs are distinct values, so no window has a tie and
     * the routing is unambiguous (float Gaussians tie now and then, and a tie may be broken either way).
     * Where windows overlap, an input collects the gradients of up to m = ⌈k/s⌉² windows, summed in float on
     * both sides in their own orders: each sum has at most m − 1 roundings of at most 2^-24 · Σ|term|, so the
     * two agree within 2 (m − 1) · 2^-24 · Σ|term| (exactly when windows do not overlap). A float's rounding is
     * relative: an absolute 1e-6 failed at sums near 10, where one rounding is 6e-7.
     */
    @Test
    void maxPoolingGradientEqualsTheReference() {
        forAll(poolableActivations(), poolKernels()).tries(50).shrinks(SHRINKS).check((a, ks) -> {
            Shape ys = pooled(a.shape(), ks.kernel(), ks.stride());
            Random r = new Random(a.seed());
            float[] x = distinct(r, a.shape()), dy = random(r, ys);
            float[] y = run(ref, ys, (be, t) -> be.maxPool2d(t[0], ks.kernel(), ks.stride(), t[1]), in(a.shape(), x));
            Op backward = (be, t) -> be.maxPool2dBackward(t[0], t[1], t[2], ks.kernel(), ks.stride(), t[3]);
            float[] want = run(ref, a.shape(), backward, in(a.shape(), x), in(ys, y), in(ys, dy));
            float[] got = run(cpu, a.shape(), backward, in(a.shape(), x), in(ys, y), in(ys, dy));
            float[] magnitude = run(ref, a.shape(), backward, in(a.shape(), x), in(ys, y), in(ys, abs(dy)));
            int windows = Math.ceilDiv(ks.kernel(), ks.stride()) * Math.ceilDiv(ks.kernel(), ks.stride());
            for (int i = 0; i < want.length; i++) {
                assertThat((double) got[i]).as("dx[%d] (Σ|term| = %g)", i, magnitude[i])
                        .isCloseTo(want[i], org.assertj.core.data.Offset.offset(2 * (windows - 1) * 0x1p-24 * magnitude[i]));
            }
        });
    }

    /** Kernel and stride: NiN's 3/2, and 2/2, 3/1, 3/3 for windows that do not overlap or overlap more. */
    static Gen<Pool> poolKernels() {
        return arbitrary().pick(new Pool(3, 2), new Pool(2, 2), new Pool(3, 1), new Pool(3, 3));
    }

    record Pool(int kernel, int stride) {
    }

    @Test
    void dropoutDrawsTheContractsMaskAndAppliesIt() {
        forAll(smallActivations(), dropRates()).tries(50).shrinks(SHRINKS).check((a, p) -> {
            Random r = new Random(a.seed());
            float[] x = random(r, a.shape()), dy = random(r, a.shape());
            long seed = r.nextLong();
            float[][] got = dropout(cpu, a.shape(), x, dy, p, seed), want = dropout(ref, a.shape(), x, dy, p, seed);
            for (int i = 0; i < 3; i++) assertThat(got[i]).containsExactly(want[i]);
        });
    }

    static Gen<Float> dropRates() {
        return arbitrary().pick(0f, 0.1f, 0.5f, 0.9f);
    }

    @Test
    void globalAveragePoolingAndItsGradientEqualTheReference() {
        forAll(smallActivations()).tries(50).shrinks(SHRINKS).check(a -> {
            Shape s = a.shape(), ys = Shape.of(s.dim(0), s.dim(1), 1, 1);
            Random r = new Random(a.seed());
            float[] x = random(r, s), dy = random(r, ys);
            // the same double sum in the same order on both sides, rounded once: 1e-6 of max(1, |y|) is 8 ulps
            assertClose(run(cpu, ys, (be, t) -> be.globalAvgPool(t[0], t[1]), in(s, x)), run(ref, ys, (be, t) -> be.globalAvgPool(t[0], t[1]), in(s, x)), 1e-6);
            assertThat(run(cpu, s, (be, t) -> be.globalAvgPoolBackward(t[0], t[1]), in(ys, dy)))
                    .containsExactly(run(ref, s, (be, t) -> be.globalAvgPoolBackward(t[0], t[1]), in(ys, dy)));
        });
    }

    @Test
    void softmaxCrossEntropyEqualsTheReference() {
        forAll(smallActivations()).tries(50).shrinks(SHRINKS).check(a -> {
            int n = a.shape().dim(0), k = a.shape().dim(1) + 1;
            Random r = new Random(a.seed());
            float[] logits = new float[n * k], labels = new float[n];
            for (int i = 0; i < logits.length; i++) logits[i] = (float) (4 * r.nextGaussian());
            for (int i = 0; i < n; i++) labels[i] = r.nextInt(k);
            float[][] got = loss(cpu, n, k, logits, labels), want = loss(ref, n, k, logits, labels);
            // the same double-precision formula on both sides (the CPU backend calls the reference's): equal up to
            // the final float rounding, far inside 1e-6 and 1e-5 of max(1, |value|)
            assertClose(got[0], want[0], 1e-6);
            assertClose(got[1], want[1], 1e-5);
        });
    }

    @Test
    void sgdStepEqualsTheReference() {
        forAll(smallActivations()).tries(30).shrinks(SHRINKS).check(a -> {
            Random r = new Random(a.seed());
            float[] w = random(r, a.shape()), dw = random(r, a.shape());
            float lr = 0.05f + r.nextFloat();
            // w − lr·dw in float on both sides, but BLAS may fuse the multiply-add: one rounding of the exact
            // result against two (of lr·dw, then of the difference), so they differ by at most half an ulp of
            // lr·dw and one ulp of the result each; an ulp is relative, so is the bound
            float[] got = inPlace(cpu, a.shape(), w, dw, (be, t, g) -> be.sgdStep(t, g, lr));
            float[] want = inPlace(ref, a.shape(), w, dw, (be, t, g) -> be.sgdStep(t, g, lr));
            for (int i = 0; i < want.length; i++) {
                double bound = Math.ulp(lr * Math.abs(dw[i])) / 2 + 2 * Math.ulp(Math.abs(want[i]));
                assertThat((double) got[i]).as("w[%d]", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(bound));
            }
        });
    }

    // tag::momentum[]
    @Test
    void momentumSgdEqualsTheReferenceExactly() {
        forAll(smallActivations()).tries(30).shrinks(SHRINKS).check(a -> {
            Random r = new Random(a.seed());
            float[] w = random(r, a.shape()), dw = random(r, a.shape()), v = random(r, a.shape());
            float lr = 0.01f + r.nextFloat(), momentum = r.nextInt(4) == 0 ? 0 : r.nextFloat();
            float decay = r.nextBoolean() ? 0 : 1e-4f + r.nextFloat() / 100;
            boolean withVelocity = momentum > 0 || r.nextBoolean();
            // both sides round the same products and sums in the same order, in float, without fused
            // multiply-adds (the CPU backend loops in Java, which never contracts a·b + c): the tolerance is 0
            float[][] got = momentumSteps(cpu, a.shape(), w, dw, withVelocity ? v : null, lr, momentum, decay);
            float[][] want = momentumSteps(ref, a.shape(), w, dw, withVelocity ? v : null, lr, momentum, decay);
            assertThat(got[0]).as("w").containsExactly(want[0]);
            assertThat(got[1]).as("velocity").containsExactly(want[1]);
        });
    }

    /** Three momentum steps from (w, v) with the same gradient: w and v after them (v empty when null). */
    static float[][] momentumSteps(Backend be, Shape s, float[] w, float[] dw, float[] v, float lr, float momentum, float decay) {
        Tensor wt = upload(be, s, w), g = upload(be, s, dw), vt = v == null ? null : upload(be, s, v);
        for (int i = 0; i < 3; i++) be.sgdMomentumStep(wt, g, vt, lr, momentum, decay);
        return new float[][]{download(be, wt), vt == null ? new float[0] : download(be, vt)};
    }
    // end::momentum[]

    @Test
    void bilinearResizeEqualsTheReference() {
        forAll(smallActivations(), sizes(), sizes()).tries(30).shrinks(SHRINKS).check((a, oh, ow) -> {
            Shape src = a.shape(), dst = Shape.of(src.dim(0), src.dim(1), oh, ow);
            float[] x = random(new Random(a.seed()), src);
            // float interpolation against the reference's double, rounded once: the float side rounds its two
            // weights, 1 − weight, four products and three sums, each relative to a value no larger than the
            // largest tap, so it errs by less than 16·2^-24·max|x|
            float[] got = run(cpu, dst, (be, t) -> be.resizeBilinear(t[0], t[1]), in(src, x));
            float[] want = run(ref, dst, (be, t) -> be.resizeBilinear(t[0], t[1]), in(src, x));
            double largest = 0;
            for (float v : x) largest = Math.max(largest, Math.abs(v));
            for (int i = 0; i < want.length; i++) {
                assertThat((double) got[i]).as("element %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(16 * 0x1p-24 * largest));
            }
        });
    }

    static Gen<Integer> sizes() {
        return integers().between(1, 20);
    }

    @Test
    void copiesViewsAndSumOfSquaresAgreeWithTheReference() {
        forAll(smallActivations()).tries(30).shrinks(SHRINKS).check(a -> {
            Shape s = a.shape();
            float[] x = random(new Random(a.seed()), s);
            Tensor t = upload(cpu, s, x);
            assertThat(download(cpu, t)).containsExactly(x);
            // a smaller batch is a prefix view: it sees the first images, and writes through to them
            Tensor first = cpu.view(t, s.withBatch(1));
            int image = (int) (s.size() / s.dim(0));
            assertThat(download(cpu, first)).containsExactly(java.util.Arrays.copyOf(x, image));
            cpu.fill(first, 2f);
            float[] after = download(cpu, t);
            for (int i = 0; i < after.length; i++) assertThat(after[i]).isEqualTo(i < image ? 2f : x[i]);
            // global pooling's output, (N, C, 1, 1), flattens to (N, C) in place
            Shape pooled = Shape.of(s.dim(0), s.dim(1), 1, 1);
            float[] p = random(new Random(a.seed() + 1), pooled);
            assertThat(download(cpu, cpu.view(upload(cpu, pooled, p), Shape.of(s.dim(0), s.dim(1))))).containsExactly(p);
            // ND4J's norm in float against a double sum: m squares (one rounding each) summed with m − 1
            // roundings, all relative to the positive total, then a square root and a float result, squared
            // again: at most (m + 8)·2^-24 of the total (m ≤ 2,916 here: 1.7e-4)
            double sum = ref.sumOfSquares(upload(ref, s, x));
            assertThat(cpu.sumOfSquares(upload(cpu, s, x))).isCloseTo(sum, org.assertj.core.data.Offset.offset((x.length + 8) * 0x1p-24 * sum));
        });
    }

    // ------------------------------------------------------------------ helpers

    interface Op {
        void apply(Backend be, Tensor[] t);
    }

    interface Update {
        void apply(Backend be, Tensor w, Tensor g);
    }

    /** An input: its shape and values. */
    record In(Shape shape, float[] values) {
    }

    static In in(Shape shape, float[] values) {
        return new In(shape, values);
    }

    /** Uploads the inputs, allocates the output (the last tensor), runs op, downloads the output. */
    static float[] run(Backend be, Shape out, Op op, In... inputs) {
        Tensor[] t = new Tensor[inputs.length + 1];
        for (int i = 0; i < inputs.length; i++) t[i] = upload(be, inputs[i].shape(), inputs[i].values());
        t[inputs.length] = be.allocate(out);
        be.fill(t[inputs.length], Float.NaN); // outputs are overwritten, never accumulated into
        op.apply(be, t);
        return download(be, t[inputs.length]);
    }

    static Tensor upload(Backend be, Shape s, float[] values) {
        Tensor t = be.allocate(s);
        be.upload(values, t);
        return t;
    }

    interface InPlace {
        void apply(Backend be, Tensor t);
    }

    static float[] inPlace(Backend be, Shape s, float[] x, InPlace op) {
        Tensor t = upload(be, s, x);
        op.apply(be, t);
        return download(be, t);
    }

    static float[] inPlace(Backend be, Shape s, float[] w, float[] g, Update op) {
        Tensor t = upload(be, s, w);
        op.apply(be, t, upload(be, s, g));
        return download(be, t);
    }

    static float[][] filterGradients(Backend be, Conv c, float[] x, float[] dy) {
        Tensor dw = be.allocate(c.wShape()), db = be.allocate(c.bShape());
        be.fill(dw, Float.NaN);
        be.fill(db, Float.NaN);
        be.conv2dBackwardFilter(upload(be, c.xShape(), x), upload(be, c.yShape(), dy), c.stride(), c.padding(), dw, db);
        return new float[][]{download(be, dw), download(be, db)};
    }

    /** dx (zeros when not asked for), dw, db from the fused backward pass. */
    static float[][] allGradients(Backend be, Conv c, float[] x, float[] w, float[] dy, boolean wantDx) {
        Tensor dx = wantDx ? be.allocate(c.xShape()) : null, dw = be.allocate(c.wShape()), db = be.allocate(c.bShape());
        be.conv2dBackward(upload(be, c.xShape(), x), upload(be, c.wShape(), w), upload(be, c.yShape(), dy), c.stride(), c.padding(), dx, dw, db);
        return new float[][]{wantDx ? download(be, dx) : new float[(int) c.xShape().size()], download(be, dw), download(be, db)};
    }

    /** The mask, the output and the gradient of one dropout step. */
    static float[][] dropout(Backend be, Shape s, float[] x, float[] dy, float p, long seed) {
        Tensor mask = be.allocate(s), y = be.allocate(s), dyt = upload(be, s, dy);
        be.dropout(upload(be, s, x), p, seed, mask, y);
        be.dropoutBackward(dyt, mask, dyt);
        return new float[][]{download(be, mask), download(be, y), download(be, dyt)};
    }

    /** The gradient and the running sums (loss, correct) after one call on stats that held (1, 2). */
    static float[][] loss(Backend be, int n, int k, float[] logits, float[] labels) {
        Tensor d = be.allocate(Shape.of(n, k)), stats = upload(be, Shape.of(2), new float[]{1, 2});
        be.softmaxCrossEntropy(upload(be, Shape.of(n, k), logits), upload(be, Shape.of(n), labels), d, stats);
        return new float[][]{download(be, d), download(be, stats)};
    }

    static float[] random(Random r, Shape s) {
        float[] a = new float[(int) s.size()];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    /** Distinct values in random order, multiples of 1/16 (exact in float), so that no two are equal. */
    static float[] distinct(Random r, Shape s) {
        float[] a = new float[(int) s.size()];
        for (int i = 0; i < a.length; i++) a[i] = (i - a.length / 2) / 16f;
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Math.abs(a[i]);
        return b;
    }

    /** −0 becomes +0 (x + 0 does that in IEEE arithmetic); every other value stays. */
    static float[] signlessZeros(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = a[i] + 0f;
        return b;
    }

    static float[] relu(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Math.max(0, a[i]);
        return b;
    }

    static float[] download(Backend be, Tensor t) {
        float[] out = new float[(int) t.size()];
        be.download(t, out);
        return out;
    }

    static void assertCloseRelativeToMagnitude(float[] got, float[] want, float[] magnitude) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            double tol = SUM_TOLERANCE * magnitude[i] + 1e-30;
            assertThat((double) got[i]).as("element %d (Σ|term| = %g)", i, magnitude[i])
                    .isCloseTo(want[i], org.assertj.core.data.Offset.offset(tol));
        }
    }

    static void assertClose(float[] got, float[] want, double tolerance) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("element %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(tolerance * Math.max(1, Math.abs(want[i]))));
        }
    }

    static Shape pooled(Shape x, int k, int s) {
        return Shape.of(x.dim(0), x.dim(1), (x.dim(2) - k) / s + 1, (x.dim(3) - k) / s + 1);
    }
}
