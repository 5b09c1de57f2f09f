package dev.nin.engine.gpu;

import dev.nin.engine.Backend;
import dev.nin.engine.Tensor;
import dev.nin.engine.gpu.Kernels.Kernel;
import dev.nin.model.Shape;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The training operations on an NVIDIA GPU, calling the CUDA runtime, cuDNN 9 and NVRTC-compiled kernels
 * through {@code java.lang.foreign}; no ND4J, no JNI. Convolutions are cuDNN's, with the algorithm its timed
 * search picks once per shape; the small operations are kernels that follow {@link dev.nin.engine.reference.ReferenceBackend}
 * operation for operation. All work is queued on one stream; {@link #download} and {@link #sumOfSquares} wait.
 *
 * <p>Memory: every tensor is one cudaMalloc made by {@link #allocate}; the convolutions share one workspace that
 * grows only when a newly searched algorithm needs more (capped); nothing is allocated per step.
 * {@link #peakMemoryBytes} is the peak of these live allocations (cuDNN's own scratch memory during the
 * one-time algorithm search is not counted).
 *
 * <p>Math: TF32 tensor cores are allowed by default (cuDNN's default math for float); {@code NIN_GPU_STRICT_FP32=1}
 * or {@code -Dnin.gpu.strictFp32=true} asks for strict FP32 (CUDNN_FMA_MATH). Not thread-safe.
 */
public final class CudaBackend implements Backend {
    public static final String STRICT_ENV = "NIN_GPU_STRICT_FP32", STRICT_PROPERTY = "nin.gpu.strictFp32";

    // tag::workspace-cap[]
    /**
     * The convolutions' shared workspace may grow to this (MiB; -Dnin.gpu.workspaceMiB changes it). On an H200 the
     * fastest backward algorithms of the 5×5 layer at batch 128 need 277 MiB (cuDNN 9.19's search, GpuCheck's
     * log in docs/results/gpu/): 256 excluded them.
     */
    public static final long DEFAULT_WORKSPACE_MIB = 280;
    // end::workspace-cap[]

    /** How to open the backend. */
    public record Options(boolean strictFp32, int device, long workspaceCapBytes, List<Path> libraryDirs) {
        public static Options fromEnvironment() {
            String env = System.getenv(STRICT_ENV);
            boolean strict = Boolean.getBoolean(STRICT_PROPERTY) || "1".equals(env) || "true".equalsIgnoreCase(env);
            String deviceEnv = System.getenv("NIN_GPU_DEVICE");
            int device = Integer.getInteger("nin.gpu.device", deviceEnv == null ? 0 : Integer.parseInt(deviceEnv.trim()));
            long capMiB = Long.getLong("nin.gpu.workspaceMiB", DEFAULT_WORKSPACE_MIB);
            return new Options(strict, device, capMiB << 20, NativeLibraries.userDirectories());
        }

        public Options withStrictFp32(boolean strict) {
            return new Options(strict, device, workspaceCapBytes, libraryDirs);
        }
    }

    /** One cudaMalloc; the tensor that allocated it and its views share it. */
    private static final class Allocation {
        final MemorySegment pointer;
        final long bytes;
        MemorySegment staging, stagingCopied;  // page-locked upload buffer and the event marking its copy done

        Allocation(MemorySegment pointer, long bytes) {
            this.pointer = pointer;
            this.bytes = bytes;
        }
    }

    /** A tensor in device memory; a view is the first size() elements of its allocation. */
    private record DeviceTensor(Shape shape, Allocation allocation, CudaBackend owner) implements Tensor {
        @Override
        public String toString() {
            return "gpu tensor " + shape;
        }
    }

    private final Options options;
    private final Arena arena = Arena.ofShared();
    private final Map<String, String> provenance = new LinkedHashMap<>();
    private final Map<String, String> convolutionChoices = new LinkedHashMap<>();
    private final Map<ConvPlan.Key, ConvPlan> plans = new HashMap<>();
    private final List<Allocation> allocations = new ArrayList<>();
    private CudaRuntime rt;
    private CudaDriver driver;
    private Cudnn cudnn;
    private Kernels kernels;
    private MemorySegment stream, handle, context, relu, timingStart, timingEnd;
    private MemorySegment one, zero, perf;
    private MemorySegment workspace = MemorySegment.NULL;
    private long workspaceBytes;
    private MemorySegment partialSums, sumsqOut;
    private MemorySegment hostBuffer;
    private long hostBufferBytes;
    private String deviceName;
    private Thread contextThread;
    private long liveBytes, peakBytes;
    private boolean closed;

    /** Slots of the device buffer of partial sums in double that the two-pass reductions share (sum of squares, bias gradient). */
    private static final int PARTIAL_SLOTS = 1024;
    /** NIN_GPU_TRACE=1: one line on standard error per start-up step and per algorithm search, to locate a failure. */
    private static final boolean TRACE = "1".equals(System.getenv("NIN_GPU_TRACE"));

    private static void trace(String step) {
        if (TRACE) System.err.println("[gpu] " + step);
    }

    public CudaBackend() {
        this(Options.fromEnvironment());
    }

    /** For {@code Backends}: opens the GPU named by the environment, or throws {@link GpuUnavailableException}. */
    public static CudaBackend open() {
        return new CudaBackend();
    }

    public CudaBackend(Options options) {
        this.options = options;
        try {
            start();
        } catch (RuntimeException | Error e) {
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Where the libraries were looked for, for a message about a GPU that did not open. */
    private static String searched(List<Path> dirs) {
        return "; looked for the libraries first in " + (dirs.isEmpty() ? "no folder (--cuda-libs and NIN_CUDA_LIBS unset)"
                : dirs + " (--cuda-libs or NIN_CUDA_LIBS)") + ", then on the system loader path";
    }

    private void start() {
        List<Path> dirs = options.libraryDirs();
        trace("looking for libraries in " + dirs + ", then the system loader path");
        // the libraries stay loaded for the process (NativeLibraries); this backend's arena holds only its memory
        rt = new CudaRuntime(NativeLibraries.load("the CUDA runtime", List.of("libcudart.so.13", "libcudart.so.12"), dirs), arena);
        trace("CUDA runtime: " + rt.library.origin());
        int status = rt.deviceCountStatus();
        trace("cudaGetDeviceCount: status " + status + ", " + rt.lastDeviceCount() + " device(s)");
        if (status != 0) {
            throw new GpuUnavailableException("no usable GPU: cudaGetDeviceCount returned " + status + " (" + rt.describe(status)
                    + "); CUDA runtime " + rt.library.origin()
                    + (status == 35 ? "; the NVIDIA driver (libcuda.so.1) is missing here or older than this runtime" : "")
                    + (status == 100 ? "; the driver sees no NVIDIA GPU" : "") + searched(dirs));
        }
        if (rt.lastDeviceCount() <= options.device()) {
            throw new GpuUnavailableException("no usable GPU: " + rt.lastDeviceCount() + " CUDA device(s), asked for device " + options.device());
        }
        driver = new CudaDriver(NativeLibraries.load("the CUDA driver", List.of("libcuda.so.1", "libcuda.so"), dirs), arena);
        Nvrtc nvrtc = Nvrtc.load(dirs);
        cudnn = new Cudnn(NativeLibraries.load("cuDNN 9", List.of("libcudnn.so.9"), dirs), arena);
        if (!cudnn.hasFusedConvBiasActivation()) Cudnn.sayFusedMissingOnce(cudnn.library, System.err);
        trace("driver " + driver.library.origin() + ", NVRTC " + nvrtc.library.origin() + ", cuDNN " + cudnn.library.origin()
                + " (version " + Cudnn.version(cudnn.version()) + ")");

        rt.setDevice(options.device());
        rt.free(MemorySegment.NULL);  // creates the primary context and makes it current on this thread
        trace("primary context created on device " + options.device());
        driver.init();
        context = driver.currentContext();
        trace("cuInit done, current context " + context);
        contextThread = Thread.currentThread();
        int cuDevice = driver.device(options.device());
        deviceName = driver.deviceName(cuDevice);
        int major = rt.attribute(CudaRuntime.ATTR_COMPUTE_MAJOR, options.device());
        int minor = rt.attribute(CudaRuntime.ATTR_COMPUTE_MINOR, options.device());

        trace(deviceName + ", compute capability " + major + "." + minor);
        stream = rt.streamCreate();
        handle = cudnn.create();
        cudnn.setStream(handle, stream);
        relu = cudnn.reluActivation();
        trace("stream, cuDNN handle and ReLU descriptor created");
        String arch = "sm_" + major + minor;
        byte[] cubin = nvrtc.compileToCubin(Kernels.source(), "kernels.cu", arch);
        trace("NVRTC " + nvrtc.version() + " compiled kernels.cu for " + arch + ": " + cubin.length + " bytes");
        kernels = new Kernels(driver, cubin, arena);
        kernels.useStream(stream);
        trace("kernels loaded");
        timingStart = rt.eventCreate(0);
        timingEnd = rt.eventCreate(0);
        one = arena.allocateFrom(JAVA_FLOAT, 1f);
        zero = arena.allocateFrom(JAVA_FLOAT, 0f);
        perf = arena.allocate(Cudnn.PERF_SIZE * 16, 8);
        partialSums = deviceMalloc(8L * PARTIAL_SLOTS);
        sumsqOut = deviceMalloc(8);

        trace("started");
        provenance.put("gpu", deviceName);
        provenance.put("gpu.computeCapability", major + "." + minor);
        provenance.put("gpu.memoryMiB", Long.toString(driver.totalMemory(cuDevice) >> 20));
        provenance.put("gpu.multiprocessors", Integer.toString(rt.attribute(CudaRuntime.ATTR_MULTIPROCESSORS, options.device())));
        provenance.put("nvidia.driver", nvidiaDriverVersion());
        provenance.put("cuda.driverApi", CudaRuntime.version(rt.driverVersion()));
        provenance.put("cuda.runtime", CudaRuntime.version(rt.runtimeVersion()));
        provenance.put("cudnn", Cudnn.version(cudnn.version()));
        provenance.put("nvrtc", nvrtc.version() + " (kernels compiled for " + arch + ")");
        provenance.put("math", options.strictFp32() ? "strict FP32 (CUDNN_FMA_MATH)" : "TF32 tensor cores allowed (CUDNN_DEFAULT_MATH)");
        provenance.put("convWorkspaceCapMiB", Long.toString(options.workspaceCapBytes() >> 20));
        provenance.put("libraries", String.join(", ", rt.library.origin(), driver.library.origin(), nvrtc.library.origin(), cudnn.library.origin()));
        provenance.put("cudnn.fusedConvBiasActivation", cudnn.hasFusedConvBiasActivation() ? "bound" : "absent (separate calls)");
    }

    /**
     * The backend's settings and library versions, and the full paths of every CUDA library file this process
     * has mapped by now (read afresh: cuDNN opens its engine libraries and cuBLAS when first needed).
     */
    @Override
    public Map<String, String> provenance() {
        Map<String, String> now = new LinkedHashMap<>(provenance);
        now.put("libraries.loaded", loadedLibraryFiles());
        return Collections.unmodifiableMap(now);
    }

    static String loadedLibraryFiles() {
        List<Path> files = NativeLibraries.mappedFiles(NativeLibraries.CUDA_FILES);
        return files.isEmpty() ? "none found in /proc/self/maps" : String.join(", ", files.stream().map(Path::toString).toList());
    }

    private static String nvidiaDriverVersion() {
        try {
            Path p = Path.of("/proc/driver/nvidia/version");
            if (!Files.isReadable(p)) return "unknown";
            String first = Files.readAllLines(p).getFirst();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b(\\d{3,}\\.\\d+(\\.\\d+)?)\\b").matcher(first);
            return m.find() ? m.group(1) : first.trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    // ---- identity ---------------------------------------------------------------------------------------

    @Override
    public String name() {
        return "gpu";
    }

    @Override
    public String device() {
        return deviceName;
    }

    public boolean strictFp32() {
        return options.strictFp32();
    }

    /** Per convolution shape and direction: the algorithm cuDNN's search chose, its time and workspace; fusion decisions. */
    public Map<String, String> convolutionChoices() {
        return Collections.unmodifiableMap(convolutionChoices);
    }

    // ---- memory -----------------------------------------------------------------------------------------

    // tag::allocate[]
    private MemorySegment deviceMalloc(long bytes) {
        MemorySegment p = rt.malloc(bytes);
        liveBytes += bytes;
        peakBytes = Math.max(peakBytes, liveBytes);
        return p;
    }

    private void deviceFree(MemorySegment p, long bytes) {
        rt.free(p);
        liveBytes -= bytes;
    }

    @Override
    public Tensor allocate(Shape shape) {
        ensureContext();
        long bytes = Math.max(4, 4 * shape.size());
        Allocation a = new Allocation(deviceMalloc(bytes), bytes);
        allocations.add(a);
        rt.memsetAsync(a.pointer, 0, bytes, stream);
        return new DeviceTensor(shape, a, this);
    }
    // end::allocate[]

    @Override
    public Tensor view(Tensor t, Shape shape) {
        DeviceTensor d = own(t);
        if (shape.size() > d.size()) throw new IllegalArgumentException("cannot view " + t.shape() + " as the larger " + shape);
        return new DeviceTensor(shape, d.allocation(), this);
    }

    private DeviceTensor own(Tensor t) {
        if (t instanceof DeviceTensor d && d.owner() == this) return d;
        throw new IllegalArgumentException("not a tensor of this GPU backend: " + t);
    }

    private MemorySegment ptr(Tensor t) {
        return own(t).allocation().pointer;
    }

    /**
     * Copies through a page-locked buffer owned by the destination allocation: the copy is asynchronous, and the
     * next upload into the same allocation first waits for this one to have left the buffer.
     */
    @Override
    public void upload(float[] src, Tensor dst) {
        ensureContext();
        Allocation a = own(dst).allocation();
        int n = (int) dst.size();
        if (src.length < n) throw new IllegalArgumentException("upload: " + src.length + " values for " + dst.shape());
        if (a.staging == null) {
            a.staging = rt.mallocHost(a.bytes);
            a.stagingCopied = rt.eventCreate(CudaRuntime.EVENT_DISABLE_TIMING);
        } else {
            rt.eventSynchronize(a.stagingCopied);
        }
        MemorySegment.copy(src, 0, a.staging, JAVA_FLOAT, 0, n);
        rt.memcpyAsync(a.pointer, a.staging, 4L * n, CudaRuntime.MEMCPY_HOST_TO_DEVICE, stream);
        rt.eventRecord(a.stagingCopied, stream);
    }

    /** A page-locked host buffer for downloads, grown when a larger one is needed. */
    private MemorySegment hostBuffer(long bytes) {
        if (bytes > hostBufferBytes) {
            if (hostBuffer != null) rt.freeHost(hostBuffer);
            hostBuffer = null;
            hostBuffer = rt.mallocHost(bytes);
            hostBufferBytes = bytes;
        }
        return hostBuffer;
    }

    @Override
    public void download(Tensor src, float[] dst) {
        ensureContext();
        int n = (int) src.size();
        if (dst.length < n) throw new IllegalArgumentException("download: " + src.shape() + " into " + dst.length + " values");
        MemorySegment host = hostBuffer(4L * n);
        rt.memcpyAsync(host, ptr(src), 4L * n, CudaRuntime.MEMCPY_DEVICE_TO_HOST, stream);
        rt.streamSynchronize(stream);
        MemorySegment.copy(host, JAVA_FLOAT, 0, dst, 0, n);
    }

    @Override
    public void fill(Tensor t, float value) {
        ensureContext();
        if (Float.floatToRawIntBits(value) == 0) {
            rt.memsetAsync(ptr(t), 0, 4 * t.size(), stream);
        } else {
            kernels.start(Kernel.FILL).ptr(ptr(t)).f32(value).i64(t.size()).launchOver(t.size());
        }
    }

    @Override
    public long peakMemoryBytes() {
        return peakBytes;
    }

    /** Bytes of device memory this backend holds now. */
    public long liveMemoryBytes() {
        return liveBytes;
    }

    @Override
    public void synchronize() {
        ensureContext();
        rt.streamSynchronize(stream);
    }

    /** Driver calls need the context current on the calling thread; the runtime's calls bind it themselves. */
    private void ensureContext() {
        if (closed) throw new IllegalStateException("the GPU backend is closed");
        if (Thread.currentThread() != contextThread) {
            driver.setCurrentContext(context);
            rt.setDevice(options.device());
            contextThread = Thread.currentThread();
        }
    }

    // ---- convolutions -----------------------------------------------------------------------------------

    // tag::plan-cache[]
    private ConvPlan plan(String op, Tensor x, Tensor w, int stride, int pad) {
        Shape xs = x.shape(), ws = w.shape();
        if (xs.rank() != 4 || ws.rank() != 4 || ws.dim(1) != xs.dim(1) || ws.dim(2) != ws.dim(3)) {
            throw new IllegalArgumentException(op + ": input " + xs + " and weights " + ws + " do not make a square-kernel convolution");
        }
        ConvPlan.Key key = new ConvPlan.Key(xs.dim(0), xs.dim(1), xs.dim(2), xs.dim(3), ws.dim(0), ws.dim(2), stride, pad);
        ConvPlan p = plans.get(key);
        if (p == null) {
            if (key.outH() <= 0 || key.outW() <= 0) throw new IllegalArgumentException(op + ": kernel larger than the padded input in " + key);
            p = new ConvPlan(key, cudnn, options.strictFp32() ? Cudnn.FMA_MATH : Cudnn.DEFAULT_MATH);
            plans.put(key, p);
        }
        return p;
    }
    // end::plan-cache[]

    private static Shape outputShape(ConvPlan.Key k) {
        return Shape.of(k.n(), k.o(), k.outH(), k.outW());
    }

    // tag::algorithm-search[]
    /** Runs cuDNN's search for one direction of a plan, once, and keeps the fastest algorithm whose workspace fits the cap. */
    private int algorithm(ConvPlan p, Cudnn.Direction d) {
        int i = d.ordinal();
        if (p.algo[i] >= 0) return p.algo[i];
        int found = switch (d) {
            case FORWARD -> cudnn.find(d, handle, p.x, p.w, p.conv[i], p.y, 16, perf);
            case BACKWARD_DATA -> cudnn.find(d, handle, p.w, p.y, p.conv[i], p.x, 16, perf);
            case BACKWARD_FILTER -> cudnn.find(d, handle, p.x, p.y, p.conv[i], p.w, 16, perf);
        };
        StringBuilder tried = new StringBuilder();
        for (int r = 0; r < found; r++) {
            long base = r * Cudnn.PERF_SIZE;
            int algo = perf.get(JAVA_INT, base + Cudnn.PERF_ALGO), status = perf.get(JAVA_INT, base + Cudnn.PERF_STATUS);
            float ms = perf.get(JAVA_FLOAT, base + Cudnn.PERF_TIME);
            long memory = perf.get(JAVA_LONG, base + Cudnn.PERF_MEMORY);
            int math = perf.get(JAVA_INT, base + Cudnn.PERF_MATH);
            tried.append(String.format(" algo %d status %d %.3f ms %d MiB math %d;", algo, status, ms, memory >> 20, math));
            boolean tensorOps = math == Cudnn.TENSOR_OP_MATH || math == Cudnn.TENSOR_OP_MATH_ALLOW_CONVERSION;
            if (status != 0 || memory > options.workspaceCapBytes() || (options.strictFp32() && tensorOps)) continue;
            if (!options.strictFp32()) cudnn.setMathType(p.conv[i], math);
            growWorkspace(memory);
            p.algo[i] = algo;
            p.workspace[i] = memory;
            convolutionChoices.put(p.key + " " + d, String.format("algo %d, %.3f ms, workspace %d KiB, math %s",
                    algo, ms, memory >> 10, mathName(math)));
            trace("search " + p.key + " " + d + ":" + tried + " -> algo " + algo);
            return algo;
        }
        throw new CudaException("cuDNN's search found no usable " + d + " algorithm for " + p.key + " within a "
                + (options.workspaceCapBytes() >> 20) + " MiB workspace" + (options.strictFp32() ? " in strict FP32" : "") + ":" + tried);
    }
    // end::algorithm-search[]

    private static String mathName(int math) {
        return switch (math) {
            case Cudnn.DEFAULT_MATH -> "default";
            case Cudnn.TENSOR_OP_MATH -> "tensor-op";
            case Cudnn.TENSOR_OP_MATH_ALLOW_CONVERSION -> "tensor-op-allow-conversion";
            case Cudnn.FMA_MATH -> "fma";
            default -> Integer.toString(math);
        };
    }

    // tag::workspace[]
    /** The shared workspace grows (never shrinks) when an algorithm needs more; cudaFree waits for work using the old one. */
    private void growWorkspace(long bytes) {
        if (bytes <= workspaceBytes) return;
        if (workspaceBytes > 0) deviceFree(workspace, workspaceBytes);
        workspace = MemorySegment.NULL;
        workspaceBytes = 0;
        workspace = deviceMalloc(bytes);
        workspaceBytes = bytes;
    }
    // end::workspace[]

    private void cudnnCheck(int status, String op, ConvPlan p) {
        if (status != 0) cudnn.check(status, op + " " + p.key);
    }

    private void convolve(ConvPlan p, Tensor x, Tensor w, Tensor y) {
        int algo = algorithm(p, Cudnn.Direction.FORWARD);
        cudnnCheck(cudnn.forward(handle, one, p.x, ptr(x), p.w, ptr(w), p.conv[0], algo, workspace, workspaceBytes,
                zero, p.y, ptr(y)), "cudnnConvolutionForward", p);
    }

    private void biasAct(Tensor y, Tensor b, boolean reluAfter) {
        Shape s = y.shape();
        kernels.start(Kernel.BIAS_ACT).ptr(ptr(y)).ptr(ptr(b)).i32(s.dim(1)).i64((long) s.dim(2) * s.dim(3)).i64(y.size())
                .i32(reluAfter ? 1 : 0).launchOver(y.size());
    }

    private int fused(ConvPlan p, Tensor x, Tensor w, Tensor b, Tensor y) {
        int algo = algorithm(p, Cudnn.Direction.FORWARD);
        return cudnn.biasActivationForward(handle, one, p.x, ptr(x), p.w, ptr(w), p.conv[0], algo, workspace, workspaceBytes,
                zero, p.y, ptr(y), p.bias, ptr(b), relu, p.y, ptr(y));
    }

    private static void checkConv(String op, Tensor b, ConvPlan p, Tensor y) {
        Backend.requireShape(op, "y", y, outputShape(p.key));
        if (b != null) Backend.requireShape(op, "bias", b, Shape.of(p.key.o()));
    }

    @Override
    public void conv2dForward(Tensor x, Tensor w, Tensor b, int stride, int padding, Tensor y) {
        ensureContext();
        ConvPlan p = plan("conv2dForward", x, w, stride, padding);
        checkConv("conv2dForward", b, p, y);
        convolve(p, x, w, y);
        biasAct(y, b, false);
    }

    // tag::conv-bias-relu[]
    @Override
    public void conv2dBiasReluForward(Tensor x, Tensor w, Tensor b, int stride, int padding, Tensor y) {
        ensureContext();
        ConvPlan p = plan("conv2dBiasReluForward", x, w, stride, padding);
        checkConv("conv2dBiasReluForward", b, p, y);
        if (p.fusion == ConvPlan.Fusion.UNDECIDED) decideFusion(p, x, w, b, y);
        if (p.fusion == ConvPlan.Fusion.FUSED) {
            cudnnCheck(fused(p, x, w, b, y), "cudnnConvolutionBiasActivationForward", p);
        } else {
            convolve(p, x, w, y);
            biasAct(y, b, true);
        }
    }
    // end::conv-bias-relu[]

    // tag::fusion-trial[]
    /**
     * cudnnConvolutionBiasActivationForward supports only some algorithms and may be slower than the separate
     * calls; try it once per shape on the real tensors: keep it only if it runs, ignores z (y filled with NaN, alpha2 = 0),
     * agrees with the separate calls, and is faster.
     */
    private void decideFusion(ConvPlan p, Tensor x, Tensor w, Tensor b, Tensor y) {
        String key = p.key + " fused conv+bias+relu";
        if (!cudnn.hasFusedConvBiasActivation()) {
            p.fusion = ConvPlan.Fusion.UNFUSED;
            convolutionChoices.put(key, "no: this cuDNN has no " + Cudnn.FUSED);
            return;
        }
        convolve(p, x, w, y);
        biasAct(y, b, true);
        double separate = sumOfSquares(y);
        fill(y, Float.NaN);
        int status = fused(p, x, w, b, y);
        if (status != 0) {
            p.fusion = ConvPlan.Fusion.UNFUSED;
            convolutionChoices.put(key, "no: status " + status + " (" + cudnn.describe(status) + ") for algo " + p.algo[0]);
            return;
        }
        double together = sumOfSquares(y);
        if (!(Math.abs(together - separate) <= 1e-3 * Math.max(1e-30, Math.abs(separate)))) {
            p.fusion = ConvPlan.Fusion.UNFUSED;
            convolutionChoices.put(key, "no: result differs (sum of squares " + together + " vs " + separate + ")");
            return;
        }
        float fusedMs = time(() -> cudnnCheck(fused(p, x, w, b, y), "cudnnConvolutionBiasActivationForward", p));
        float separateMs = time(() -> {
            convolve(p, x, w, y);
            biasAct(y, b, true);
        });
        p.fusion = fusedMs <= separateMs ? ConvPlan.Fusion.FUSED : ConvPlan.Fusion.UNFUSED;
        convolutionChoices.put(key, String.format("%s: fused %.3f ms, separate %.3f ms", p.fusion == ConvPlan.Fusion.FUSED ? "yes" : "no",
                fusedMs, separateMs));
    }
    // end::fusion-trial[]

    /** Milliseconds per run of {@code work} on the stream, over 3 runs after one warm-up. */
    float time(Runnable work) {
        work.run();
        rt.eventRecord(timingStart, stream);
        for (int i = 0; i < 3; i++) work.run();
        rt.eventRecord(timingEnd, stream);
        rt.eventSynchronize(timingEnd);
        return rt.eventElapsedMs(timingStart, timingEnd) / 3;
    }

    @Override
    public void conv2dBackwardData(Tensor dy, Tensor w, int stride, int padding, Tensor dx) {
        ensureContext();
        ConvPlan p = plan("conv2dBackwardData", dx, w, stride, padding);
        Backend.requireShape("conv2dBackwardData", "dy", dy, outputShape(p.key));
        int algo = algorithm(p, Cudnn.Direction.BACKWARD_DATA);
        cudnnCheck(cudnn.backwardData(handle, one, p.w, ptr(w), p.y, ptr(dy), p.conv[1], algo, workspace, workspaceBytes,
                zero, p.x, ptr(dx)), "cudnnConvolutionBackwardData", p);
    }

    @Override
    public void conv2dBackwardFilter(Tensor x, Tensor dy, int stride, int padding, Tensor dw, Tensor db) {
        ensureContext();
        ConvPlan p = plan("conv2dBackwardFilter", x, dw, stride, padding);
        Backend.requireShape("conv2dBackwardFilter", "dy", dy, outputShape(p.key));
        Backend.requireShape("conv2dBackwardFilter", "db", db, Shape.of(p.key.o()));
        int algo = algorithm(p, Cudnn.Direction.BACKWARD_FILTER);
        cudnnCheck(cudnn.backwardFilter(handle, one, p.x, ptr(x), p.y, ptr(dy), p.conv[2], algo, workspace, workspaceBytes,
                zero, p.w, ptr(dw)), "cudnnConvolutionBackwardFilter", p);
        biasGradient(dy, db, p);
    }

    /**
     * db[c] = the sum of dy over the batch and the plane: our two-pass kernel, which reads dy with many blocks per
     * channel (cuDNN's backward bias was several times slower than a read of dy for few channels of large planes);
     * cuDNN's where the channels outnumber the partial sums' slots.
     */
    private void biasGradient(Tensor dy, Tensor db, ConvPlan p) {
        Shape s = dy.shape();
        int channels = s.dim(1);
        if (channels > PARTIAL_SLOTS) {
            cudnnCheck(cudnn.backwardBias(handle, one, p.y, ptr(dy), zero, p.bias, ptr(db)), "cudnnConvolutionBackwardBias", p);
            return;
        }
        long hw = (long) s.dim(2) * s.dim(3), perChannel = s.dim(0) * hw;
        // as many parts as the slots allow, but no part smaller than four loads per thread
        int parts = (int) Math.max(1, Math.min(PARTIAL_SLOTS / channels, (perChannel + 4L * Kernels.THREADS - 1) / (4L * Kernels.THREADS)));
        kernels.start(Kernel.BIAS_GRAD_PARTIAL).ptr(ptr(dy)).i32(channels).i64(hw).i64(perChannel).i32(parts).ptr(partialSums)
                .launch(channels * parts);
        kernels.start(Kernel.BIAS_GRAD_FINAL).ptr(partialSums).i32(channels).i32(parts).ptr(ptr(db)).launchOver(channels);
    }

    // ---- element-wise and small operations: kernels.cu ----------------------------------------------------

    private static void sameSize(String op, Tensor a, Tensor b) {
        if (a.size() != b.size()) throw new IllegalArgumentException(op + ": " + a.shape() + " and " + b.shape() + " differ in size");
    }

    @Override
    public void relu(Tensor x, Tensor y) {
        ensureContext();
        sameSize("relu", x, y);
        kernels.start(Kernel.RELU).ptr(ptr(x)).ptr(ptr(y)).i64(x.size()).launchOver(x.size());
    }

    @Override
    public void reluBackward(Tensor y, Tensor dy, Tensor dx) {
        ensureContext();
        sameSize("reluBackward", y, dy);
        sameSize("reluBackward", y, dx);
        kernels.start(Kernel.RELU_BACKWARD).ptr(ptr(y)).ptr(ptr(dy)).ptr(ptr(dx)).i64(y.size()).launchOver(y.size());
    }

    private static Shape pooled(Shape x, int k, int s) {
        return Shape.of(x.dim(0), x.dim(1), (x.dim(2) - k) / s + 1, (x.dim(3) - k) / s + 1);
    }

    @Override
    public void maxPool2d(Tensor x, int kernel, int stride, Tensor y) {
        ensureContext();
        Shape s = x.shape();
        Backend.requireShape("maxPool2d", "y", y, pooled(s, kernel, stride));
        long nc = (long) s.dim(0) * s.dim(1);
        Shape o = y.shape();
        kernels.start(Kernel.MAXPOOL_FORWARD).ptr(ptr(x)).ptr(ptr(y)).i64(nc).i32(s.dim(2)).i32(s.dim(3)).i32(o.dim(2)).i32(o.dim(3))
                .i32(kernel).i32(stride).launchOver(y.size());
    }

    @Override
    public void maxPool2dBackward(Tensor x, Tensor y, Tensor dy, int kernel, int stride, Tensor dx) {
        maxPoolBackward("maxPool2dBackward", x, y, dy, kernel, stride, dx, false);
    }

    /** One pass: the routed gradient, 0 where x (the ReLU's output) is not positive. */
    @Override
    public void maxPool2dReluBackward(Tensor x, Tensor y, Tensor dy, int kernel, int stride, Tensor dx) {
        maxPoolBackward("maxPool2dReluBackward", x, y, dy, kernel, stride, dx, true);
    }

    private void maxPoolBackward(String op, Tensor x, Tensor y, Tensor dy, int kernel, int stride, Tensor dx, boolean reluMask) {
        ensureContext();
        Shape s = x.shape();
        Backend.requireShape(op, "dy", dy, pooled(s, kernel, stride));
        Backend.requireShape(op, "dx", dx, s);
        long nc = (long) s.dim(0) * s.dim(1);
        Shape o = dy.shape();
        Backend.requireShape(op, "y", y, o);
        kernels.start(Kernel.MAXPOOL_BACKWARD).ptr(ptr(x)).ptr(ptr(y)).ptr(ptr(dy)).ptr(ptr(dx)).i64(nc).i32(s.dim(2)).i32(s.dim(3))
                .i32(o.dim(2)).i32(o.dim(3)).i32(kernel).i32(stride).i32(reluMask ? 1 : 0).launchOver(x.size());
    }

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor mask, Tensor y) {
        ensureContext();
        sameSize("dropout", x, mask);
        sameSize("dropout", x, y);
        kernels.start(Kernel.DROPOUT).ptr(ptr(x)).ptr(ptr(mask)).ptr(ptr(y)).i64(x.size()).i64(seed).f32(p).launchOver(x.size());
    }

    @Override
    public void dropoutBackward(Tensor dy, Tensor mask, Tensor dx) {
        ensureContext();
        sameSize("dropoutBackward", dy, mask);
        sameSize("dropoutBackward", dy, dx);
        kernels.start(Kernel.MULTIPLY).ptr(ptr(dy)).ptr(ptr(mask)).ptr(ptr(dx)).i64(dy.size()).launchOver(dy.size());
    }

    @Override
    public void globalAvgPool(Tensor x, Tensor y) {
        ensureContext();
        Shape s = x.shape();
        Backend.requireShape("globalAvgPool", "y", y, Shape.of(s.dim(0), s.dim(1), 1, 1));
        long nc = (long) s.dim(0) * s.dim(1);
        kernels.start(Kernel.GAP_FORWARD).ptr(ptr(x)).ptr(ptr(y)).i64(nc).i32(s.dim(2) * s.dim(3)).launchOver(nc);
    }

    @Override
    public void globalAvgPoolBackward(Tensor dy, Tensor dx) {
        ensureContext();
        Shape s = dx.shape();
        long nc = (long) s.dim(0) * s.dim(1);
        if (dy.size() != nc) throw new IllegalArgumentException("globalAvgPoolBackward: dy " + dy.shape() + " does not match dx " + s);
        kernels.start(Kernel.GAP_BACKWARD).ptr(ptr(dy)).ptr(ptr(dx)).i64(nc).i32(s.dim(2) * s.dim(3)).launchOver(dx.size());
    }

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor dlogits, Tensor stats) {
        ensureContext();
        int n = logits.shape().dim(0), k = (int) (logits.size() / n);
        if (labels.size() != n) throw new IllegalArgumentException("softmaxCrossEntropy: " + labels.size() + " labels for " + n + " rows");
        if (dlogits != null) sameSize("softmaxCrossEntropy", logits, dlogits);
        if (stats.size() < 2) throw new IllegalArgumentException("softmaxCrossEntropy: stats needs 2 elements, has " + stats.shape());
        Kernels launch = kernels.start(Kernel.SOFTMAX_XENT).ptr(ptr(logits)).ptr(ptr(labels));
        (dlogits == null ? launch.i64(0) : launch.ptr(ptr(dlogits))).ptr(ptr(stats)).i32(n).i32(k).launch(1);
    }

    @Override
    public void sgdStep(Tensor w, Tensor dw, float lr) {
        ensureContext();
        sameSize("sgdStep", w, dw);
        kernels.start(Kernel.SGD).ptr(ptr(w)).ptr(ptr(dw)).f32(lr).i64(w.size()).launchOver(w.size());
    }

    @Override
    public void sgdMomentumStep(Tensor w, Tensor dw, Tensor velocity, float lr, float momentum, float weightDecay) {
        ensureContext();
        Backend.requireMomentumArguments(w, dw, velocity, momentum);
        Kernels launch = kernels.start(Kernel.SGD_MOMENTUM).ptr(ptr(w)).ptr(ptr(dw));
        (velocity == null ? launch.i64(0) : launch.ptr(ptr(velocity))).f32(lr).f32(momentum).f32(weightDecay).i64(w.size()).launchOver(w.size());
    }

    @Override
    public void resizeBilinear(Tensor src, Tensor dst) {
        ensureContext();
        Shape s = src.shape(), d = dst.shape();
        if (s.dim(0) != d.dim(0) || s.dim(1) != d.dim(1)) {
            throw new IllegalArgumentException("resizeBilinear: " + s + " to " + d + " changes batch or channels");
        }
        long nc = (long) s.dim(0) * s.dim(1);
        kernels.start(Kernel.RESIZE_BILINEAR).ptr(ptr(src)).ptr(ptr(dst)).i64(nc).i32(s.dim(2)).i32(s.dim(3)).i32(d.dim(2)).i32(d.dim(3))
                .launchOver(dst.size());
    }

    @Override
    public double sumOfSquares(Tensor t) {
        ensureContext();
        long n = t.size();
        int blocks = (int) Math.max(1, Math.min(PARTIAL_SLOTS, (n + Kernels.THREADS - 1) / Kernels.THREADS));
        kernels.start(Kernel.SUMSQ_PARTIAL).ptr(ptr(t)).i64(n).ptr(partialSums).launch(blocks);
        kernels.start(Kernel.SUMSQ_FINAL).ptr(partialSums).i32(blocks).ptr(sumsqOut).launch(1);
        MemorySegment host = hostBuffer(8);
        rt.memcpyAsync(host, sumsqOut, 8, CudaRuntime.MEMCPY_DEVICE_TO_HOST, stream);
        rt.streamSynchronize(stream);
        return host.get(JAVA_DOUBLE, 0);
    }

    // ---- closing ----------------------------------------------------------------------------------------

    /** Frees every allocation, descriptor and handle; safe to call twice and after a failed start. */
    @Override
    public void close() {
        if (closed) return;
        List<RuntimeException> failures = new ArrayList<>();
        if (context != null) run(failures, () -> driver.setCurrentContext(context));
        run(failures, () -> {
            if (stream != null) rt.streamSynchronize(stream);
        });
        for (ConvPlan p : plans.values()) run(failures, () -> p.destroy(cudnn));
        plans.clear();
        for (Allocation a : allocations) {
            run(failures, () -> deviceFree(a.pointer, a.bytes));
            if (a.staging != null) run(failures, () -> rt.freeHost(a.staging));
            if (a.stagingCopied != null) run(failures, () -> rt.eventDestroy(a.stagingCopied));
        }
        allocations.clear();
        if (workspaceBytes > 0) run(failures, () -> deviceFree(workspace, workspaceBytes));
        if (partialSums != null) run(failures, () -> deviceFree(partialSums, 8L * PARTIAL_SLOTS));
        if (sumsqOut != null) run(failures, () -> deviceFree(sumsqOut, 8));
        if (hostBuffer != null) run(failures, () -> rt.freeHost(hostBuffer));
        if (timingStart != null) run(failures, () -> rt.eventDestroy(timingStart));
        if (timingEnd != null) run(failures, () -> rt.eventDestroy(timingEnd));
        if (kernels != null) run(failures, kernels::close);
        if (relu != null) run(failures, () -> cudnn.destroyActivation(relu));
        if (handle != null) run(failures, () -> cudnn.destroy(handle));
        if (stream != null) run(failures, () -> rt.streamDestroy(stream));
        closed = true;
        arena.close();
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            for (int i = 1; i < failures.size(); i++) first.addSuppressed(failures.get(i));
            throw first;
        }
    }

    private static void run(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }
}
