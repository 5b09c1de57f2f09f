package dev.nin.engine.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** NVRTC (nvrtc.h): compiles the backend's CUDA C source to a cubin for this GPU at run time. Needs no GPU. */
public final class Nvrtc {
    final NativeLibraries.Library library;
    private final MethodHandle version, createProgram, compileProgram, getCubinSize, getCubin, getLogSize, getLog,
            destroyProgram, getErrorString;

    Nvrtc(NativeLibraries.Library lib) {
        library = lib;
        version = lib.function("nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        createProgram = lib.function("nvrtcCreateProgram",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compileProgram = lib.function("nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        getCubinSize = lib.function("nvrtcGetCUBINSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getCubin = lib.function("nvrtcGetCUBIN", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getLogSize = lib.function("nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getLog = lib.function("nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroyProgram = lib.function("nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        getErrorString = lib.function("nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** Loads NVRTC from the user's directories or the loader path. */
    public static Nvrtc load() {
        return load(NativeLibraries.userDirectories());
    }

    /**
     * NVRTC opens its companion libnvrtc-builtins by name at compile time, which fails unless its directory is on
     * LD_LIBRARY_PATH; loading it first from NVRTC's own directory lets that look-up find it already loaded.
     */
    static Nvrtc load(List<java.nio.file.Path> dirs) {
        NativeLibraries.Library lib = NativeLibraries.load("NVRTC", List.of("libnvrtc.so.13", "libnvrtc.so.12"), dirs);
        if (lib.file() != null) {
            try (var files = java.nio.file.Files.list(lib.file().toAbsolutePath().getParent())) {
                files.filter(f -> f.getFileName().toString().matches("libnvrtc-builtins\\.so\\.\\d+\\.\\d+"))
                        .forEach(f -> java.lang.foreign.SymbolLookup.libraryLookup(f, Arena.global()));  // for the process, as NVRTC
            } catch (java.io.IOException | IllegalArgumentException e) {
                // not fatal here: compiling will report the missing builtins with NVRTC's own message
            }
        }
        return new Nvrtc(lib);
    }

    private void check(int status, String call, String log) {
        if (status == 0) return;
        String meaning;
        try {
            meaning = NativeLibraries.cString((MemorySegment) getErrorString.invokeExact(status));
        } catch (Throwable t) {
            meaning = "unknown nvrtcResult";
        }
        throw new CudaException(call + " failed with status " + status + " (" + meaning + ")" + (log.isBlank() ? "" : "; program log:\n" + log));
    }

    public String version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment major = a.allocate(JAVA_INT), minor = a.allocate(JAVA_INT);
            check((int) version.invokeExact(major, minor), "nvrtcVersion", "");
            return major.get(JAVA_INT, 0) + "." + minor.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    /**
     * Compiles {@code source} for {@code arch} (e.g. "sm_90") and returns the cubin. Options: no fused
     * multiply-add contraction, so that every float operation rounds as Java's does.
     */
    public byte[] compileToCubin(String source, String name, String arch) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment programOut = a.allocate(ADDRESS);
            check((int) createProgram.invokeExact(programOut, a.allocateFrom(source), a.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram(" + name + ")", "");
            MemorySegment program = programOut.get(ADDRESS, 0);
            try {
                // tag::compile-options[]
                List<String> options = List.of("--gpu-architecture=" + arch, "--fmad=false", "--std=c++17");
                MemorySegment optionArray = a.allocate(ADDRESS, options.size());
                for (int i = 0; i < options.size(); i++) optionArray.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i)));
                int status = (int) compileProgram.invokeExact(program, options.size(), optionArray);
                // end::compile-options[]
                String log = log(program, a);
                check(status, "nvrtcCompileProgram(" + name + ", " + options + ")", log);
                MemorySegment size = a.allocate(JAVA_LONG);
                check((int) getCubinSize.invokeExact(program, size), "nvrtcGetCUBINSize", "");
                MemorySegment cubin = a.allocate(size.get(JAVA_LONG, 0));
                check((int) getCubin.invokeExact(program, cubin), "nvrtcGetCUBIN", "");
                return cubin.toArray(JAVA_BYTE);
            } finally {
                int ignored = (int) destroyProgram.invokeExact(programOut);
            }
        } catch (Throwable t) {
            throw CudaRuntime.rethrow(t);
        }
    }

    private String log(MemorySegment program, Arena a) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        if ((int) getLogSize.invokeExact(program, size) != 0 || size.get(JAVA_LONG, 0) <= 1) return "";
        MemorySegment text = a.allocate(size.get(JAVA_LONG, 0));
        if ((int) getLog.invokeExact(program, text) != 0) return "";
        return text.getString(0);
    }
}
