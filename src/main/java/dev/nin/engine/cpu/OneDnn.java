package dev.nin.engine.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few functions of oneDNN's C API (version 2, {@code libdnnl.so.2}, Debian's {@code libdnnl2}, the library
 * PyTorch's CPU convolutions run in) that the CPU engine calls directly, through java.lang.foreign. libnd4j
 * bundles its own oneDNN but does not export it, and creates every primitive anew on each call; called directly,
 * a primitive is created once per shape and reused for every step.
 *
 * <p>Descriptors are C structs that oneDNN fills in; their sizes below are those of oneDNN 2.6's headers, and
 * every struct is allocated with room to spare so that a later 2.x layout cannot overrun it.
 */
final class OneDnn {
    /** sizeof(dnnl_memory_desc_t) is 696 and sizeof(dnnl_convolution_desc_t) 5,976 in oneDNN 2.6. */
    static final long MEMORY_DESC_BYTES = 1024, OP_DESC_BYTES = 8192;

    // enum values from dnnl_types.h (2.x)
    static final int CPU = 1, F32 = 3;
    static final int TAG_ANY = 1, TAG_A = 2, TAG_ABCD = 5;
    static final int FORWARD_TRAINING = 64;
    static final int CONVOLUTION_DIRECT = 1, ELTWISE_RELU = 31, ELTWISE_RELU_USE_DST_FOR_BWD = 256;
    static final int ARG_SRC = 1, ARG_DST = 17, ARG_WEIGHTS = 33, ARG_BIAS = 41, ARG_SCRATCHPAD = 80;
    static final int ARG_DIFF_SRC = 129, ARG_DIFF_DST = 145, ARG_DIFF_WEIGHTS = 161, ARG_DIFF_BIAS = 169;
    static final int ARG_FROM = ARG_SRC, ARG_TO = ARG_DST;
    static final int QUERY_SRC = 129, QUERY_DIFF_SRC = 130, QUERY_WEIGHTS = 131, QUERY_DIFF_WEIGHTS = 132,
            QUERY_DST = 133, QUERY_DIFF_DST = 134, QUERY_SCRATCHPAD = 136;
    static final int SCRATCHPAD_USER = 1, STREAM_DEFAULT = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static OneDnn instance;
    private static String whyNot;

    private final SymbolLookup lib;
    private final MethodHandle engineCreate, streamCreate, streamWait, mdInitByTag, mdGetSize, mdEqual, memoryCreate,
            memorySetHandle, pdCreate, pdQueryMd, primitiveCreate, primitiveExecute, reorderPdCreate,
            convForwardInit, convBackwardDataInit, convBackwardWeightsInit, attrCreate, attrSetScratchpad,
            attrSetPostOps, postOpsCreate, postOpsAppendEltwise, version, eltwiseForwardInit, eltwiseBackwardInit;
    final MemorySegment engine, stream;

    /** Everything created here lives as long as the process: primitives, descriptors, the engine. */
    private final Arena arena = Arena.global();

