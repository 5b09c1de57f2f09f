package dev.nin.engine.cpu;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.Tag;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ND4J backend computes what the reference backend defines. The reference accumulates in double, ND4J
 * and oneDNN in float32 (in their own order), so sums of many products are compared with a tolerance
 * relative to the magnitude of the sum, Σ|term|, which the reference computes from the absolute values of
 * the inputs. Element-wise operations (ReLU, pooling, dropout) must agree exactly.
 */
@Tag("cpu-backend")
class Nd4jBackendProperties {

    /**
     * float32 has a unit round-off of 6e-8; a sum of m terms can err by m·6e-8·Σ|term| in the worst case.
     * The sums here have at most a few hundred terms (filter gradients sum over batch × output pixels),
     * so 1e-4 of Σ|term| bounds the error with room to spare, while a wrong index or a missed term is off
     * by the size of a whole term.
     */
    static final double SUM_TOLERANCE = 1e-4;

    static final Backend cpu = new Nd4jBackend();
    static final ReferenceBackend ref = new ReferenceBackend();

    @AfterContainer
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

    @Provide
    Arbitrary<Conv> smallConvolutions() {
        return Builders.withBuilder(() -> new int[8])
                .use(Arbitraries.integers().between(1, 3)).in((a, v) -> { a[0] = v; return a; })
                .use(Arbitraries.integers().between(1, 4)).in((a, v) -> { a[1] = v; return a; })
                .use(Arbitraries.integers().between(1, 5)).in((a, v) -> { a[2] = v; return a; })
                .use(Arbitraries.of(1, 2, 3, 5)).in((a, v) -> { a[5] = v; return a; })
                .use(Arbitraries.integers().between(1, 4)).in((a, v) -> { a[6] = v; return a; })
                .use(Arbitraries.integers().between(0, 2)).in((a, v) -> { a[7] = v; return a; })
                .use(Arbitraries.integers().between(0, 7)).in((a, v) -> { a[3] = v; return a; })
                .use(Arbitraries.integers().between(0, 7)).in((a, v) -> { a[4] = v; return a; })
                .build(a -> a)
                .flatMap(a -> Arbitraries.longs().map(seed -> {
                    int k = a[5], p = Math.min(a[7], k - 1);
                    // the padded image must hold at least one window
                    int h = Math.max(1, k - 2 * p) + a[3], w = Math.max(1, k - 2 * p) + a[4];
                    return new Conv(a[0], a[1], a[2], h, w, k, a[6], p, seed);
                }));
    }

