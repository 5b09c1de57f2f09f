package dev.nin.engine.gpu;

import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * cuDNN 9's classic ("legacy") API, signatures from cudnn_graph.h, cudnn_ops.h and cudnn_cnn.h: tensor,
 * filter, convolution and activation descriptors, the algorithm search, the convolutions and the bias
 * gradient. Every non-zero cudnnStatus_t becomes a {@link CudaException} with cudnnGetErrorString.
 */
final class Cudnn {
    // enum values (cudnn_graph.h)
    static final int TENSOR_NCHW = 0, DATA_FLOAT = 0, CROSS_CORRELATION = 1;
    static final int DEFAULT_MATH = 0, TENSOR_OP_MATH = 1, TENSOR_OP_MATH_ALLOW_CONVERSION = 2, FMA_MATH = 3;
    static final int ACTIVATION_RELU = 1, PROPAGATE_NAN = 1;
    // tag::perf-layout[]
    /** cudnnConvolution{Fwd,BwdData,BwdFilter}AlgoPerf_t: algo, status, time (float), memory (size_t at 16), determinism, mathType, reserved[3]. */
    static final long PERF_SIZE = 48, PERF_ALGO = 0, PERF_STATUS = 4, PERF_TIME = 8, PERF_MEMORY = 16, PERF_MATH = 28;
    // end::perf-layout[]

