package dev.nin.engine.cpu;

import dev.nin.engine.Backend;
import dev.nin.engine.DropoutMask;
import dev.nin.engine.Tensor;
import dev.nin.engine.reference.ReferenceBackend;
import dev.nin.model.Shape;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CPU engine: ND4J's arrays, with the convolutions and ReLU's backward pass as oneDNN primitives called directly
 * ({@link OneDnnConvolutions}, {@link OneDnnRelu}: Debian's libdnnl.so.2 through java.lang.foreign), every other
 * operation as one call of a libnd4j native op (max pooling runs in libnd4j's own oneDNN), or as a plain loop over the
 * tensor's memory where the tensor is small (dropout's mask, global average pooling, the loss). Without
 * libdnnl.so.2, or with NIN_CPU_KERNELS=libnd4j, the convolutions run in libnd4j as well. Tensors are C-ordered
 * float32 {@link INDArray}s that the caller preallocates; every op writes into them, so a training step allocates
 * nothing but the short-lived buffers libnd4j uses inside an op.
 */
public final class Nd4jBackend implements Backend {

    /** An ND4J array with the shape the rest of the program sees. Views share the array's memory. */
    public record NdTensor(Shape shape, INDArray array) implements Tensor {
    }

    /** libnd4j's data-format flag: 0 = NCHW (our layout). */
    private static final int NCHW = 0;
    /** libnd4j's weight-format flag: 1 = [oC, iC, kH, kW], PyTorch's OIHW, the contract's layout. */
    private static final int OIHW = 1;

    /** OMP_WAIT_POLICY as set before ND4J loads libgomp (see {@link OpenMpWaiting}). */
    private static final String OMP_WAIT_POLICY = OpenMpWaiting.preferPassive();

    /** Arrays an op needs as an output but the caller does not want, one per shape, reused across calls. */
    private final Map<List<Integer>, INDArray> scratch = new HashMap<>();

    /** The convolutions and ReLU's backward called in oneDNN directly, or null to leave them to libnd4j (see {@link #KERNELS}). */
    private final OneDnnConvolutions direct;
    private final OneDnnRelu directRelu;
    private final String convolutions;

    /**
     * Which library runs the convolutions and ReLU's backward: {@code onednn} (oneDNN's primitives called directly,
     * the default when libdnnl.so.2 loads) or {@code libnd4j} (its ops, as before; the fallback). Environment
     * variable NIN_CPU_KERNELS, or system property nin.cpu.kernels.
     */
    public static final String KERNELS = "NIN_CPU_KERNELS";

    public Nd4jBackend() {
        this(System.getProperty("nin.cpu.kernels", System.getenv().getOrDefault(KERNELS, "onednn")));
    }

    /** @param convolutions "onednn" or "libnd4j": the library of the convolutions and ReLU's backward (see {@link #KERNELS}) */
    public Nd4jBackend(String convolutions) {
        if (!convolutions.equals("onednn") && !convolutions.equals("libnd4j")) {
            throw new IllegalArgumentException(KERNELS + " must be onednn or libnd4j, got '" + convolutions + "'");
        }
        OneDnn dnn = convolutions.equals("onednn") ? OneDnn.get() : null;
        this.direct = dnn == null ? null : new OneDnnConvolutions(dnn);
        this.directRelu = dnn == null ? null : new OneDnnRelu(dnn);
        this.convolutions = dnn == null ? "libnd4j" : "oneDNN " + dnn.version() + " (libdnnl.so.2, called directly)";
        if (!hasOneDnn()) {
            // the plain nd4j-native jar is ~4x slower for convolutions; say so rather than run slowly
            System.err.println("warning: libnd4j was built without oneDNN; check the nd4j-native classifier in pom.xml");
        }
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String device() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpuModel();
    }

    @Override
    public Map<String, String> provenance() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("nd4j", Nd4j.class.getPackage().getImplementationVersion() == null
                ? "1.0.0-M2.1" : Nd4j.class.getPackage().getImplementationVersion());
        p.put("nd4j.backend", Nd4j.getBackend().getClass().getSimpleName());
        p.put("onednn", String.valueOf(hasOneDnn()));
        p.put("convolutions", convolutions);
        Object omp = Nd4j.getExecutioner().getEnvironmentInformation().get("omp.threads");
        p.put("omp.threads", String.valueOf(omp));
        p.put("omp.wait_policy", String.valueOf(OMP_WAIT_POLICY));
        p.put("malloc", "MALLOC_ARENA_MAX=" + System.getenv("MALLOC_ARENA_MAX") + " GLIBC_TUNABLES=" + System.getenv("GLIBC_TUNABLES"));
        p.put("blas", String.valueOf(Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor")));
        p.put("java", Runtime.version().toString());
        return p;
    }

    /** True when libnd4j was built with oneDNN ("HAVE_ONEDNN" in its build information). */
    public static boolean hasOneDnn() {
        return buildInfo().contains("HAVE_ONEDNN");
    }

    /** libnd4j's build information: compiler, engines, helpers. */
    public static String buildInfo() {
        Nd4j.getExecutioner(); // loads the backend first: NativeOpsHolder reads the backend's configuration
        return org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
    }

    // ---------------------------------------------------------------- memory

    /**
     * A row-major (N, C, H, W) array over data from offset. (Keeping images channels-last behind NCHW strides
     * was measured too: oneDNN's forward convolutions then skip their reorders, but libnd4j's backward
     * convolutions and pooling on such strided arrays ran slower, 1.48 against 1.14 s of CPU per NiN step
     * at 96×96×128 on one thread, so plain NCHW stays.)
     */
    private static INDArray over(DataBuffer data, long offset, Shape shape) {
        long[] dims = longs(shape);
        return Nd4j.create(data, dims, Nd4j.getStrides(dims, 'c'), offset, 'c');
    }

    @Override
    public Tensor allocate(Shape shape) {
        return new NdTensor(shape, over(Nd4j.create(DataType.FLOAT, new long[]{shape.size()}, 'c').data(), 0, shape));
    }

    /** A new header over the same buffer (a prefix when the shape is smaller, see Backend.view). */
    @Override
    public Tensor view(Tensor t, Shape shape) {
        if (shape.size() > t.size()) throw new IllegalArgumentException("cannot view " + t.shape() + " as the larger " + shape);
        return new NdTensor(shape, over(arr(t).data(), arr(t).offset(), shape));
    }

    @Override
    public void upload(float[] src, Tensor dst) {
        if (src.length < dst.size()) throw new IllegalArgumentException("upload: " + src.length + " values for " + dst.shape());
        buf(dst).put(src, 0, (int) dst.size());
    }

    @Override
    public void download(Tensor src, float[] dst) {
        if (dst.length < src.size()) throw new IllegalArgumentException("download: " + dst.length + " slots for " + src.shape());
        buf(src).get(dst, 0, (int) src.size());
    }

    @Override
    public void fill(Tensor t, float value) {
        flat(t).assign(value);
    }

    // ---------------------------------------------------------------- convolution

    @Override
    public void conv2dForward(Tensor x, Tensor w, Tensor b, int stride, int padding, Tensor y) {
        if (direct != null) {
            direct.forward(address(x), x.shape(), address(w), w.shape(), address(b), stride, padding, false, address(y), y.shape());
            return;
        }
        int k = w.shape().dim(2), n = x.shape().dim(0), step = imagesPerCall(x.shape(), y.shape());
        for (int from = 0; from < n; from += step) {
            int to = Math.min(n, from + step);
            Nd4j.exec(DynamicCustomOp.builder("conv2d")
                    .addInputs(images(arr(x), from, to, n), arr(w), arr(b))
                    .addOutputs(images(arr(y), from, to, n))
                    .addIntegerArguments(convArgs(k, stride, padding))
                    .build());
        }
    }

    @Override
    public void conv2dBiasReluForward(Tensor x, Tensor w, Tensor b, int stride, int padding, Tensor y) {
        if (direct != null) {
            direct.forward(address(x), x.shape(), address(w), w.shape(), address(b), stride, padding, true, address(y), y.shape());
            return;
        }
        conv2dForward(x, w, b, stride, padding, y);
        relu(y, y);
    }

    /**
     * With dx wanted, conv2d_bp computes the data and filter gradients in one call, sharing oneDNN's reorders
     * of dy. Without it (the first layer), conv2d_bp would still compute dx, which for NiN's 11×11/4
     * convolution of a one-channel image costs more than the rest of that layer's step; the filter gradient
     * alone comes from {@link #conv2dBackwardFilter}.
     */
    @Override
    public void conv2dBackward(Tensor x, Tensor w, Tensor dy, int stride, int padding, Tensor dx, Tensor dw, Tensor db) {
        if (direct != null) {
            direct.backward(address(x), x.shape(), address(w), w.shape(), address(dy), dy.shape(), stride, padding,
                    dx == null ? 0 : address(dx), address(dw), address(db));
            return;
        }
        if (dx == null) {
            conv2dBackwardFilter(x, dy, stride, padding, dw, db);
            return;
        }
        int k = w.shape().dim(2), n = x.shape().dim(0), step = imagesPerCall(x.shape(), dy.shape());
        for (int from = 0; from < n; from += step) {
            int to = Math.min(n, from + step);
            boolean first = from == 0;
            INDArray gw = first ? arr(dw) : scratch(w.shape(), 3), gb = first ? arr(db) : scratch(db.shape(), 3);
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(images(arr(x), from, to, n), arr(w), scratch(Shape.of(w.shape().dim(0))), images(arr(dy), from, to, n))
                    .addOutputs(images(arr(dx), from, to, n), gw, gb)
                    .addIntegerArguments(convArgs(k, stride, padding))
                    .build());
            if (!first) {
                flat(arr(dw)).addi(flat(gw));
                flat(arr(db)).addi(flat(gb));
            }
        }
    }

    /**
     * Images per convolution call: all of them, unless the largest array of a call would exceed 16 MB.
     * oneDNN reorders its arrays into fresh scratch copies inside each call; for NiN's first block at
     * 224×224 a whole batch of 128 makes several 143 MB copies per call, which malloc maps and unmaps each
     * time (page faults on every touch) and which add to the peak. Copies under malloc's 32 MB mapping
     * threshold come from its reused heap instead (and the direct oneDNN path's shared copies stay as small).
     * The filter gradients of the slices add up. Slices are as even as they can be: 128 images that fit 90 at a
     * time go as 64 + 64, not 90 + 38 (a small last slice runs at a small slice's lower speed).
     */
    static int imagesPerCall(Shape a, Shape b) {
        long perImage = Math.max(a.size(), b.size()) / a.dim(0);
        int n = a.dim(0), most = (int) Math.max(1, Math.min(n, (4L << 20) / perImage));
        int slices = (n + most - 1) / most;
        return (n + slices - 1) / slices;
    }

    /** Images [from, to) of a batch, as a view (the whole array when that is all of it). */
    private static INDArray images(INDArray a, int from, int to, int n) {
        if (from == 0 && to == n) return a;
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /**
     * A convolution's data gradient is the transposed convolution (deconv2d) of dy with the same OIHW weights,
     * read by deconv2d as [its iC, its oC, kH, kW]. Input rows and columns that no window reaches (when the
     * stride does not divide the size) get zero. Where deconv2d's symmetric padding cannot describe the
     * geometry, conv2d_bp computes it (with a wasted filter gradient).
     */
    @Override
    public void conv2dBackwardData(Tensor dy, Tensor w, int stride, int padding, Tensor dx) {
        int k = w.shape().dim(2);
        INDArray reached = reached(arr(dx), dy.shape(), k, stride, padding);
        if (reached == null) {
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(scratch(dx.shape()), arr(w), scratch(Shape.of(w.shape().dim(0))), arr(dy))
                    .addOutputs(arr(dx), scratch(w.shape(), 1), scratch(Shape.of(w.shape().dim(0)), 1))
                    .addIntegerArguments(convArgs(k, stride, padding))
                    .build());
            return;
        }
        if (reached != arr(dx)) arr(dx).assign(0);
        Nd4j.exec(DynamicCustomOp.builder("deconv2d")
                .addInputs(arr(dy), arr(w))
                .addOutputs(reached)
                .addIntegerArguments(convArgs(k, stride, padding))
                .build());
    }

    /**
     * The filter gradient of a convolution is the filter gradient of the transposed convolution that maps dy
     * back onto x: deconv2d_bp with dy as its input and x as its output gradient. Its other output, the
     * gradient for dy, is a cheap forward convolution, unlike conv2d_bp's data gradient. db = Σ dy over
     * batch and pixels.
     */
    @Override
    public void conv2dBackwardFilter(Tensor x, Tensor dy, int stride, int padding, Tensor dw, Tensor db) {
        int k = dw.shape().dim(2);
        INDArray reached = reached(arr(x), dy.shape(), k, stride, padding);
        if (reached == null) {
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(arr(x), scratch(dw.shape()), scratch(db.shape()), arr(dy))
                    .addOutputs(scratch(x.shape(), 1), arr(dw), arr(db))
                    .addIntegerArguments(convArgs(k, stride, padding))
                    .build());
            return;
        }
        int n = x.shape().dim(0), step = imagesPerCall(x.shape(), dy.shape());
        for (int from = 0; from < n; from += step) {
            int to = Math.min(n, from + step);
            INDArray gw = from == 0 ? arr(dw) : scratch(dw.shape(), 3);
            Nd4j.exec(DynamicCustomOp.builder("deconv2d_bp")
                    .addInputs(images(arr(dy), from, to, n), scratch(dw.shape()), images(reached, from, to, n))
                    .addOutputs(scratch(dy.shape().withBatch(to - from)), gw)
                    .addIntegerArguments(convArgs(k, stride, padding))
                    .build());
            if (from > 0) flat(arr(dw)).addi(flat(gw));
        }
        arr(dy).sum(arr(db), 0, 2, 3);
    }

    /**
     * The part of a convolution's input that deconv2d's output stands for: the whole input, or its top-left
     * corner when unpadded windows stop short of the last rows or columns; null when padding and a stride
     * that does not divide the size make the two disagree (deconv2d pads both sides alike).
     */
    private static INDArray reached(INDArray input, Shape out, int k, int stride, int padding) {
        long h = (out.dim(2) - 1L) * stride + k - 2L * padding, w = (out.dim(3) - 1L) * stride + k - 2L * padding;
        if (h == input.size(2) && w == input.size(3)) return input;
        if (padding > 0) return null;
        return input.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, h), NDArrayIndex.interval(0, w));
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, same-mode, data format, weight format (libnd4j conv2d.cpp). */
    private static int[] convArgs(int k, int stride, int padding) {
        return new int[]{k, k, stride, stride, padding, padding, 1, 1, 0, NCHW, OIHW};
    }

    // ---------------------------------------------------------------- activations

    @Override
    public void relu(Tensor x, Tensor y) {
        Nd4j.exec(new RectifiedLinear(flat(x), flat(y), 0.0));
    }

    /**
     * dx = dy · step(y), chunk by chunk through a small reused mask: libnd4j's relu_bp does the same in one
     * call but measured three times slower (19.8 against 7 ms for NiN's 128×96×22×22 activations, one
     * thread), and a whole-size mask would cost as much memory as the activation.
     */
    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        if (directRelu != null) {
            directRelu.backward(address(y), address(dy), address(dx), y.size());
            return;
        }
        INDArray Y = flat(y), DY = flat(dy), DX = flat(dx);
        long n = Y.length();
        for (long from = 0; from < n; from += CHUNK) {
            long to = Math.min(n, from + CHUNK);
            INDArray mask = to - from == CHUNK ? chunkMask() : chunkMask().get(NDArrayIndex.interval(0, to - from));
            Nd4j.exec(new Step(chunk(Y, from, to, n), mask, 0.0));
            Nd4j.exec(new MulOp(chunk(DY, from, to, n), mask, chunk(DX, from, to, n)));
        }
    }

    /** Elements per chunk of element-wise work that needs a temporary: 4 MB, cache-sized. */
    private static final long CHUNK = 1 << 20;

    private INDArray chunkMask() {
        return scratch(Shape.of((int) CHUNK), 2);
    }

    private static INDArray chunk(INDArray flat, long from, long to, long n) {
        return from == 0 && to == n ? flat : flat.get(NDArrayIndex.interval(from, to));
    }

    /** The tensor's elements as one row-major vector over the same memory (tensors are always contiguous). */
    private static INDArray flat(Tensor t) {
        return flat(arr(t));
    }

    /** A contiguous array's elements as a vector over the same memory. */
    private static INDArray flat(INDArray a) {
        return a.rank() == 1 ? a : Nd4j.create(a.data(), new long[]{a.length()}, new long[]{1}, a.offset(), 'c');
    }

    // ---------------------------------------------------------------- pooling

    @Override
    public void maxPool2d(Tensor x, int kernel, int stride, Tensor y) {
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d")
                .addInputs(arr(x))
                .addOutputs(arr(y))
                .addIntegerArguments(poolArgs(kernel, stride))
                .build());
    }

    @Override
    public void maxPool2dBackward(Tensor x, Tensor y, Tensor dy, int kernel, int stride, Tensor dx) {
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp")
                .addInputs(arr(x), arr(dy))
                .addOutputs(arr(dx))
                .addIntegerArguments(poolArgs(kernel, stride))
                .build());
    }

    /** kH, kW, sH, sW, pH, pW, dH, dW, same-mode, extra (unused by max pooling), data format 0 = NCHW. */
    private static int[] poolArgs(int kernel, int stride) {
        return new int[]{kernel, kernel, stride, stride, 0, 0, 1, 1, 0, 0, NCHW};
    }

    @Override
    public void globalAvgPool(Tensor x, Tensor y) {
        int nc = x.shape().dim(0) * x.shape().dim(1), hw = x.shape().dim(2) * x.shape().dim(3);
        float[] X = new float[(int) x.size()], Y = new float[nc]; // small: NiN pools 10 channels of 5×5 at most
        download(x, X);
        for (int m = 0; m < nc; m++) {
            double s = 0;
            for (int i = 0; i < hw; i++) s += X[m * hw + i];
            Y[m] = (float) (s / hw);
        }
        upload(Y, y);
    }

    @Override
    public void globalAvgPoolBackward(Tensor dy, Tensor dx) {
        int nc = dx.shape().dim(0) * dx.shape().dim(1), hw = dx.shape().dim(2) * dx.shape().dim(3);
        float[] DY = new float[nc], DX = new float[(int) dx.size()];
        download(dy, DY);
        for (int m = 0; m < nc; m++) {
            float g = DY[m] / hw;
            for (int i = 0; i < hw; i++) DX[m * hw + i] = g;
        }
        upload(DX, dx);
    }

    // ---------------------------------------------------------------- dropout

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        float[] M = new float[(int) mask.size()];
        for (int i = 0; i < M.length; i++) M[i] = DropoutMask.value(seed, i, p);
        upload(M, mask);
        Nd4j.exec(new MulOp(flat(x), flat(mask), flat(y)));
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {
        Nd4j.exec(new MulOp(flat(dy), flat(mask), flat(dx)));
    }

    // ---------------------------------------------------------------- loss and update

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor dlogits, Tensor stats) {
        int n = logits.shape().dim(0), k = (int) (logits.size() / n);
        // (N, K) floats, a few thousand: copied out and back
        float[] Z = new float[n * k], L = new float[n], S = new float[2], D = dlogits == null ? null : new float[n * k];
        download(logits, Z);
        download(labels, L);
        download(stats, S);
        ReferenceBackend.softmaxCrossEntropy(Z, L, n, k, D, S);
        upload(S, stats);
        if (D != null) upload(D, dlogits);
    }

    @Override
    public void sgdStep(Tensor w, Tensor dw, float lr) {
        // BLAS axpy: w += (-lr) · dw, in place
        Nd4j.getBlasWrapper().level1().axpy(w.size(), -lr, flat(dw), flat(w));
    }

    @Override
    public void sgdMomentumStep(Tensor w, Tensor dw, Tensor velocity, float lr, float momentum, float weightDecay) {
        Backend.requireMomentumArguments(w, dw, velocity, momentum);
        // one pass in Java over the three buffers, operation for operation as the reference (no BLAS, whose fused
        // multiply-adds would round differently): a few milliseconds for NiN's two million parameters, against a
        // training step of a tenth of a second or more
        FloatBuffer W = buf(w), G = buf(dw), V = velocity == null ? null : buf(velocity);
        int n = (int) w.size();
        for (int i = 0; i < n; i++) {
            float d = weightDecay == 0 ? G.get(i) : G.get(i) + weightDecay * W.get(i);
            if (V != null) {
                d = momentum * V.get(i) + d;
                V.put(i, d);
            }
            W.put(i, W.get(i) - lr * d);
        }
    }

    @Override
    public void resizeBilinear(Tensor src, Tensor dst) {
        int nc = src.shape().dim(0) * src.shape().dim(1), h = src.shape().dim(2), w = src.shape().dim(3);
        int oh = dst.shape().dim(2), ow = dst.shape().dim(3);
        resize(buf(src), buf(dst), nc, h, w, oh, ow);
    }

    private static void resize(FloatBuffer S, FloatBuffer D, int nc, int h, int w, int oh, int ow) {
        // the horizontal taps are the same for every row and image: compute them once
        int[] x0 = new int[ow], x1 = new int[ow];
        float[] fx = new float[ow];
        for (int j = 0; j < ow; j++) {
            double sx = Math.max(0, (j + 0.5) * w / ow - 0.5);
            x0[j] = Math.min((int) sx, w - 1);
            x1[j] = Math.min(x0[j] + 1, w - 1);
            fx[j] = (float) (sx - x0[j]);
        }
        for (int i = 0; i < oh; i++) {
            double sy = Math.max(0, (i + 0.5) * h / oh - 0.5);
            int y0 = Math.min((int) sy, h - 1), y1 = Math.min(y0 + 1, h - 1);
            float fy = (float) (sy - y0);
            for (int m = 0; m < nc; m++) {
                int base = m * h * w, out = (m * oh + i) * ow;
                for (int j = 0; j < ow; j++) {
                    float top = S.get(base + y0 * w + x0[j]) * (1 - fx[j]) + S.get(base + y0 * w + x1[j]) * fx[j];
                    float bottom = S.get(base + y1 * w + x0[j]) * (1 - fx[j]) + S.get(base + y1 * w + x1[j]) * fx[j];
                    D.put(out + j, top * (1 - fy) + bottom * fy);
                }
            }
        }
    }

    @Override
    public void scale(Tensor t, float c) {
        flat(t).muli(c);
    }

    @Override
    public double sumOfSquares(Tensor t) {
        double norm = flat(t).norm2Number().doubleValue();
        return norm * norm;
    }

    // ---------------------------------------------------------------- bookkeeping

    /** The peak resident set of this process (VmHWM): Java heap, ND4J's off-heap arrays and oneDNN's buffers. */
    @Override
    public long peakMemoryBytes() {
        return procStatusBytes("VmHWM:");
    }

    /** Bytes ND4J holds off the Java heap now (JavaCPP's count of its native allocations). */
    public static long offHeapBytes() {
        return org.bytedeco.javacpp.Pointer.totalBytes();
    }

    static long procStatusBytes(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] parts = line.substring(key.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return -1;
    }

    @Override
    public void close() {
        scratch.clear();
    }

    // ---------------------------------------------------------------- helpers

    static INDArray arr(Tensor t) {
        return ((NdTensor) t).array();
    }

    /** The native address of the tensor's first element (tensors are contiguous). */
    private static long address(Tensor t) {
        INDArray a = arr(t);
        return a.data().address() + a.offset() * Float.BYTES;
    }

    private static FloatBuffer buf(Tensor t) {
        INDArray a = arr(t);
        return a.data().asNioFloat().position((int) a.offset()).slice();
    }

    private static long[] longs(Shape s) {
        return Arrays.stream(s.dims()).asLongStream().toArray();
    }

    private INDArray scratch(Shape shape) {
        return scratch(shape, 0);
    }

    /** A reused array of this shape; {@code slot} tells apart two scratch arrays of one shape in one op. */
    private INDArray scratch(Shape shape, int slot) {
        List<Integer> key = new java.util.ArrayList<>(Arrays.stream(shape.dims()).boxed().toList());
        key.add(-1 - slot);
        return scratch.computeIfAbsent(List.copyOf(key), k -> arr(allocate(shape)));
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.arch");
    }
}
