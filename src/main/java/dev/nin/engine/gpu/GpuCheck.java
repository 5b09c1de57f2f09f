package dev.nin.engine.gpu;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.LayerSpec;
import dev.nin.model.Nin;
import dev.nin.model.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The first thing to run on a GPU machine: every operation of {@link CudaBackend} against {@link ReferenceBackend}
 * on small random shapes, in strict FP32 and with TF32 allowed, one line per check (maximum absolute error,
 * that error relative to the largest reference value, the tolerance, PASS/FAIL); then the time of each
 * operation of one NiN training step at batch 128 and 224×224, and of the whole step. Exits 1 on any FAIL.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp CLASSES dev.nin.engine.gpu.GpuCheck [--no-timing] [--batch N]</pre>
 */
public final class GpuCheck {
    private final Backend gpu, ref;
    private final boolean strict;
    private final SplittableRandom random = new SplittableRandom(20261127);
    private int failures, checks;

    private GpuCheck(Backend gpu, Backend ref, boolean strict) {
        this.gpu = gpu;
        this.ref = ref;
        this.strict = strict;
    }

    public static void main(String[] args) {
        List<String> list = Arrays.asList(args);
        boolean timing = !list.contains("--no-timing");
        int batch = list.contains("--batch") ? Integer.parseInt(list.get(list.indexOf("--batch") + 1)) : 128;
        int failures = 0;
        boolean first = true;
        for (boolean strict : new boolean[]{true, false}) {
            CudaBackend.Options options = CudaBackend.Options.fromEnvironment().withStrictFp32(strict);
            try (CudaBackend gpu = new CudaBackend(options); ReferenceBackend ref = new ReferenceBackend()) {
                if (first) {
                    System.out.println("GPU backend opened: " + gpu.device());
                    gpu.provenance().forEach((k, v) -> System.out.println("  " + k + " = " + v));
                    first = false;
                }
                System.out.println();
                System.out.println("== correctness against the reference backend, " + gpu.provenance().get("math"));
                GpuCheck check = new GpuCheck(gpu, ref, strict);
                check.all();
                failures += check.failures;
                System.out.println("-- " + check.checks + " checks, " + check.failures + " failed; cuDNN's choices:");
                gpu.convolutionChoices().forEach((k, v) -> System.out.println("  " + k + ": " + v));
                System.out.printf("-- peak device memory %.1f MiB%n", gpu.peakMemoryBytes() / 1048576.0);
            } catch (GpuUnavailableException e) {
                System.out.println("GPU UNAVAILABLE: " + e.getMessage());
                System.exit(2);
            } catch (RuntimeException e) {
                System.out.println("FAIL  the checks stopped with an exception:");
                e.printStackTrace(System.out);
                failures++;
            }
        }
        if (timing) {
            for (boolean strict : new boolean[]{false, true}) {
                try (CudaBackend gpu = new CudaBackend(CudaBackend.Options.fromEnvironment().withStrictFp32(strict))) {
                    new NinStepTiming(gpu, batch).run();
                } catch (RuntimeException e) {
                    System.out.println("FAIL  timing stopped with an exception:");
                    e.printStackTrace(System.out);
                    failures++;
                }
            }
        }
        // after every backend opened and closed: what this process really ran with (cuDNN opens its engines when first used)
        System.out.println("CUDA library files loaded: " + CudaBackend.loadedLibraryFiles());
        System.out.println(failures == 0 ? "GPU CHECK PASSED" : "GPU CHECK FAILED: " + failures + " failure(s)");
        System.exit(failures == 0 ? 0 : 1);
    }

    /** Runs every check of {@code candidate} against {@code reference}, printing one line each; returns the number that failed. */
    static int compareBackends(Backend candidate, Backend reference, boolean strict) {
        GpuCheck check = new GpuCheck(candidate, reference, strict);
        check.all();
        return check.failures;
    }

    // ---- a tensor on both backends -------------------------------------------------------------------

    private record Twin(Tensor ref, Tensor gpu) {
    }

    private Twin twin(Shape s, float[] values) {
        Twin t = new Twin(ref.allocate(s), gpu.allocate(s));
        ref.upload(values, t.ref);
        gpu.upload(values, t.gpu);
        return t;
    }

    private Twin randomTwin(Shape s) {
        return twin(s, randoms(s.size(), 1.0));
    }