    private static final FunctionDescriptor INT_OF_PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor FIND = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    /** handle, alpha, desc, ptr, desc, ptr, convDesc, algo, workspace, workspaceBytes, beta, desc, ptr */
    private static final FunctionDescriptor CONV = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
            ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS);

    /** The fused convolution + bias + activation call: optional, see {@link #hasFusedConvBiasActivation()}. */
    static final String FUSED = "cudnnConvolutionBiasActivationForward";
    private static final AtomicBoolean SAID_FUSED_MISSING = new AtomicBoolean();

    final NativeLibraries.Library library;
    private final MethodHandle getVersion, getErrorString, create, destroy, setStream,
            createTensor, setTensor4d, destroyTensor, createFilter, setFilter4d, destroyFilter,
            createConv, setConv2d, setConvMath, destroyConv, createActivation, setActivation, destroyActivation,
            findForward, findBackwardData, findBackwardFilter, forward, biasActivationForward, backwardData,
            backwardFilter, backwardBias;
    private final MemorySegment scratch;

    Cudnn(NativeLibraries.Library lib, Arena arena) {
        library = lib;
        scratch = arena.allocate(16, 8);
        getVersion = lib.function("cudnnGetVersion", FunctionDescriptor.of(JAVA_LONG));
        getErrorString = lib.function("cudnnGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        create = lib.function("cudnnCreate", INT_OF_PTR);
        destroy = lib.function("cudnnDestroy", INT_OF_PTR);
        setStream = lib.function("cudnnSetStream", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        createTensor = lib.function("cudnnCreateTensorDescriptor", INT_OF_PTR);
        setTensor4d = lib.function("cudnnSetTensor4dDescriptor",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        destroyTensor = lib.function("cudnnDestroyTensorDescriptor", INT_OF_PTR);
        createFilter = lib.function("cudnnCreateFilterDescriptor", INT_OF_PTR);
        setFilter4d = lib.function("cudnnSetFilter4dDescriptor",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        destroyFilter = lib.function("cudnnDestroyFilterDescriptor", INT_OF_PTR);
        createConv = lib.function("cudnnCreateConvolutionDescriptor", INT_OF_PTR);
        setConv2d = lib.function("cudnnSetConvolution2dDescriptor",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        setConvMath = lib.function("cudnnSetConvolutionMathType", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        destroyConv = lib.function("cudnnDestroyConvolutionDescriptor", INT_OF_PTR);
        createActivation = lib.function("cudnnCreateActivationDescriptor", INT_OF_PTR);
        setActivation = lib.function("cudnnSetActivationDescriptor", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_DOUBLE));
        destroyActivation = lib.function("cudnnDestroyActivationDescriptor", INT_OF_PTR);
        findForward = lib.function("cudnnFindConvolutionForwardAlgorithm", FIND);
        findBackwardData = lib.function("cudnnFindConvolutionBackwardDataAlgorithm", FIND);
        findBackwardFilter = lib.function("cudnnFindConvolutionBackwardFilterAlgorithm", FIND);
        forward = lib.function("cudnnConvolutionForward", CONV);
        backwardData = lib.function("cudnnConvolutionBackwardData", CONV);
        backwardFilter = lib.function("cudnnConvolutionBackwardFilter", CONV);
        // tag::bind-fused[]
        // only a fast path needs it: a cuDNN without it runs the convolution, bias and ReLU as separate calls
        biasActivationForward = lib.optionalFunction(FUSED, FunctionDescriptor.of(JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS)).orElse(null);
        // end::bind-fused[]
        backwardBias = lib.function("cudnnConvolutionBackwardBias",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    }

    /** Whether this cuDNN has {@value #FUSED}; without it the backend never tries the fused path. */
    boolean hasFusedConvBiasActivation() {
        return biasActivationForward != null;
    }

    /** The one line that says the fused path is off, and why. */
    static String fusedMissingLine(NativeLibraries.Library lib) {
        return "[gpu] cuDNN (" + lib.origin() + ") has no " + FUSED + ": convolution, bias and ReLU run as separate calls";
    }

    /** Says so once per process (the library is loaded once per process; GpuCheck opens several backends). */
    static void sayFusedMissingOnce(NativeLibraries.Library lib, PrintStream out) {
        if (SAID_FUSED_MISSING.compareAndSet(false, true)) out.println(fusedMissingLine(lib));
    }

    String describe(int status) {
        try {
            return NativeLibraries.cString((MemorySegment) getErrorString.invokeExact(status));
        } catch (Throwable t) {
            return "unknown cudnnStatus_t";
        }
    }

    void check(int status, String call) {
        if (status != 0) throw new CudaException(call, status, describe(status));
    }

    /** 91900 for 9.19.0. */
    long version() {
        try {
            return (long) getVersion.invokeExact();
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    static String version(long v) {
        return v / 10000 + "." + (v % 10000) / 100 + "." + v % 100;
    }

    private MemorySegment created(MethodHandle creator, String call) {
        try {
            check((int) creator.invokeExact(scratch), call);
            return scratch.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    private void destroyed(MethodHandle destroyer, MemorySegment thing, String call) {
        try {
            check((int) destroyer.invokeExact(thing), call);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    MemorySegment create() {
        return created(create, "cudnnCreate");
    }

    void destroy(MemorySegment handle) {
        destroyed(destroy, handle, "cudnnDestroy");
    }

    void setStream(MemorySegment handle, MemorySegment stream) {
        try {
            check((int) setStream.invokeExact(handle, stream), "cudnnSetStream");
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    /** A float NCHW tensor descriptor. */
    MemorySegment tensor(int n, int c, int h, int w) {
        MemorySegment d = created(createTensor, "cudnnCreateTensorDescriptor");
        try {
            check((int) setTensor4d.invokeExact(d, TENSOR_NCHW, DATA_FLOAT, n, c, h, w),
                    "cudnnSetTensor4dDescriptor(" + n + ", " + c + ", " + h + ", " + w + ")");
            return d;
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    void destroyTensor(MemorySegment d) {
        destroyed(destroyTensor, d, "cudnnDestroyTensorDescriptor");
    }

    /** A float filter descriptor in PyTorch's OIHW layout. Note the order: data type before format. */
    MemorySegment filter(int out, int in, int kh, int kw) {
        MemorySegment d = created(createFilter, "cudnnCreateFilterDescriptor");
        try {
            check((int) setFilter4d.invokeExact(d, DATA_FLOAT, TENSOR_NCHW, out, in, kh, kw),
                    "cudnnSetFilter4dDescriptor(" + out + ", " + in + ", " + kh + ", " + kw + ")");
            return d;
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    void destroyFilter(MemorySegment d) {
        destroyed(destroyFilter, d, "cudnnDestroyFilterDescriptor");
    }

    /** Cross-correlation (what deep learning calls convolution) with float accumulation and the given math type. */
    MemorySegment convolution(int pad, int stride, int mathType) {
        MemorySegment d = created(createConv, "cudnnCreateConvolutionDescriptor");
        try {
            check((int) setConv2d.invokeExact(d, pad, pad, stride, stride, 1, 1, CROSS_CORRELATION, DATA_FLOAT),
                    "cudnnSetConvolution2dDescriptor(pad " + pad + ", stride " + stride + ")");
            setMathType(d, mathType);
            return d;
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    void setMathType(MemorySegment conv, int mathType) {
        try {
            check((int) setConvMath.invokeExact(conv, mathType), "cudnnSetConvolutionMathType(" + mathType + ")");
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    void destroyConvolution(MemorySegment d) {
        destroyed(destroyConv, d, "cudnnDestroyConvolutionDescriptor");
    }

    /** ReLU that propagates NaN, as Java's Math.max does (so divergence stays visible). */
    MemorySegment reluActivation() {
        MemorySegment d = created(createActivation, "cudnnCreateActivationDescriptor");
        try {
            check((int) setActivation.invokeExact(d, ACTIVATION_RELU, PROPAGATE_NAN, 0.0), "cudnnSetActivationDescriptor(RELU)");
            return d;
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    void destroyActivation(MemorySegment d) {
        destroyed(destroyActivation, d, "cudnnDestroyActivationDescriptor");
    }

    enum Direction { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    /**
     * Runs cuDNN's timed search (cuDNN allocates its own scratch memory for it) and returns how many results
     * it wrote into {@code perf} (an array of {@link #PERF_SIZE}-byte records, fastest first).
     * Arguments in the order of the direction's C function: FORWARD (x, w, conv, y), BACKWARD_DATA (w, dy, conv, dx),
     * BACKWARD_FILTER (x, dy, conv, dw).
     */
    int find(Direction direction, MemorySegment handle, MemorySegment a, MemorySegment b, MemorySegment conv, MemorySegment c,
             int requested, MemorySegment perf) {
        MethodHandle f = switch (direction) {
            case FORWARD -> findForward;
            case BACKWARD_DATA -> findBackwardData;
            case BACKWARD_FILTER -> findBackwardFilter;
        };
        try {
            check((int) f.invokeExact(handle, a, b, conv, c, requested, scratch, perf), "cudnnFind " + direction + " algorithm");
            return scratch.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    int forward(MemorySegment handle, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment wDesc, MemorySegment w,
                MemorySegment conv, int algo, MemorySegment workspace, long workspaceBytes, MemorySegment beta,
                MemorySegment yDesc, MemorySegment y) {
        try {
            return (int) forward.invokeExact(handle, alpha, xDesc, x, wDesc, w, conv, algo, workspace, workspaceBytes, beta, yDesc, y);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    // tag::call-fused[]
    /** y = relu(alpha1 · conv(x) + alpha2 · z + bias); returns the status (callers fall back when it is not supported). */
    int biasActivationForward(MemorySegment handle, MemorySegment alpha1, MemorySegment xDesc, MemorySegment x,
                              MemorySegment wDesc, MemorySegment w, MemorySegment conv, int algo, MemorySegment workspace,
                              long workspaceBytes, MemorySegment alpha2, MemorySegment zDesc, MemorySegment z,
                              MemorySegment biasDesc, MemorySegment bias, MemorySegment activation,
                              MemorySegment yDesc, MemorySegment y) {
        if (biasActivationForward == null) throw new IllegalStateException(FUSED + " is not in " + library.origin());
        try {
            return (int) biasActivationForward.invokeExact(handle, alpha1, xDesc, x, wDesc, w, conv, algo, workspace, workspaceBytes,
                    alpha2, zDesc, z, biasDesc, bias, activation, yDesc, y);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }
    // end::call-fused[]

    int backwardData(MemorySegment handle, MemorySegment alpha, MemorySegment wDesc, MemorySegment w, MemorySegment dyDesc,
                     MemorySegment dy, MemorySegment conv, int algo, MemorySegment workspace, long workspaceBytes,
                     MemorySegment beta, MemorySegment dxDesc, MemorySegment dx) {
        try {
            return (int) backwardData.invokeExact(handle, alpha, wDesc, w, dyDesc, dy, conv, algo, workspace, workspaceBytes, beta, dxDesc, dx);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    int backwardFilter(MemorySegment handle, MemorySegment alpha, MemorySegment xDesc, MemorySegment x, MemorySegment dyDesc,
                       MemorySegment dy, MemorySegment conv, int algo, MemorySegment workspace, long workspaceBytes,
                       MemorySegment beta, MemorySegment dwDesc, MemorySegment dw) {
        try {
            return (int) backwardFilter.invokeExact(handle, alpha, xDesc, x, dyDesc, dy, conv, algo, workspace, workspaceBytes, beta, dwDesc, dw);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    int backwardBias(MemorySegment handle, MemorySegment alpha, MemorySegment dyDesc, MemorySegment dy, MemorySegment beta,
                     MemorySegment dbDesc, MemorySegment db) {
        try {
            return (int) backwardBias.invokeExact(handle, alpha, dyDesc, dy, beta, dbDesc, db);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }
}
