package dev.nin.engine.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The kernels of {@code kernels.cu}, compiled once by NVRTC for this GPU and launched through the driver.
 * A launch is written as {@code kernels.start(Kernel.RELU).ptr(x).ptr(y).i64(n).launchOver(n)}: the
 * arguments go into one preallocated parameter block, so a launch allocates nothing.
 */
final class Kernels implements AutoCloseable {
    static final int THREADS = 256;
    private static final int MAX_BLOCKS = 1 << 20;
    private static final int MAX_ARGS = 16;

    enum Kernel {
        FILL("fill"), RELU("relu"), RELU_BACKWARD("relu_backward"), BIAS_ACT("bias_act"),
        MAXPOOL_FORWARD("maxpool_forward"), MAXPOOL_BACKWARD("maxpool_backward"), DROPOUT("dropout"), MULTIPLY("multiply"),
        GAP_FORWARD("gap_forward"), GAP_BACKWARD("gap_backward"), SOFTMAX_XENT("softmax_xent"), SGD("sgd"), SGD_MOMENTUM("sgd_momentum"),
        RESIZE_BILINEAR("resize_bilinear"), SUMSQ_PARTIAL("sumsq_partial"), SUMSQ_FINAL("sumsq_final"),
        BIAS_GRAD_PARTIAL("bias_grad_partial"), BIAS_GRAD_FINAL("bias_grad_final");

        final String symbol;

        Kernel(String symbol) {
            this.symbol = symbol;
        }
    }

    private final CudaDriver driver;
    private final MemorySegment module;
    private final MemorySegment[] functions = new MemorySegment[Kernel.values().length];
    private final MemorySegment values, pointers;
    private MemorySegment stream;
    private Kernel current;
    private int count;

    Kernels(CudaDriver driver, byte[] cubin, Arena arena) {
        this.driver = driver;
        MemorySegment image = arena.allocate(cubin.length + 1L, 16);
        MemorySegment.copy(MemorySegment.ofArray(cubin), 0, image, 0, cubin.length);
        module = driver.loadModule(image);
        for (Kernel k : Kernel.values()) functions[k.ordinal()] = driver.function(module, k.symbol);
        values = arena.allocate(8L * MAX_ARGS, 8);
        pointers = arena.allocate(ADDRESS, MAX_ARGS);
        for (int i = 0; i < MAX_ARGS; i++) pointers.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
    }

    /** The kernels' CUDA C source, shipped as a resource next to this class. */
    static String source() {
        try (InputStream in = Kernels.class.getResourceAsStream("kernels.cu")) {
            if (in == null) throw new IllegalStateException("resource dev/nin/engine/gpu/kernels.cu is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void useStream(MemorySegment stream) {
        this.stream = stream;
    }

    Kernels start(Kernel kernel) {
        current = kernel;
        count = 0;
        return this;
    }

    Kernels ptr(MemorySegment devicePointer) {
        values.set(JAVA_LONG, 8L * count++, devicePointer.address());
        return this;
    }

    Kernels i64(long v) {
        values.set(JAVA_LONG, 8L * count++, v);
        return this;
    }

    Kernels i32(int v) {
        values.set(JAVA_INT, 8L * count++, v);
        return this;
    }

    Kernels f32(float v) {
        values.set(JAVA_FLOAT, 8L * count++, v);
        return this;
    }

    /** Enough blocks of {@link #THREADS} to cover {@code elements} with the kernels' grid-stride loops. */
    void launchOver(long elements) {
        if (elements <= 0) return;
        launch((int) Math.min(MAX_BLOCKS, (elements + THREADS - 1) / THREADS));
    }

    void launch(int blocks) {
        int status = driver.launch(functions[current.ordinal()], blocks, THREADS, 0, stream, pointers);
        if (status != 0) driver.check(status, "cuLaunchKernel(" + current.symbol + ", " + blocks + " blocks)");
    }

    @Override
    public void close() {
        driver.unload(module);
    }
}