    private Twin zeros(Shape s) {
        return new Twin(ref.allocate(s), gpu.allocate(s));
    }

    private float[] randoms(long n, double scale) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) random.nextDouble(-scale, scale);
        return v;
    }

    private static float[] values(Backend b, Tensor t) {
        float[] v = new float[(int) t.size()];
        b.download(t, v);
        return v;
    }

    /** Compares the two sides of a tensor; tolerance 0 demands bit-for-bit equality (NaN equal to NaN). */
    private void compare(String what, Twin t, double tolerance) {
        checks++;
        float[] r = values(ref, t.ref), g = values(gpu, t.gpu);
        double maxAbs = 0, maxRef = 0;
        int mismatches = 0, worst = -1;
        for (int i = 0; i < r.length; i++) {
            boolean same = Float.floatToIntBits(r[i]) == Float.floatToIntBits(g[i]) || (r[i] == 0f && g[i] == 0f);
            if (!same) mismatches++;
            double d = Double.isNaN(r[i]) || Double.isNaN(g[i]) ? (same ? 0 : Double.POSITIVE_INFINITY) : Math.abs((double) r[i] - g[i]);
            if (d > maxAbs || worst < 0 && !same) {
                maxAbs = d;
                worst = i;
            }
            if (!Double.isNaN(r[i])) maxRef = Math.max(maxRef, Math.abs(r[i]));
        }
        double rel = maxAbs / Math.max(maxRef, 1e-30);
        boolean pass = tolerance == 0 ? mismatches == 0 : rel <= tolerance;
        if (!pass) failures++;
        String detail = mismatches == 0 ? "bit-identical" : String.format("max abs %.3e rel %.3e (%d of %d differ; worst [%d] ref %s gpu %s)",
                maxAbs, rel, mismatches, r.length, worst, r[worst], g[worst]);
        System.out.printf("%s  %-62s %s, tolerance %s%n", pass ? "PASS" : "FAIL", what, detail, tolerance == 0 ? "exact" : String.format("%.0e", tolerance));
    }

    private void scalar(String what, double r, double g, double tolerance) {
        checks++;
        double rel = Math.abs(r - g) / Math.max(Math.abs(r), 1e-30);
        boolean pass = rel <= tolerance;
        if (!pass) failures++;
        System.out.printf("%s  %-62s ref %.9g gpu %.9g rel %.3e, tolerance %.0e%n", pass ? "PASS" : "FAIL", what, r, g, rel, tolerance);
    }

    private interface Check {
        void run();
    }

    private void guarded(String what, Check c) {
        try {
            c.run();
        } catch (RuntimeException e) {
            checks++;
            failures++;
            System.out.println("FAIL  " + what + ": " + e);
        }
    }

    // ---- the checks -------------------------------------------------------------------------------------

    void all() {
        // Convolutions sum up to 11·11·c products. Strict FP32 differs from the double reference by float rounding
        // (~1e-6 of the largest value for direct/GEMM algorithms, up to ~1e-5 for FFT and Winograd ones cuDNN may pick);
        // TF32 rounds each input to 10 mantissa bits (relative error ~5e-4 per product, ~1e-3 on a sum's largest value).
        double convTolerance = strict ? 1e-4 : 5e-3;
        int[][] convs = {  // n, c, h, w, out, k, stride, pad
                {2, 3, 9, 9, 4, 3, 1, 1}, {2, 1, 23, 23, 5, 11, 4, 0}, {3, 6, 7, 7, 6, 1, 1, 0}, {2, 4, 8, 8, 3, 5, 1, 2},
                {4, 8, 5, 5, 10, 3, 1, 1},
                // the bias gradient split into 13 parts per channel, and cuDNN's own above 1,024 channels
                {8, 6, 40, 40, 4, 1, 1, 0}, {1, 2, 3, 3, 1030, 1, 1, 0}};
        for (int[] c : convs) guarded("convolution " + Arrays.toString(c), () -> convolution(c, convTolerance));
        guarded("convolution on a prefix view", () -> prefixViewConvolution(convTolerance));
        guarded("relu", this::relu);
        guarded("max pooling", () -> maxPooling(Shape.of(2, 3, 13, 13), false));
        guarded("max pooling with ties", () -> maxPooling(Shape.of(2, 3, 11, 11), true));
        guarded("dropout", this::dropout);
        guarded("global average pooling", this::globalAveragePooling);
        guarded("softmax cross-entropy", this::softmaxCrossEntropy);
        guarded("sgd", this::sgd);
        guarded("sgd with momentum", this::sgdMomentum);
        guarded("resize", () -> resize(Shape.of(2, 1, 28, 28), 67, 67));
        guarded("resize", () -> resize(Shape.of(3, 2, 10, 7), 4, 5));
        guarded("resize", () -> resize(Shape.of(1, 1, 28, 28), 224, 224));
        guarded("fill and sum of squares", this::fillAndSumOfSquares);
    }

    private void convolution(int[] c, double tol) {
        int n = c[0], ch = c[1], h = c[2], w = c[3], o = c[4], k = c[5], s = c[6], p = c[7];
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        String name = String.format("[%d,%d,%d,%d] %dx%d/%d pad %d -> %d", n, ch, h, w, k, k, s, p, o);
        Twin x = randomTwin(Shape.of(n, ch, h, w)), wt = randomTwin(Shape.of(o, ch, k, k)), b = randomTwin(Shape.of(o));
        Twin y = zeros(Shape.of(n, o, oh, ow));
        ref.conv2dForward(x.ref, wt.ref, b.ref, s, p, y.ref);
        gpu.conv2dForward(x.gpu, wt.gpu, b.gpu, s, p, y.gpu);
        compare("conv2dForward " + name, y, tol);
        // tag::fused-check[]
        Twin yr = zeros(Shape.of(n, o, oh, ow));
        ref.conv2dBiasReluForward(x.ref, wt.ref, b.ref, s, p, yr.ref);
        gpu.conv2dBiasReluForward(x.gpu, wt.gpu, b.gpu, s, p, yr.gpu);
        compare("conv2dBiasReluForward " + name, yr, tol);
        gpu.conv2dBiasReluForward(x.gpu, wt.gpu, b.gpu, s, p, yr.gpu);  // second call: the path chosen after the fusion trial
        compare("conv2dBiasReluForward again " + name, yr, tol);
        // end::fused-check[]
        Twin dy = randomTwin(Shape.of(n, o, oh, ow)), dx = zeros(Shape.of(n, ch, h, w));
        ref.conv2dBackwardData(dy.ref, wt.ref, s, p, dx.ref);
        gpu.conv2dBackwardData(dy.gpu, wt.gpu, s, p, dx.gpu);
        compare("conv2dBackwardData " + name, dx, tol);
        Twin dw = zeros(Shape.of(o, ch, k, k)), db = zeros(Shape.of(o));
        ref.conv2dBackwardFilter(x.ref, dy.ref, s, p, dw.ref, db.ref);
        gpu.conv2dBackwardFilter(x.gpu, dy.gpu, s, p, dw.gpu, db.gpu);
        compare("conv2dBackwardFilter dw " + name, dw, tol);
        compare("conv2dBackwardFilter db " + name, db, 1e-5);
    }

    /** The layers see the last, smaller batch of an epoch as a prefix view of buffers made for the largest. */
    private void prefixViewConvolution(double tol) {
        Twin x = randomTwin(Shape.of(5, 3, 8, 8)), w = randomTwin(Shape.of(4, 3, 3, 3)), b = randomTwin(Shape.of(4));
        Twin y = zeros(Shape.of(5, 4, 8, 8));
        Shape small = Shape.of(2, 3, 8, 8), smallOut = Shape.of(2, 4, 8, 8);
        Twin xv = new Twin(ref.view(x.ref, small), gpu.view(x.gpu, small));
        Twin yv = new Twin(ref.view(y.ref, smallOut), gpu.view(y.gpu, smallOut));
        ref.conv2dBiasReluForward(xv.ref, w.ref, b.ref, 1, 1, yv.ref);
        gpu.conv2dBiasReluForward(xv.gpu, w.gpu, b.gpu, 1, 1, yv.gpu);
        compare("conv2dBiasReluForward on a prefix view [2 of 5, 3, 8, 8]", yv, tol);
        compare("  ... leaves the rest of the buffer untouched", y, tol);
    }

    private void relu() {
        float[] v = randoms(2 * 3 * 5 * 7, 1.0);
        v[0] = Float.NaN;
        v[1] = -0f;
        v[2] = 0f;
        Twin x = twin(Shape.of(2, 3, 5, 7), v), y = zeros(x.ref.shape());
        ref.relu(x.ref, y.ref);
        gpu.relu(x.gpu, y.gpu);
        compare("relu [2, 3, 5, 7] (with NaN, -0)", y, 0);
        Twin dy = randomTwin(x.ref.shape()), dx = zeros(x.ref.shape());
        ref.reluBackward(y.ref, dy.ref, dx.ref);
        gpu.reluBackward(y.gpu, dy.gpu, dx.gpu);
        compare("reluBackward", dx, 0);
        ref.reluBackward(y.ref, dy.ref, dy.ref);
        gpu.reluBackward(y.gpu, dy.gpu, dy.gpu);
        compare("reluBackward in place", dy, 0);
    }

    private void maxPooling(Shape s, boolean ties) {
        float[] v = randoms(s.size(), 1.0);
        if (ties) for (int i = 0; i < v.length; i++) v[i] = Math.max(0, Math.round(v[i] * 2)) / 2f;  // many equal values, as after a ReLU
        Twin x = twin(s, v);
        Shape os = Shape.of(s.dim(0), s.dim(1), (s.dim(2) - 3) / 2 + 1, (s.dim(3) - 3) / 2 + 1);
        Twin y = zeros(os);
        ref.maxPool2d(x.ref, 3, 2, y.ref);
        gpu.maxPool2d(x.gpu, 3, 2, y.gpu);
        compare("maxPool2d 3/2 " + s + (ties ? " with ties" : ""), y, 0);
        Twin dy = randomTwin(os), dx = randomTwin(s);  // dx starts as garbage: the op must overwrite it
        ref.maxPool2dBackward(x.ref, y.ref, dy.ref, 3, 2, dx.ref);
        gpu.maxPool2dBackward(x.gpu, y.gpu, dy.gpu, 3, 2, dx.gpu);
        compare("maxPool2dBackward 3/2 " + s + (ties ? " with ties (first maximum)" : ""), dx, 0);
        Twin dxRelu = randomTwin(s);
        ref.maxPool2dReluBackward(x.ref, y.ref, dy.ref, 3, 2, dxRelu.ref);
        gpu.maxPool2dReluBackward(x.gpu, y.gpu, dy.gpu, 3, 2, dxRelu.gpu);
        compare("maxPool2dReluBackward 3/2 " + s + " (one pass, as pooling then ReLU)", dxRelu, 0);
    }

    private void dropout() {
        for (long seed : new long[]{0, 42, -7_000_000_000L}) {
            Shape s = Shape.of(3, 384, 5, 5);
            Twin x = randomTwin(s), mask = zeros(s), y = zeros(s);
            ref.dropout(x.ref, 0.5f, seed, mask.ref, y.ref);
            gpu.dropout(x.gpu, 0.5f, seed, mask.gpu, y.gpu);
            compare("dropout mask p 0.5 seed " + seed + " " + s, mask, 0);
            compare("dropout output", y, 0);
        }
        Shape s = Shape.of(2, 7, 6, 6);
        Twin x = randomTwin(s), mask = zeros(s), y = zeros(s);
        ref.dropout(x.ref, 0.3f, 99, mask.ref, y.ref);
        gpu.dropout(x.gpu, 0.3f, 99, mask.gpu, y.gpu);
        compare("dropout mask p 0.3 (keep scale 1/0.7 rounded as Java)", mask, 0);
        Twin dy = randomTwin(s), dx = zeros(s);
        ref.dropoutBackward(dy.ref, mask.ref, dx.ref);
        gpu.dropoutBackward(dy.gpu, mask.gpu, dx.gpu);
        compare("dropoutBackward", dx, 0);
    }

    private void globalAveragePooling() {
        Twin x = randomTwin(Shape.of(3, 10, 5, 5)), y = zeros(Shape.of(3, 10, 1, 1));
        ref.globalAvgPool(x.ref, y.ref);
        gpu.globalAvgPool(x.gpu, y.gpu);
        compare("globalAvgPool [3, 10, 5, 5] (double sums in the same order)", y, 1e-7);
        Twin dy = randomTwin(y.ref.shape()), dx = zeros(x.ref.shape());
        ref.globalAvgPoolBackward(dy.ref, dx.ref);
        gpu.globalAvgPoolBackward(dy.gpu, dx.gpu);
        compare("globalAvgPoolBackward", dx, 0);
    }

    private void softmaxCrossEntropy() {
        for (int n : new int[]{5, 300}) {
            Shape s = Shape.of(n, 10, 1, 1);
            float[] z = randoms(s.size(), 4.0);
            float[] labels = new float[n];
            for (int i = 0; i < n; i++) labels[i] = random.nextInt(10);
            z[3] = z[4];  // a tie inside row 0: the first maximum counts
            Twin logits = twin(s, z), lab = twin(Shape.of(n), labels), dz = zeros(s);
            Twin stats = twin(Shape.of(2), new float[]{1.5f, 2f});  // a running sum: must be added to
            ref.softmaxCrossEntropy(logits.ref, lab.ref, dz.ref, stats.ref);
            gpu.softmaxCrossEntropy(logits.gpu, lab.gpu, dz.gpu, stats.gpu);
            float[] sr = values(ref, stats.ref), sg = values(gpu, stats.gpu);
            scalar("softmaxCrossEntropy loss sum, " + n + " rows (double, then float)", sr[0], sg[0], 1e-6);
            scalar("softmaxCrossEntropy correct count", sr[1], sg[1], 0);
            compare("softmaxCrossEntropy dlogits (double exp, then float)", dz, 1e-6);
            ref.softmaxCrossEntropy(logits.ref, lab.ref, null, stats.ref);
            gpu.softmaxCrossEntropy(logits.gpu, lab.gpu, null, stats.gpu);
            sr = values(ref, stats.ref);
            sg = values(gpu, stats.gpu);
            scalar("softmaxCrossEntropy without gradient, accumulated loss", sr[0], sg[0], 1e-6);
        }
    }

    private void sgd() {
        Shape s = Shape.of(96, 1, 11, 11);
        Twin w = randomTwin(s), dw = randomTwin(s);
        ref.sgdStep(w.ref, dw.ref, 0.1f);
        gpu.sgdStep(w.gpu, dw.gpu, 0.1f);
        compare("sgdStep lr 0.1 (product rounded, then difference)", w, 0);
        // clipping's scale: the reference multiplies once, the GPU takes Backend's default t - (1 - c)·t, two roundings
        Twin g = randomTwin(s);
        ref.scale(g.ref, 0.3f);
        gpu.scale(g.gpu, 0.3f);
        compare("scale by 0.3 (clipping; as t - 0.7·t on the GPU)", g, 1e-6);
    }

    private void sgdMomentum() {
        Shape s = Shape.of(96, 1, 11, 11);
        Twin w = randomTwin(s), dw = randomTwin(s), v = randomTwin(s);
        for (int step = 0; step < 3; step++) {
            ref.sgdMomentumStep(w.ref, dw.ref, v.ref, 0.05f, 0.9f, 5e-4f);
            gpu.sgdMomentumStep(w.gpu, dw.gpu, v.gpu, 0.05f, 0.9f, 5e-4f);
        }
        compare("sgdMomentumStep x 3, momentum 0.9, weight decay 5e-4 (every product and sum rounded)", w, 0);
        compare("sgdMomentumStep's velocity", v, 0);
    }

    private void resize(Shape s, int oh, int ow) {
        Twin src = randomTwin(s), dst = zeros(Shape.of(s.dim(0), s.dim(1), oh, ow));
        ref.resizeBilinear(src.ref, dst.ref);
        gpu.resizeBilinear(src.gpu, dst.gpu);
        compare("resizeBilinear " + s + " -> " + oh + "x" + ow + " (same double arithmetic)", dst, 0);
    }

    private void fillAndSumOfSquares() {
        Twin t = randomTwin(Shape.of(1000, 37));
        scalar("sumOfSquares of 37000 values", ref.sumOfSquares(t.ref), gpu.sumOfSquares(t.gpu), 1e-12);
        Twin big = randomTwin(Shape.of(3, 1 << 20));
        scalar("sumOfSquares of 3145728 values (more than 1024 blocks)", ref.sumOfSquares(big.ref), gpu.sumOfSquares(big.gpu), 1e-12);
        ref.fill(t.ref, 0.25f);
        gpu.fill(t.gpu, 0.25f);
        compare("fill 0.25", t, 0);
        ref.fill(t.ref, 0f);
        gpu.fill(t.gpu, 0f);
        compare("fill 0", t, 0);
        Shape part = Shape.of(10, 37);
        ref.fill(ref.view(t.ref, part), 3f);
        gpu.fill(gpu.view(t.gpu, part), 3f);
        compare("fill 3 on a prefix view (rest stays 0)", t, 0);
    }

    /**
     * Times each backend call of one NiN training step (batch n, 28×28 inputs resized to 224×224), as the
     * layers make them, then the whole sequence; the step's images/s counts the GPU's time only.
     */
    static final class NinStepTiming {
        private final CudaBackend gpu;
        private final int n;
        private final List<String> names = new ArrayList<>();
        private final List<Runnable> ops = new ArrayList<>();

        NinStepTiming(CudaBackend gpu, int n) {
            this.gpu = gpu;
            this.n = n;
        }

        private void op(String name, Runnable r) {
            names.add(name);
            ops.add(r);
        }

        void run() {
            System.out.println();
            System.out.println("== timing one NiN training step, batch " + n + ", 28x28 -> 224x224, " + gpu.provenance().get("math"));
            SplittableRandom random = new SplittableRandom(1);
            Tensor raw = gpu.allocate(Shape.of(n, 1, 28, 28));
            float[] pixels = new float[n * 28 * 28];
            for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextDouble();
            gpu.upload(pixels, raw);
            Tensor x = gpu.allocate(Shape.of(n, 1, 224, 224));
            Tensor labels = gpu.allocate(Shape.of(n));
            float[] l = new float[n];
            for (int i = 0; i < n; i++) l[i] = random.nextInt(10);
            gpu.upload(l, labels);
            Tensor stats = gpu.allocate(Shape.of(2));
            op("resizeBilinear 28->224", () -> gpu.resizeBilinear(raw, x));

            List<LayerSpec> layers = Nin.spec().layers();
            List<Runnable> backward = new ArrayList<>();
            List<String> backwardNames = new ArrayList<>();
            List<Runnable> updates = new ArrayList<>();
            Tensor in = x;
            for (int i = 0; i < layers.size(); i++) {
                LayerSpec layer = layers.get(i);
                Shape inShape = in.shape(), outShape = layer.outputShape(inShape);
                Tensor input = in;
                switch (layer) {
                    case LayerSpec.Conv2d c -> {
                        boolean fusedRelu = i + 1 < layers.size() && layers.get(i + 1) instanceof LayerSpec.ReLU;
                        // as the trainer: a max pooling after the ReLU applies the ReLU's mask in its own backward
                        boolean poolAfter = fusedRelu && i + 2 < layers.size() && layers.get(i + 2) instanceof LayerSpec.MaxPool2d;
                        Tensor w = gpu.allocate(c.weightShape()), b = gpu.allocate(c.biasShape());
                        float[] wv = new float[(int) w.size()];
                        double bound = Math.sqrt(6.0 / ((c.inChannels() + c.outChannels()) * c.kernel() * c.kernel()));
                        for (int j = 0; j < wv.length; j++) wv[j] = (float) random.nextDouble(-bound, bound);
                        gpu.upload(wv, w);
                        Tensor dw = gpu.allocate(c.weightShape()), db = gpu.allocate(c.biasShape());
                        Tensor y = gpu.allocate(outShape), dy = gpu.allocate(outShape);
                        Tensor dx = i == 0 ? null : gpu.allocate(inShape);
                        String name = "conv " + c.kernel() + "x" + c.kernel() + "/" + c.stride() + " " + c.inChannels() + "->" + c.outChannels() + " " + outShape;
                        op(name + (fusedRelu ? " +bias+relu" : " +bias"), fusedRelu
                                ? () -> gpu.conv2dBiasReluForward(input, w, b, c.stride(), c.padding(), y)
                                : () -> gpu.conv2dForward(input, w, b, c.stride(), c.padding(), y));
                        List<Runnable> back = new ArrayList<>();
                        if (fusedRelu && !poolAfter) back.add(() -> gpu.reluBackward(y, dy, dy));
                        back.add(() -> gpu.conv2dBackwardFilter(input, dy, c.stride(), c.padding(), dw, db));
                        if (dx != null) back.add(() -> gpu.conv2dBackwardData(dy, w, c.stride(), c.padding(), dx));
                        backward.addAll(0, back);
                        List<String> backNames = new ArrayList<>();
                        if (fusedRelu && !poolAfter) backNames.add("  reluBackward " + outShape);
                        backNames.add("  conv2dBackwardFilter " + name);
                        if (dx != null) backNames.add("  conv2dBackwardData " + name);
                        backwardNames.addAll(0, backNames);
                        updates.add(() -> gpu.sgdStep(w, dw, 0.1f));
                        updates.add(() -> gpu.sgdStep(b, db, 0.1f));
                        if (fusedRelu) i++;
                        in = y;
                    }
                    case LayerSpec.ReLU r -> {
                        Tensor y = gpu.allocate(outShape);
                        op("relu " + outShape, () -> gpu.relu(input, y));
                        in = y;
                    }
                    case LayerSpec.MaxPool2d m -> {
                        Tensor y = gpu.allocate(outShape), dy = gpu.allocate(outShape), dx = gpu.allocate(inShape);
                        op("maxPool2d " + inShape + " -> " + outShape, () -> gpu.maxPool2d(input, m.kernel(), m.stride(), y));
                        boolean afterRelu = i >= 2 && layers.get(i - 1) instanceof LayerSpec.ReLU && layers.get(i - 2) instanceof LayerSpec.Conv2d;
                        backward.addFirst(afterRelu
                                ? () -> gpu.maxPool2dReluBackward(input, y, dy, m.kernel(), m.stride(), dx)
                                : () -> gpu.maxPool2dBackward(input, y, dy, m.kernel(), m.stride(), dx));
                        backwardNames.addFirst((afterRelu ? "  maxPool2dReluBackward " : "  maxPool2dBackward ") + inShape);
                        in = y;
                    }
                    case LayerSpec.Dropout d -> {
                        Tensor mask = gpu.allocate(outShape), y = gpu.allocate(outShape), dy = gpu.allocate(outShape);
                        op("dropout " + outShape, () -> gpu.dropout(input, (float) d.p(), 7, mask, y));
                        backward.addFirst(() -> gpu.dropoutBackward(dy, mask, dy));
                        backwardNames.addFirst("  dropoutBackward " + outShape);
                        in = y;
                    }
                    case LayerSpec.GlobalAvgPool g -> {
                        Tensor y = gpu.allocate(outShape), dy = gpu.allocate(outShape), dx = gpu.allocate(inShape);
                        op("globalAvgPool " + inShape, () -> gpu.globalAvgPool(input, y));
                        backward.addFirst(() -> gpu.globalAvgPoolBackward(dy, dx));
                        backwardNames.addFirst("  globalAvgPoolBackward " + inShape);
                        in = y;
                    }
                    case LayerSpec.Flatten f -> in = gpu.view(input, outShape);
                    case LayerSpec.Linear lin -> throw new IllegalStateException("NiN has no dense layer: " + lin);
                }
            }
            Tensor logits = in, dlogits = gpu.allocate(logits.shape());
            op("softmaxCrossEntropy " + logits.shape(), () -> gpu.softmaxCrossEntropy(logits, labels, dlogits, stats));
            for (int i = 0; i < backward.size(); i++) op(backwardNames.get(i), backward.get(i));
            op("sgdStep x " + updates.size() + " parameters", () -> updates.forEach(Runnable::run));

            Runnable step = () -> ops.forEach(Runnable::run);
            step.run();  // first step: algorithm searches and fusion trials happen here
            gpu.synchronize();
            double total = 0;
            for (int i = 0; i < ops.size(); i++) {
                float ms = gpu.time(ops.get(i));
                total += ms;
                System.out.printf("  %8.3f ms  %s%n", ms, names.get(i));
            }
            float stepMs = gpu.time(step);
            System.out.printf("  sum of the operations %.2f ms; one whole step %.2f ms -> %.0f images/s (GPU time, no data loading)%n",
                    total, stepMs, n / stepMs * 1000);
            System.out.printf("  peak device memory %.1f MiB (every buffer of the step kept separately here; the trainer shares them)%n",
                    gpu.peakMemoryBytes() / 1048576.0);
            for (Map.Entry<String, String> e : gpu.convolutionChoices().entrySet()) System.out.println("  " + e.getKey() + ": " + e.getValue());
        }
    }
}
