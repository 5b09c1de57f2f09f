package dev.nin.engine.gpu;

import dev.nin.book.Chapters;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.engine.reference.ReferenceBackend.HostTensor;
import dev.nin.model.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The GPU kernels' arithmetic and indexing, checked without a GPU: kernels.cu compiled as plain C++ (one thread
 * in one block, FMA contraction off as NVRTC's --fmad=false) and called through java.lang.foreign must give
 * exactly what the reference backend gives. What this cannot check (parallel reductions with more than one
 * thread, launch configuration) GpuCheck checks on the GPU. Skipped where no C++ compiler is installed.
 */
@Tag(Chapters.GPU)
class KernelLogicOnCpuTest {
    // tag::shim[]
    private static final String SHIM = """
            #include <cmath>
            #include <algorithm>
            struct Dim3 { unsigned x; };
            static Dim3 blockIdx = {0};  // set_block chooses the block a call plays (kernels that read blockIdx alone)
            static const Dim3 threadIdx = {0}, blockDim = {1}, gridDim = {1};
            extern "C" void set_block(unsigned b) { blockIdx.x = b; }
            #define __global__
            #define __device__
            #define __forceinline__ inline
            #define __shared__ static
            static inline void __syncthreads() {}
            static inline float __fsub_rn(float a, float b) { return a - b; }
            static inline float __fmul_rn(float a, float b) { return a * b; }
            static inline float __fadd_rn(float a, float b) { return a + b; }
            using std::min;
            """;
    // end::shim[]

    private static Arena arena;
    /** Where g++ wrote the library; removed as soon as it is loaded. */
    private static Path compiledIn;
    private static SymbolLookup kernels;
    private static final ReferenceBackend ref = new ReferenceBackend();
    private final SplittableRandom random = new SplittableRandom(5);

