package dev.nin.engine.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The CUDA runtime calls the backend needs (signatures from cuda_runtime_api.h, CUDA 13), each checked:
 * a non-zero cudaError_t becomes a {@link CudaException} with cudaGetErrorName and cudaGetErrorString.
 * Not thread-safe: one backend drives one stream from one thread at a time.
 */
final class CudaRuntime {
    static final int MEMCPY_HOST_TO_DEVICE = 1, MEMCPY_DEVICE_TO_HOST = 2;
    static final int EVENT_DISABLE_TIMING = 2;
    static final int ATTR_COMPUTE_MAJOR = 75, ATTR_COMPUTE_MINOR = 76, ATTR_MULTIPROCESSORS = 16;

    private static final FunctionDescriptor INT_OF_PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor INT_OF_2PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);

    final NativeLibraries.Library library;
    private final MethodHandle getDeviceCount, setDevice, malloc, free, mallocHost, freeHost, memcpyAsync, memsetAsync,
            streamCreate, streamDestroy, streamSynchronize, eventCreateWithFlags, eventRecord, eventSynchronize,
            eventElapsedTime, eventDestroy, getErrorName, getErrorString, driverGetVersion, runtimeGetVersion,
            deviceGetAttribute, memGetInfo, deviceSynchronize;
    private final MemorySegment scratch;

    CudaRuntime(NativeLibraries.Library lib, Arena arena) {
        library = lib;
        scratch = arena.allocate(16, 8);
        getDeviceCount = lib.function("cudaGetDeviceCount", INT_OF_PTR);
        setDevice = lib.function("cudaSetDevice", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        malloc = lib.function("cudaMalloc", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        free = lib.function("cudaFree", INT_OF_PTR);
        mallocHost = lib.function("cudaMallocHost", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        freeHost = lib.function("cudaFreeHost", INT_OF_PTR);
        memcpyAsync = lib.function("cudaMemcpyAsync", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
        memsetAsync = lib.function("cudaMemsetAsync", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        streamCreate = lib.function("cudaStreamCreate", INT_OF_PTR);
        streamDestroy = lib.function("cudaStreamDestroy", INT_OF_PTR);
        streamSynchronize = lib.function("cudaStreamSynchronize", INT_OF_PTR);
        eventCreateWithFlags = lib.function("cudaEventCreateWithFlags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        eventRecord = lib.function("cudaEventRecord", INT_OF_2PTR);
        eventSynchronize = lib.function("cudaEventSynchronize", INT_OF_PTR);
        eventElapsedTime = lib.function("cudaEventElapsedTime", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        eventDestroy = lib.function("cudaEventDestroy", INT_OF_PTR);
        getErrorName = lib.function("cudaGetErrorName", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        getErrorString = lib.function("cudaGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        driverGetVersion = lib.function("cudaDriverGetVersion", INT_OF_PTR);
        runtimeGetVersion = lib.function("cudaRuntimeGetVersion", INT_OF_PTR);
        deviceGetAttribute = lib.function("cudaDeviceGetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        memGetInfo = lib.function("cudaMemGetInfo", INT_OF_2PTR);
        deviceSynchronize = lib.function("cudaDeviceSynchronize", FunctionDescriptor.of(JAVA_INT));
    }

    String describe(int status) {
        try {
            String name = NativeLibraries.cString((MemorySegment) getErrorName.invokeExact(status));
            String text = NativeLibraries.cString((MemorySegment) getErrorString.invokeExact(status));
            return name + ": " + text;
        } catch (Throwable t) {
            return "unknown cudaError_t";
        }
    }

    void check(int status, String call) {
        if (status != 0) throw new CudaException(call, status, describe(status));
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** The number of devices, or the status when the driver refuses (e.g. 35 insufficient driver, 100 no device). */
    int deviceCountStatus() {
        try {
            return (int) getDeviceCount.invokeExact(scratch);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int lastDeviceCount() {
        return scratch.get(JAVA_INT, 0);
    }

    void setDevice(int device) {
        try {
            check((int) setDevice.invokeExact(device), "cudaSetDevice(" + device + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment malloc(long bytes) {
        try {
            check((int) malloc.invokeExact(scratch, bytes), "cudaMalloc(" + bytes + " bytes)");
            return scratch.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void free(MemorySegment device) {
        try {
            check((int) free.invokeExact(device), "cudaFree");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Page-locked host memory of the given size, readable from Java. */
    MemorySegment mallocHost(long bytes) {
        try {
            check((int) mallocHost.invokeExact(scratch, bytes), "cudaMallocHost(" + bytes + " bytes)");
            return scratch.get(ADDRESS, 0).reinterpret(bytes);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void freeHost(MemorySegment host) {
        try {
            check((int) freeHost.invokeExact(host), "cudaFreeHost");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void memcpyAsync(MemorySegment dst, MemorySegment src, long bytes, int kind, MemorySegment stream) {
        try {
            int status = (int) memcpyAsync.invokeExact(dst, src, bytes, kind, stream);
            if (status != 0) check(status, "cudaMemcpyAsync(" + bytes + " bytes, kind " + kind + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void memsetAsync(MemorySegment dst, int value, long bytes, MemorySegment stream) {
        try {
            int status = (int) memsetAsync.invokeExact(dst, value, bytes, stream);
            if (status != 0) check(status, "cudaMemsetAsync(" + bytes + " bytes)");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment streamCreate() {
        try {
            check((int) streamCreate.invokeExact(scratch), "cudaStreamCreate");
            return scratch.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void streamDestroy(MemorySegment stream) {
        try {
            check((int) streamDestroy.invokeExact(stream), "cudaStreamDestroy");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void streamSynchronize(MemorySegment stream) {
        try {
            check((int) streamSynchronize.invokeExact(stream), "cudaStreamSynchronize (an earlier asynchronous operation may have failed)");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    MemorySegment eventCreate(int flags) {
        try {
            check((int) eventCreateWithFlags.invokeExact(scratch, flags), "cudaEventCreateWithFlags");
            return scratch.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void eventRecord(MemorySegment event, MemorySegment stream) {
        try {
            check((int) eventRecord.invokeExact(event, stream), "cudaEventRecord");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void eventSynchronize(MemorySegment event) {
        try {
            check((int) eventSynchronize.invokeExact(event), "cudaEventSynchronize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    float eventElapsedMs(MemorySegment start, MemorySegment end) {
        try {
            check((int) eventElapsedTime.invokeExact(scratch, start, end), "cudaEventElapsedTime");
            return scratch.get(JAVA_FLOAT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void eventDestroy(MemorySegment event) {
        try {
            check((int) eventDestroy.invokeExact(event), "cudaEventDestroy");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int driverVersion() {
        try {
            check((int) driverGetVersion.invokeExact(scratch), "cudaDriverGetVersion");
            return scratch.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int runtimeVersion() {
        try {
            check((int) runtimeGetVersion.invokeExact(scratch), "cudaRuntimeGetVersion");
            return scratch.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    int attribute(int attribute, int device) {
        try {
            check((int) deviceGetAttribute.invokeExact(scratch, attribute, device), "cudaDeviceGetAttribute(" + attribute + ")");
            return scratch.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {free, total} device memory in bytes. */
    long[] memInfo() {
        try {
            check((int) memGetInfo.invokeExact(scratch, scratch.asSlice(8)), "cudaMemGetInfo");
            return new long[]{scratch.get(JAVA_LONG, 0), scratch.get(JAVA_LONG, 8)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    void deviceSynchronize() {
        try {
            check((int) deviceSynchronize.invokeExact(), "cudaDeviceSynchronize");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** "13.0" from 13000. */
    static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }
}
