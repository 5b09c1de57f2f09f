package dev.nin.engine.gpu;

import java.io.File;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds NVIDIA's libraries by file name: first in the directories the user names (system property
 * {@code nin.cuda.libs}, set by {@code --cuda-libs}, else the environment variable {@code NIN_CUDA_LIBS};
 * colon-separated), then through the system loader's own search path. When nothing loads, the exception
 * lists every place it looked and why each failed.
 */
public final class NativeLibraries {
    static final Linker LINKER = Linker.nativeLinker();

    private NativeLibraries() {
    }

    /** A loaded library: its symbols and where it came from. */
    public record Library(String what, String origin, Path file, SymbolLookup symbols) {
        // tag::downcall[]
        MethodHandle function(String name, FunctionDescriptor descriptor) {
            MemorySegment address = symbols.find(name).orElseThrow(() -> new GpuUnavailableException(
                    what + " (" + origin + ") has no function " + name + "; is it the expected version?"));
            return LINKER.downcallHandle(address, descriptor);
        }
        // end::downcall[]

        boolean has(String name) {
            return symbols.find(name).isPresent();
        }
    }

    /** The directories to search first, from {@code nin.cuda.libs} or {@code NIN_CUDA_LIBS}. */
    public static List<Path> userDirectories() {
        String spec = System.getProperty("nin.cuda.libs");
        if (spec == null || spec.isBlank()) spec = System.getenv("NIN_CUDA_LIBS");
        List<Path> dirs = new ArrayList<>();
        if (spec != null) {
            for (String part : spec.split(File.pathSeparator)) if (!part.isBlank()) dirs.add(Path.of(part.trim()));
        }
        return dirs;
    }

    /**
     * Loads the first of {@code fileNames} (e.g. libcudart.so.13, then libcudart.so.12) found in {@code dirs},
     * else through the system loader.
     */
    public static Library load(String what, List<String> fileNames, List<Path> dirs, Arena arena) {
        List<String> looked = new ArrayList<>();
        for (String name : fileNames) {
            for (Path dir : dirs) {
                Path file = dir.resolve(name);
                if (!Files.exists(file)) {
                    looked.add(file + " (absent)");
                    continue;
                }
                try {
                    return new Library(what, file.toString(), file, SymbolLookup.libraryLookup(file, arena));
                } catch (IllegalArgumentException | IllegalCallerException e) {
                    looked.add(file + " (present but did not load: " + e.getMessage() + ")");
                }
            }
        }
        for (String name : fileNames) {
            try {
                return new Library(what, name + " via the system loader", null, SymbolLookup.libraryLookup(name, arena));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                looked.add(name + " on the system loader path (LD_LIBRARY_PATH=" + orNone(System.getenv("LD_LIBRARY_PATH"))
                        + ", ld.so.cache): " + e.getMessage());
            }
        }
        throw new GpuUnavailableException("no usable GPU: cannot load " + what + " (" + String.join(" or ", fileNames)
                + "). Looked in: " + String.join("; ", looked)
                + ". Name the directories with --cuda-libs DIR:DIR or NIN_CUDA_LIBS.");
    }

    private static String orNone(String s) {
        return s == null || s.isBlank() ? "unset" : s;
    }

    /** A NUL-terminated C string at an address that a C function returned. */
    static String cString(MemorySegment pointer) {
        if (pointer == null || pointer.equals(MemorySegment.NULL)) return "(no message)";
        return pointer.reinterpret(Integer.MAX_VALUE).getString(0);
    }
}