    @BeforeAll
    static void compile() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("nin-kernels-cpu");
        compiledIn = dir;
        try {
            compileIn(dir);
        } finally {
            // the loaded library stays mapped after its file is gone: nothing is left in the temp folder
            deleteTree(dir);
        }
    }

    private static void compileIn(Path dir) throws IOException, InterruptedException {
        Path source = dir.resolve("kernels_cpu.cpp"), library = dir.resolve("libkernels_cpu.so");
        Files.writeString(source, SHIM + Kernels.source());
        Process p;
        try {
            // tag::gcc[]
            p = new ProcessBuilder("g++", "-std=c++17", "-O1", "-ffp-contract=off", "-fPIC", "-shared", "-w",
                    "-o", library.toString(), source.toString()).redirectErrorStream(true).start();
            // end::gcc[]
        } catch (IOException noCompiler) {
            Assumptions.abort("no g++ here to compile the kernels for the CPU: " + noCompiler.getMessage());
            return;
        }
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0).as("g++ compiles kernels.cu with the CPU shim:\n" + log).isTrue();
        arena = Arena.ofShared();
        kernels = SymbolLookup.libraryLookup(library, arena);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @Test
    void theCompilationLeavesNothingInTheTempFolder() {
        assertThat(compiledIn).doesNotExist();
    }

    @AfterAll
    static void release() {
        if (arena != null) arena.close();
    }

    private static void call(String kernel, Object... args) {
        ValueLayout[] layouts = new ValueLayout[args.length];
        for (int i = 0; i < args.length; i++) {
            layouts[i] = switch (args[i]) {
                case MemorySegment m -> ADDRESS;
                case Long l -> JAVA_LONG;
                case Integer n -> JAVA_INT;
                case Float f -> JAVA_FLOAT;
                default -> throw new IllegalArgumentException("argument " + args[i]);
            };
        }
        try {
            Linker.nativeLinker().downcallHandle(kernels.find(kernel).orElseThrow(), FunctionDescriptor.ofVoid(layouts)).invokeWithArguments(args);
        } catch (Throwable t) {
            throw new AssertionError("calling " + kernel, t);
        }
    }

    private static MemorySegment native_(float[] values) {
        return arena.allocateFrom(JAVA_FLOAT, values);
    }

    private static float[] floats(MemorySegment m) {
        return m.toArray(JAVA_FLOAT);
    }

    private float[] randoms(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) random.nextDouble(-1, 1);
        return v;
    }

    private static Tensor host(Shape s, float[] v) {
        return new HostTensor(s, v.clone());
    }

    private static float[] data(Tensor t) {
        return ((HostTensor) t).data();
    }

    @Test
    void reluAndItsGradientAreJavasMaxAndMask() {
        float[] x = randoms(64);
        x[0] = Float.NaN;
        x[1] = -0f;
        MemorySegment xs = native_(x), ys = native_(new float[64]);
        call("relu", xs, ys, 64L);
        Tensor expected = host(Shape.of(64), new float[64]);
        ref.relu(host(Shape.of(64), x), expected);
        assertThat(floats(ys)).containsExactly(data(expected));
        float[] dy = randoms(64);
        MemorySegment dx = native_(new float[64]);
        call("relu_backward", ys, native_(dy), dx, 64L);
        Tensor dxRef = host(Shape.of(64), new float[64]);
        ref.reluBackward(expected, host(Shape.of(64), dy), dxRef);
        assertThat(floats(dx)).containsExactly(data(dxRef));
    }

    @Test
    void biasThenReluAddsOneBiasPerChannel() {
        Shape s = Shape.of(2, 3, 4, 5);
        float[] y = randoms(120), b = randoms(3);
        MemorySegment ys = native_(y);
        call("bias_act", ys, native_(b), 3, 20L, 120L, 1);
        float[] got = floats(ys);
        for (int i = 0; i < 120; i++) assertThat(got[i]).isEqualTo(Math.max(0f, y[i] + b[(i / 20) % 3]));
        assertThat(s.size()).isEqualTo(120);
    }

    @Test
    void maxPoolingRoutesToTheFirstMaximumAsTheReference() {
        // any window and stride, planes the windows do not cover to the edge, ties (as after a ReLU), -0 beside +0,
        // and a NaN now and then (the reference keeps a window's first element when it is NaN)
        forAll(integers().between(1, 4), integers().between(1, 3), integers().between(0, 3), longs().all()).tries(60)
                .check((k, stride, extra, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int h = k + extra + r.nextInt(6), w = k + r.nextInt(9), nc = 1 + r.nextInt(3);
                    int oh = (h - k) / stride + 1, ow = (w - k) / stride + 1;
                    Shape s = Shape.of(1, nc, h, w), o = Shape.of(1, nc, oh, ow);
                    float[] x = new float[(int) s.size()];
                    for (int i = 0; i < x.length; i++) {
                        int kind = r.nextInt(20);
                        x[i] = kind == 0 ? Float.NaN : kind == 1 ? -0f : Math.max(0, r.nextInt(-2, 3)) / 2f;
                    }
                    MemorySegment xs = native_(x), ys = native_(new float[(int) o.size()]);
                    call("maxpool_forward", xs, ys, (long) nc, h, w, oh, ow, k, stride);
                    Tensor yRef = host(o, new float[(int) o.size()]);
                    ref.maxPool2d(host(s, x), k, stride, yRef);
                    assertThat(floats(ys)).as("forward").containsExactly(data(yRef));
                    float[] dy = new float[(int) o.size()];
                    for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextDouble(-1, 1);
                    MemorySegment dx = native_(new float[(int) s.size()]);
                    call("maxpool_backward", xs, ys, native_(dy), dx, (long) nc, h, w, oh, ow, k, stride, 0);
                    Tensor dxRef = host(s, new float[(int) s.size()]);
                    ref.maxPool2dBackward(host(s, x), yRef, host(o, dy), k, stride, dxRef);
                    assertThat(floats(dx)).as("backward").containsExactly(data(dxRef));
                    // with the mask of the ReLU whose output x is, in the same pass
                    call("maxpool_backward", xs, ys, native_(dy), dx, (long) nc, h, w, oh, ow, k, stride, 1);
                    ref.reluBackward(host(s, x), dxRef, dxRef);
                    assertThat(floats(dx)).as("backward through the ReLU").containsExactly(data(dxRef));
                });
    }

    @Test
    void theBiasGradientAddsEachChannelOverBatchAndPlane() {
        forAll(integers().between(1, 12), integers().between(1, 5), integers().between(1, 40), longs().all()).tries(40)
                .check((channels, n, hw, seed) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    float[] dy = new float[channels * n * hw];
                    for (int i = 0; i < dy.length; i++) dy[i] = (float) r.nextDouble(-1, 1);
                    int parts = 1 + r.nextInt(7);
                    MemorySegment partial = arena.allocate(8L * channels * parts, 8), db = native_(new float[channels]);
                    for (int b = 0; b < channels * parts; b++) {  // one call per block, as the grid would run them
                        call("set_block", b);
                        call("bias_grad_partial", native_(dy), channels, (long) hw, (long) n * hw, parts, partial);
                    }
                    call("set_block", 0);
                    call("bias_grad_final", partial, channels, parts, db);
                    // the reference adds in double in another order: the float results may differ by the double
                    // sums' rounding, n*hw*2^-53 of the sum of magnitudes, and then by one rounding to float
                    Shape x = Shape.of(n, 1, hw, 1);
                    Tensor dw = host(Shape.of(channels, 1, 1, 1), new float[channels]), dbRef = host(Shape.of(channels), new float[channels]);
                    ref.conv2dBackwardFilter(host(x, new float[n * hw]), host(Shape.of(n, channels, hw, 1), dy), 1, 0, dw, dbRef);
                    float[] got = floats(db);
                    for (int c = 0; c < channels; c++) {
                        double magnitude = 0;
                        for (int i = 0; i < n; i++) for (int j = 0; j < hw; j++) magnitude += Math.abs(dy[(i * channels + c) * hw + j]);
                        float want = data(dbRef)[c];
                        double bound = Math.ulp(want) + 2.0 * n * hw * Math.scalb(magnitude, -53);
                        assertThat((double) got[c]).as("channel %d of %d, %d parts", c, channels, parts).isCloseTo(want, within(bound));
                    }
                });
    }

    // tag::dropout-test[]
    @Test
    void dropoutDrawsDropoutMaskBitForBit() {
        for (long seed : new long[]{0, 42, -7_000_000_000L, Long.MIN_VALUE}) {
            for (float p : new float[]{0.5f, 0.3f}) {
                int n = 5000;
                float[] x = randoms(n);
                MemorySegment mask = native_(new float[n]), y = native_(new float[n]);
                call("dropout", native_(x), mask, y, (long) n, seed, p);
                Tensor maskRef = host(Shape.of(n), new float[n]), yRef = host(Shape.of(n), new float[n]);
                ref.dropout(host(Shape.of(n), x), p, seed, maskRef, yRef);
                assertThat(floats(mask)).as("mask, seed " + seed + " p " + p).containsExactly(data(maskRef));
                assertThat(floats(y)).containsExactly(data(yRef));
            }
        }
    }
    // end::dropout-test[]

    @Test
    void globalAveragePoolingAndItsGradient() {
        Shape s = Shape.of(3, 10, 5, 5), o = Shape.of(3, 10, 1, 1);
        float[] x = randoms(750);
        MemorySegment y = native_(new float[30]);
        call("gap_forward", native_(x), y, 30L, 25);
        Tensor yRef = host(o, new float[30]);
        ref.globalAvgPool(host(s, x), yRef);
        assertThat(floats(y)).containsExactly(data(yRef));
        float[] dy = randoms(30);
        MemorySegment dx = native_(new float[750]);
        call("gap_backward", native_(dy), dx, 30L, 25);
        Tensor dxRef = host(s, new float[750]);
        ref.globalAvgPoolBackward(host(o, dy), dxRef);
        assertThat(floats(dx)).containsExactly(data(dxRef));
    }

    @Test
    void softmaxCrossEntropyAddsLossAndCorrectCountAndWritesTheGradient() {
        int n = 37, k = 10;
        float[] z = randoms(n * k), labels = new float[n];
        for (int i = 0; i < n; i++) labels[i] = random.nextInt(k);
        z[5] = z[7];
        MemorySegment dz = native_(new float[n * k]), stats = native_(new float[]{1.5f, 2f});
        call("softmax_xent", native_(z), native_(labels), dz, stats, n, k);
        Tensor dzRef = host(Shape.of(n, k), new float[n * k]), statsRef = host(Shape.of(2), new float[]{1.5f, 2f});
        ref.softmaxCrossEntropy(host(Shape.of(n, k), z), host(Shape.of(n), labels), dzRef, statsRef);
        assertThat(floats(stats)).containsExactly(data(statsRef));
        assertThat(floats(dz)).containsExactly(data(dzRef));
        call("softmax_xent", native_(z), native_(labels), MemorySegment.NULL, stats, n, k);
        ref.softmaxCrossEntropy(host(Shape.of(n, k), z), host(Shape.of(n), labels), null, statsRef);
        assertThat(floats(stats)).containsExactly(data(statsRef));
    }

    @Test
    void sgdRoundsTheProductThenTheDifferenceAsJava() {
        float[] w = randoms(1000), dw = randoms(1000);
        MemorySegment ws = native_(w);
        call("sgd", ws, native_(dw), 0.1f, 1000L);
        Tensor wRef = host(Shape.of(1000), w);
        ref.sgdStep(wRef, host(Shape.of(1000), dw), 0.1f);
        assertThat(floats(ws)).containsExactly(data(wRef));
    }

    @Test
    void momentumSgdRepeatsTheReferenceArithmetic() {
        float[][] cases = {{0.1f, 0.9f, 0f}, {0.05f, 0.9f, 5e-4f}, {0.1f, 0f, 1e-2f}};  // lr, momentum, weight decay
        for (float[] c : cases) {
            float[] w = randoms(1000), dw = randoms(1000), v = randoms(1000);
            boolean withVelocity = c[1] > 0;
            MemorySegment ws = native_(w), vs = withVelocity ? native_(v) : MemorySegment.NULL;
            Tensor wRef = host(Shape.of(1000), w), vRef = withVelocity ? host(Shape.of(1000), v) : null;
            for (int step = 0; step < 3; step++) {
                call("sgd_momentum", ws, native_(dw), vs, c[0], c[1], c[2], 1000L);
                ref.sgdMomentumStep(wRef, host(Shape.of(1000), dw), vRef, c[0], c[1], c[2]);
            }
            assertThat(floats(ws)).as("w, lr %s momentum %s decay %s", c[0], c[1], c[2]).containsExactly(data(wRef));
            if (withVelocity) assertThat(floats(vs)).as("velocity").containsExactly(data(vRef));
        }
    }

    @Test
    void bilinearResizeRepeatsTheReferenceArithmetic() {
        int[][] cases = {{2, 1, 28, 28, 224, 224}, {2, 1, 28, 28, 67, 67}, {3, 2, 10, 7, 4, 5}};
        for (int[] c : cases) {
            Shape s = Shape.of(c[0], c[1], c[2], c[3]), d = Shape.of(c[0], c[1], c[4], c[5]);
            float[] src = randoms((int) s.size());
            MemorySegment dst = native_(new float[(int) d.size()]);
            call("resize_bilinear", native_(src), dst, (long) c[0] * c[1], c[2], c[3], c[4], c[5]);
            Tensor dRef = host(d, new float[(int) d.size()]);
            ref.resizeBilinear(host(s, src), dRef);
            assertThat(floats(dst)).as("resize " + s + " to " + d).containsExactly(data(dRef));
        }
    }

    @Test
    void sumOfSquaresAndFill() {
        float[] x = randoms(3000);
        MemorySegment partial = arena.allocate(8 * 1024, 8), out = arena.allocate(8, 8);
        call("sumsq_partial", native_(x), 3000L, partial);
        call("sumsq_final", partial, 1, out);
        assertThat(out.get(ValueLayout.JAVA_DOUBLE, 0)).isEqualTo(ref.sumOfSquares(host(Shape.of(3000), x)));
        MemorySegment t = native_(x);
        call("fill", t, 0.25f, 3000L);
        for (float v : floats(t)) assertThat(v).isEqualTo(0.25f);
        float[] a = randoms(100), b = randoms(100);
        MemorySegment product = native_(new float[100]);
        call("multiply", native_(a), native_(b), product, 100L);
        Tensor pRef = host(Shape.of(100), new float[100]);
        ref.dropoutBackward(host(Shape.of(100), a), host(Shape.of(100), b), pRef);
        assertThat(floats(product)).containsExactly(data(pRef));
    }
}
