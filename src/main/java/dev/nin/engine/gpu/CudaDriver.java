package dev.nin.engine.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The driver API calls (cuda.h) that load NVRTC-compiled kernels and launch them. They run in the primary
 * context that the runtime made current (cudaSetDevice + cudaFree(0)); a CUstream is a cudaStream_t.
 */
final class CudaDriver {
    final NativeLibraries.Library library;
    private final MethodHandle init, deviceGet, deviceGetName, deviceTotalMem, ctxGetCurrent, ctxSetCurrent,
            moduleLoadData, moduleGetFunction, moduleUnload, launchKernel, getErrorName, getErrorString;
    private final MemorySegment scratch, text;

    CudaDriver(NativeLibraries.Library lib, Arena arena) {
        library = lib;
        scratch = arena.allocate(16, 8);
        text = arena.allocate(8, 8);
        init = lib.function("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        deviceGet = lib.function("cuDeviceGet", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        deviceGetName = lib.function("cuDeviceGetName", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        deviceTotalMem = lib.function("cuDeviceTotalMem_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        ctxGetCurrent = lib.function("cuCtxGetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        ctxSetCurrent = lib.function("cuCtxSetCurrent", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        moduleLoadData = lib.function("cuModuleLoadData", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        moduleGetFunction = lib.function("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        moduleUnload = lib.function("cuModuleUnload", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        launchKernel = lib.function("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        getErrorName = lib.function("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        getErrorString = lib.function("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    String describe(int status) {
        try {
            String name = (int) getErrorName.invokeExact(status, text) == 0 ? NativeLibraries.cString(text.get(ADDRESS, 0)) : "?";
            String meaning = (int) getErrorString.invokeExact(status, text) == 0 ? NativeLibraries.cString(text.get(ADDRESS, 0)) : "unknown CUresult";
            return name + ": " + meaning;
        } catch (Throwable t) {
            return "unknown CUresult";
        }
    }

    void check(int status, String call) {
        if (status != 0) throw new CudaException(call, status, describe(status));
    }

    void init() {
        try {
            check((int) init.invokeExact(0), "cuInit(0)");
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    int device(int ordinal) {
        try {
            check((int) deviceGet.invokeExact(scratch, ordinal), "cuDeviceGet(" + ordinal + ")");
            return scratch.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    String deviceName(int device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment name = a.allocate(256);
            check((int) deviceGetName.invokeExact(name, 256, device), "cuDeviceGetName");
            return name.getString(0);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    long totalMemory(int device) {
        try {
            check((int) deviceTotalMem.invokeExact(scratch, device), "cuDeviceTotalMem_v2");
            return scratch.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    MemorySegment currentContext() {
        try {
            check((int) ctxGetCurrent.invokeExact(scratch), "cuCtxGetCurrent");
            return scratch.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    void setCurrentContext(MemorySegment context) {
        try {
            check((int) ctxSetCurrent.invokeExact(context), "cuCtxSetCurrent");
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    /** Loads a cubin (or PTX) image; the image must be NUL-terminated when it is PTX text. */
    MemorySegment loadModule(MemorySegment image) {
        try {
            check((int) moduleLoadData.invokeExact(scratch, image), "cuModuleLoadData (" + image.byteSize() + " byte image)");
            return scratch.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    MemorySegment function(MemorySegment module, String name) {
        try (Arena a = Arena.ofConfined()) {
            check((int) moduleGetFunction.invokeExact(scratch, module, a.allocateFrom(name)), "cuModuleGetFunction(" + name + ")");
            return scratch.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    void unload(MemorySegment module) {
        try {
            check((int) moduleUnload.invokeExact(module), "cuModuleUnload");
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    /** Returns the CUresult; the caller names the kernel in its error. */
    int launch(MemorySegment function, int grid, int block, int sharedBytes, MemorySegment stream, MemorySegment params) {
        try {
            return (int) launchKernel.invokeExact(function, grid, 1, 1, block, 1, 1, sharedBytes, stream, params, MemorySegment.NULL);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }
}