    private OneDnn(SymbolLookup lib) {
        this.lib = lib;
        engineCreate = fn("dnnl_engine_create", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG);
        streamCreate = fn("dnnl_stream_create", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        streamWait = fn("dnnl_stream_wait", JAVA_INT, ADDRESS);
        mdInitByTag = fn("dnnl_memory_desc_init_by_tag", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        mdGetSize = fn("dnnl_memory_desc_get_size", JAVA_LONG, ADDRESS);
        mdEqual = fn("dnnl_memory_desc_equal", JAVA_INT, ADDRESS, ADDRESS);
        memoryCreate = fn("dnnl_memory_create", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        memorySetHandle = fn("dnnl_memory_set_data_handle", JAVA_INT, ADDRESS, ADDRESS);
        pdCreate = fn("dnnl_primitive_desc_create", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        pdQueryMd = fn("dnnl_primitive_desc_query_md", ADDRESS, ADDRESS, JAVA_INT, JAVA_INT);
        primitiveCreate = fn("dnnl_primitive_create", JAVA_INT, ADDRESS, ADDRESS);
        primitiveExecute = fn("dnnl_primitive_execute", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        reorderPdCreate = fn("dnnl_reorder_primitive_desc_create", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        convForwardInit = fn("dnnl_convolution_forward_desc_init", JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        convBackwardDataInit = fn("dnnl_convolution_backward_data_desc_init", JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        convBackwardWeightsInit = fn("dnnl_convolution_backward_weights_desc_init", JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        attrCreate = fn("dnnl_primitive_attr_create", JAVA_INT, ADDRESS);
        attrSetScratchpad = fn("dnnl_primitive_attr_set_scratchpad_mode", JAVA_INT, ADDRESS, JAVA_INT);
        attrSetPostOps = fn("dnnl_primitive_attr_set_post_ops", JAVA_INT, ADDRESS, ADDRESS);
        postOpsCreate = fn("dnnl_post_ops_create", JAVA_INT, ADDRESS);
        postOpsAppendEltwise = fn("dnnl_post_ops_append_eltwise", JAVA_INT, ADDRESS, JAVA_FLOAT, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT);
        version = fn("dnnl_version", ADDRESS);
        eltwiseForwardInit = fn("dnnl_eltwise_forward_desc_init", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_FLOAT, JAVA_FLOAT);
        eltwiseBackwardInit = fn("dnnl_eltwise_backward_desc_init", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_FLOAT, JAVA_FLOAT);
        MemorySegment out = arena.allocate(ADDRESS);
        check("dnnl_engine_create", call(engineCreate, out, CPU, 0L));
        engine = out.get(ADDRESS, 0);
        check("dnnl_stream_create", call(streamCreate, out, engine, STREAM_DEFAULT));
        stream = out.get(ADDRESS, 0);
    }

    /** The library, loaded once per process; null when it cannot be loaded (said once on standard error; {@link #whyNot} says why). */
    static synchronized OneDnn get() {
        if (instance == null && whyNot == null) {
            try {
                instance = new OneDnn(SymbolLookup.libraryLookup("libdnnl.so.2", Arena.global()));
            } catch (IllegalArgumentException | IllegalStateException | UnsatisfiedLinkError e) {
                whyNot = "libdnnl.so.2 (oneDNN 2) did not load: " + e.getMessage()
                        + "; install it (Debian: apt-get install libdnnl2) for the faster convolutions";
                System.err.println("note: convolutions run in libnd4j: " + whyNot);  // once per process
            }
        }
        return instance;
    }

    /** Why {@link #get} returned null, or null. */
    static synchronized String whyNot() {
        get();
        return whyNot;
    }

    /** "2.6.3", from dnnl_version(). */
    String version() {
        MemorySegment v = ((MemorySegment) call(version)).reinterpret(16);
        return v.get(JAVA_INT, 0) + "." + v.get(JAVA_INT, 4) + "." + v.get(JAVA_INT, 8);
    }

    // ---------------------------------------------------------------- descriptors

    /** A memory descriptor for float32 data of these dimensions in the given format tag (TAG_ANY: oneDNN's choice). */
    MemorySegment memoryDesc(long[] dims, int tag) {
        MemorySegment md = arena.allocate(MEMORY_DESC_BYTES, 64);
        check("dnnl_memory_desc_init_by_tag", call(mdInitByTag, md, dims.length, arena.allocateFrom(JAVA_LONG, dims), F32, tag));
        return md;
    }

    long bytes(MemorySegment md) {
        return (long) call(mdGetSize, md);
    }

    boolean same(MemorySegment a, MemorySegment b) {
        return (int) call(mdEqual, a, b) != 0;
    }

    MemorySegment convolutionForward(MemorySegment src, MemorySegment weights, MemorySegment bias, MemorySegment dst,
                                     int stride, int padding) {
        MemorySegment d = arena.allocate(OP_DESC_BYTES, 64);
        check("dnnl_convolution_forward_desc_init", call(convForwardInit, d, FORWARD_TRAINING, CONVOLUTION_DIRECT,
                src, weights, bias, dst, pair(stride), pair(padding), pair(padding)));
        return d;
    }

    MemorySegment convolutionBackwardData(MemorySegment diffSrc, MemorySegment weights, MemorySegment diffDst, int stride, int padding) {
        MemorySegment d = arena.allocate(OP_DESC_BYTES, 64);
        check("dnnl_convolution_backward_data_desc_init", call(convBackwardDataInit, d, CONVOLUTION_DIRECT,
                diffSrc, weights, diffDst, pair(stride), pair(padding), pair(padding)));
        return d;
    }

    MemorySegment convolutionBackwardWeights(MemorySegment src, MemorySegment diffWeights, MemorySegment diffBias,
                                             MemorySegment diffDst, int stride, int padding) {
        MemorySegment d = arena.allocate(OP_DESC_BYTES, 64);
        check("dnnl_convolution_backward_weights_desc_init", call(convBackwardWeightsInit, d, CONVOLUTION_DIRECT,
                src, diffWeights, diffBias, diffDst, pair(stride), pair(padding), pair(padding)));
        return d;
    }

    /** ReLU forward over data of this layout, computing y = max(0, x) (here only the hint its backward needs). */
    MemorySegment reluForward(MemorySegment data) {
        MemorySegment d = arena.allocate(OP_DESC_BYTES, 64);
        check("dnnl_eltwise_forward_desc_init", call(eltwiseForwardInit, d, FORWARD_TRAINING, ELTWISE_RELU_USE_DST_FOR_BWD, data, 0.0f, 0.0f));
        return d;
    }

    /** ReLU backward from the ReLU's output y: dx = dy where y &gt; 0, else 0. */
    MemorySegment reluBackward(MemorySegment diff, MemorySegment data) {
        MemorySegment d = arena.allocate(OP_DESC_BYTES, 64);
        check("dnnl_eltwise_backward_desc_init", call(eltwiseBackwardInit, d, ELTWISE_RELU_USE_DST_FOR_BWD, diff, data, 0.0f, 0.0f));
        return d;
    }

    private MemorySegment pair(int v) {
        return arena.allocateFrom(JAVA_LONG, v, v);
    }

    /** Attributes: a scratchpad the caller provides (one shared buffer, not a malloc per call), and a fused ReLU. */
    MemorySegment attributes(boolean relu) {
        MemorySegment out = arena.allocate(ADDRESS);
        check("dnnl_primitive_attr_create", call(attrCreate, out));
        MemorySegment attr = out.get(ADDRESS, 0);
        check("dnnl_primitive_attr_set_scratchpad_mode", call(attrSetScratchpad, attr, SCRATCHPAD_USER));
        if (relu) {
            check("dnnl_post_ops_create", call(postOpsCreate, out));
            MemorySegment ops = out.get(ADDRESS, 0);
            check("dnnl_post_ops_append_eltwise", call(postOpsAppendEltwise, ops, 1.0f, ELTWISE_RELU, 0.0f, 0.0f));
            check("dnnl_primitive_attr_set_post_ops", call(attrSetPostOps, attr, ops));
        }
        return attr;
    }

    MemorySegment primitiveDesc(MemorySegment opDesc, MemorySegment attr, MemorySegment hint) {
        MemorySegment out = arena.allocate(ADDRESS);
        check("dnnl_primitive_desc_create", call(pdCreate, out, opDesc, attr, engine, hint == null ? MemorySegment.NULL : hint));
        return out.get(ADDRESS, 0);
    }

    MemorySegment reorderDesc(MemorySegment from, MemorySegment to) {
        MemorySegment out = arena.allocate(ADDRESS);
        check("dnnl_reorder_primitive_desc_create", call(reorderPdCreate, out, from, engine, to, engine, attributes(false)));
        return out.get(ADDRESS, 0);
    }

    /** The memory descriptor a primitive wants for one of its arguments (QUERY_SRC, ...). */
    MemorySegment query(MemorySegment pd, int what) {
        MemorySegment md = (MemorySegment) call(pdQueryMd, pd, what, 0);
        if (md.address() == 0) throw new IllegalStateException("oneDNN: the primitive has no memory for query " + what);
        return md.reinterpret(MEMORY_DESC_BYTES);
    }

    MemorySegment primitive(MemorySegment pd) {
        MemorySegment out = arena.allocate(ADDRESS);
        check("dnnl_primitive_create", call(primitiveCreate, out, pd));
        return out.get(ADDRESS, 0);
    }

    /** A memory object over no data yet; {@link #point} gives it its data before each execution. */
    MemorySegment memory(MemorySegment md) {
        MemorySegment out = arena.allocate(ADDRESS);
        check("dnnl_memory_create", call(memoryCreate, out, md, engine, MemorySegment.NULL));
        return out.get(ADDRESS, 0);
    }

    void point(MemorySegment memory, long address) {
        check("dnnl_memory_set_data_handle", call(memorySetHandle, memory, MemorySegment.ofAddress(address)));
    }

    /** An argument list for {@link #execute}: pairs of (ARG_..., memory object), in a struct array built once. */
    MemorySegment arguments(Object... kindsAndMemories) {
        int n = kindsAndMemories.length / 2;
        MemorySegment args = arena.allocate(16L * n, 8);
        for (int i = 0; i < n; i++) {
            args.set(JAVA_INT, 16L * i, (Integer) kindsAndMemories[2 * i]);
            args.set(ADDRESS, 16L * i + 8, (MemorySegment) kindsAndMemories[2 * i + 1]);
        }
        return args;
    }

    void execute(MemorySegment primitive, MemorySegment arguments) {
        check("dnnl_primitive_execute", call(primitiveExecute, primitive, stream, (int) (arguments.byteSize() / 16), arguments));
        check("dnnl_stream_wait", call(streamWait, stream));
    }

    // ---------------------------------------------------------------- plumbing

    private MethodHandle fn(String name, ValueLayout result, ValueLayout... args) {
        MemorySegment address = lib.find(name).orElseThrow(() -> new IllegalStateException(
                "libdnnl.so.2 has no function " + name + "; the CPU engine needs oneDNN 2.x"));
        return LINKER.downcallHandle(address, FunctionDescriptor.of(result, args));
    }

    private static Object call(MethodHandle h, Object... args) {
        try {
            return h.invokeWithArguments(args);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(String function, Object status) {
        int s = (int) status;
        if (s != 0) throw new IllegalStateException("oneDNN: " + function + " returned status " + s + " (" + statusName(s) + ")");
    }

    private static String statusName(int s) {
        return switch (s) {
            case 1 -> "out of memory";
            case 2 -> "invalid arguments";
            case 3 -> "unimplemented";
            case 4 -> "iterator ends";
            case 5 -> "runtime error";
            case 6 -> "not required";
            default -> "unknown";
        };
    }
}