    @Property(tries = 60)
    void convolutionForwardEqualsTheReference(@ForAll("smallConvolutions") Conv c) {
        Random r = new Random(c.seed());
        float[] x = random(r, c.xShape()), w = random(r, c.wShape()), b = random(r, c.bShape());
        float[] got = run(cpu, c.yShape(), (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b));
        float[] want = run(ref, c.yShape(), (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b));
        float[] magnitude = run(ref, c.yShape(), (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), abs(x)), in(c.wShape(), abs(w)), in(c.bShape(), abs(b)));
        assertCloseRelativeToMagnitude(got, want, magnitude);
    }

    @Property(tries = 40)
    void fusedConvolutionBiasReluEqualsTheReference(@ForAll("smallConvolutions") Conv c) {
        Random r = new Random(c.seed());
        float[] x = random(r, c.xShape()), w = random(r, c.wShape()), b = random(r, c.bShape());
        float[] got = run(cpu, c.yShape(), (be, t) -> be.conv2dBiasReluForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b));
        float[] want = run(ref, c.yShape(), (be, t) -> be.conv2dBiasReluForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), x), in(c.wShape(), w), in(c.bShape(), b));
        float[] magnitude = run(ref, c.yShape(), (be, t) -> be.conv2dForward(t[0], t[1], t[2], c.stride(), c.padding(), t[3]), in(c.xShape(), abs(x)), in(c.wShape(), abs(w)), in(c.bShape(), abs(b)));
        assertCloseRelativeToMagnitude(got, want, magnitude);
    }

    @Property(tries = 60)
    void convolutionDataGradientEqualsTheReference(@ForAll("smallConvolutions") Conv c) {
        Random r = new Random(c.seed());
        float[] dy = random(r, c.yShape()), w = random(r, c.wShape());
        float[] got = run(cpu, c.xShape(), (be, t) -> be.conv2dBackwardData(t[0], t[1], c.stride(), c.padding(), t[2]), in(c.yShape(), dy), in(c.wShape(), w));
        float[] want = run(ref, c.xShape(), (be, t) -> be.conv2dBackwardData(t[0], t[1], c.stride(), c.padding(), t[2]), in(c.yShape(), dy), in(c.wShape(), w));
        float[] magnitude = run(ref, c.xShape(), (be, t) -> be.conv2dBackwardData(t[0], t[1], c.stride(), c.padding(), t[2]), in(c.yShape(), abs(dy)), in(c.wShape(), abs(w)));
        assertCloseRelativeToMagnitude(got, want, magnitude);
    }

    @Property(tries = 60)
    void convolutionFilterGradientEqualsTheReference(@ForAll("smallConvolutions") Conv c) {
        Random r = new Random(c.seed());
        float[] x = random(r, c.xShape()), dy = random(r, c.yShape());
        float[][] got = filterGradients(cpu, c, x, dy), want = filterGradients(ref, c, x, dy);
        float[][] magnitude = filterGradients(ref, c, abs(x), abs(dy));
        assertCloseRelativeToMagnitude(got[0], want[0], magnitude[0]);
        assertCloseRelativeToMagnitude(got[1], want[1], magnitude[1]);
    }

    @Property(tries = 60)
    void bothConvolutionGradientsAtOnceEqualTheReference(@ForAll("smallConvolutions") Conv c, @ForAll boolean wantDx) {
        Random r = new Random(c.seed());
        float[] x = random(r, c.xShape()), w = random(r, c.wShape()), dy = random(r, c.yShape());
        float[][] got = allGradients(cpu, c, x, w, dy, wantDx), want = allGradients(ref, c, x, w, dy, wantDx);
        float[][] magnitude = allGradients(ref, c, abs(x), abs(w), abs(dy), wantDx);
        for (int i = 0; i < 3; i++) assertCloseRelativeToMagnitude(got[i], want[i], magnitude[i]);
    }

    /** Big images go through a convolution a few at a time; these three go as a slice of two and one. */
    @Example
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

    @Provide
    Arbitrary<Act> smallActivations() {
        Arbitrary<Integer> d = Arbitraries.integers().between(1, 6);
        return Combinators.combine(d, d, Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 9))
                .as((n, c, h, w) -> new int[]{n, c, h, w})
                .flatMap(dims -> Arbitraries.longs().map(seed -> new Act(Shape.of(dims), seed)));
    }

    /** Shapes at least one 3×3 window big, as NiN's pooling needs. */
    @Provide
    Arbitrary<Act> poolableActivations() {
        return smallActivations().map(a -> {
            int[] d = a.shape().dims();
            d[2] += 2;
            d[3] += 2;
            return new Act(Shape.of(d), a.seed());
        });
    }

    @Property(tries = 50)
    void reluEqualsTheReferenceAlsoInPlace(@ForAll("smallActivations") Act a) {
        float[] x = random(new Random(a.seed()), a.shape());
        float[] want = run(ref, a.shape(), (be, t) -> be.relu(t[0], t[1]), in(a.shape(), x));
        assertThat(run(cpu, a.shape(), (be, t) -> be.relu(t[0], t[1]), in(a.shape(), x))).containsExactly(want);
        assertThat(inPlace(cpu, a.shape(), x, (be, t) -> be.relu(t, t))).containsExactly(want);
    }

    @Property(tries = 50)
    void reluGradientEqualsTheReferenceAlsoInPlace(@ForAll("smallActivations") Act a) {
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
    }

    /** The CPU backend works through big tensors in chunks; this one spans two full chunks and a partial one. */
    @Example
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

    @Property(tries = 50)
    void maxPoolingEqualsTheReference(@ForAll("poolableActivations") Act a, @ForAll("poolKernels") int[] ks) {
        Shape y = pooled(a.shape(), ks[0], ks[1]);
        float[] x = random(new Random(a.seed()), a.shape());
        float[] want = run(ref, y, (be, t) -> be.maxPool2d(t[0], ks[0], ks[1], t[1]), in(a.shape(), x));
        assertThat(run(cpu, y, (be, t) -> be.maxPool2d(t[0], ks[0], ks[1], t[1]), in(a.shape(), x))).containsExactly(want);
    }

    /**
     * Continuous random inputs make ties within a window improbable (~0), so the routing of each gradient to
     * its window's maximum is unambiguous; the sums of overlapping windows' gradients (stride &lt; kernel)
     * have at most four terms, hence the small absolute tolerance.
     */
    @Property(tries = 50)
    void maxPoolingGradientEqualsTheReference(@ForAll("poolableActivations") Act a, @ForAll("poolKernels") int[] ks) {
        Shape ys = pooled(a.shape(), ks[0], ks[1]);
        Random r = new Random(a.seed());
        float[] x = random(r, a.shape()), dy = random(r, ys);
        float[] y = run(ref, ys, (be, t) -> be.maxPool2d(t[0], ks[0], ks[1], t[1]), in(a.shape(), x));
        float[] want = run(ref, a.shape(), (be, t) -> be.maxPool2dBackward(t[0], t[1], t[2], ks[0], ks[1], t[3]), in(a.shape(), x), in(ys, y), in(ys, dy));
        float[] got = run(cpu, a.shape(), (be, t) -> be.maxPool2dBackward(t[0], t[1], t[2], ks[0], ks[1], t[3]), in(a.shape(), x), in(ys, y), in(ys, dy));
        for (int i = 0; i < want.length; i++) assertThat((double) got[i]).as("dx[%d]", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-6));
    }

    @Provide
    Arbitrary<int[]> poolKernels() {
        return Arbitraries.of(new int[]{3, 2}, new int[]{2, 2}, new int[]{3, 1}, new int[]{3, 3});
    }

    @Property(tries = 50)
    void dropoutDrawsTheContractsMaskAndAppliesIt(@ForAll("smallActivations") Act a, @ForAll("dropRates") float p) {
        Random r = new Random(a.seed());
        float[] x = random(r, a.shape()), dy = random(r, a.shape());
        long seed = r.nextLong();
        float[][] got = dropout(cpu, a.shape(), x, dy, p, seed), want = dropout(ref, a.shape(), x, dy, p, seed);
        for (int i = 0; i < 3; i++) assertThat(got[i]).containsExactly(want[i]);
    }

    @Provide
    Arbitrary<Float> dropRates() {
        return Arbitraries.of(0f, 0.1f, 0.5f, 0.9f);
    }

    @Property(tries = 50)
    void globalAveragePoolingAndItsGradientEqualTheReference(@ForAll("smallActivations") Act a) {
        Shape s = a.shape(), ys = Shape.of(s.dim(0), s.dim(1), 1, 1);
        Random r = new Random(a.seed());
        float[] x = random(r, s), dy = random(r, ys);
        // a mean of at most 81 values, both sides accumulate in double: agreement to float rounding
        assertClose(run(cpu, ys, (be, t) -> be.globalAvgPool(t[0], t[1]), in(s, x)), run(ref, ys, (be, t) -> be.globalAvgPool(t[0], t[1]), in(s, x)), 1e-6);
        assertThat(run(cpu, s, (be, t) -> be.globalAvgPoolBackward(t[0], t[1]), in(ys, dy)))
                .containsExactly(run(ref, s, (be, t) -> be.globalAvgPoolBackward(t[0], t[1]), in(ys, dy)));
    }

    @Property(tries = 50)
    void softmaxCrossEntropyEqualsTheReference(@ForAll("smallActivations") Act a) {
        int n = a.shape().dim(0), k = a.shape().dim(1) + 1;
        Random r = new Random(a.seed());
        float[] logits = new float[n * k], labels = new float[n];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) (4 * r.nextGaussian());
        for (int i = 0; i < n; i++) labels[i] = r.nextInt(k);
        float[][] got = loss(cpu, n, k, logits, labels), want = loss(ref, n, k, logits, labels);
        // the same double-precision formula on both sides: only the final float rounding may differ
        assertClose(got[0], want[0], 1e-6);
        assertClose(got[1], want[1], 1e-5);
    }

    @Property(tries = 30)
    void sgdStepEqualsTheReference(@ForAll("smallActivations") Act a) {
        Random r = new Random(a.seed());
        float[] w = random(r, a.shape()), dw = random(r, a.shape());
        float lr = 0.05f + r.nextFloat();
        // w − lr·dw in float on both sides; BLAS may fuse the multiply-add, one rounding apart
        assertClose(inPlace(cpu, a.shape(), w, dw, (be, t, g) -> be.sgdStep(t, g, lr)),
                inPlace(ref, a.shape(), w, dw, (be, t, g) -> be.sgdStep(t, g, lr)), 1e-6);
    }

    @Property(tries = 30)
    void bilinearResizeEqualsTheReference(@ForAll("smallActivations") Act a, @ForAll("sizes") int oh, @ForAll("sizes") int ow) {
        Shape src = a.shape(), dst = Shape.of(src.dim(0), src.dim(1), oh, ow);
        float[] x = random(new Random(a.seed()), src);
        // float interpolation weights against the reference's double ones; inputs are of order 1
        assertClose(run(cpu, dst, (be, t) -> be.resizeBilinear(t[0], t[1]), in(src, x)), run(ref, dst, (be, t) -> be.resizeBilinear(t[0], t[1]), in(src, x)), 1e-5);
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.integers().between(1, 20);
    }

    @Property(tries = 30)
    void copiesViewsAndSumOfSquaresAgreeWithTheReference(@ForAll("smallActivations") Act a) {
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
        // norm² in float against a double sum of at most a few thousand squares
        assertThat(cpu.sumOfSquares(upload(cpu, s, x))).isCloseTo(ref.sumOfSquares(upload(ref, s, x)), org.assertj.core.data.Percentage.withPercentage(1e-3));
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
