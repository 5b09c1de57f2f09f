package dev.nin.engine.gpu;

import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Finds NVIDIA's libraries by file name: first in the directories the user names (system property
 * {@code nin.cuda.libs}, set by {@code --cuda-libs}, else the environment variable {@code NIN_CUDA_LIBS};
 * colon-separated), then through the system loader's own search path. When nothing loads, the exception
 * lists every place it looked and why each failed.
 *
 * <p>A library is loaded once per process and never unloaded: the CUDA context outlives any one backend,
 * and unloading libcudart, libcuda or libcudnn under a live context is a known crash. Backends keep their
 * own arenas for memory only.
 */
public final class NativeLibraries {
    static final Linker LINKER = Linker.nativeLinker();
    /** The files of NVIDIA's CUDA stack, as they appear among a process's mapped files. */
    static final Predicate<String> CUDA_FILES = Pattern.compile("lib(cuda|cudart|cudnn|cublas|nvrtc|nvJitLink)[^/]*\\.so[^/]*").asMatchPredicate();

    private static final Map<List<Object>, Library> LOADED = new HashMap<>();

    private NativeLibraries() {
    }

    /** A loaded library: its symbols and where it came from ({@code file}: its full path, when known). */
    public record Library(String what, String origin, Path file, SymbolLookup symbols) {
        // tag::downcall[]
        MethodHandle function(String name, FunctionDescriptor descriptor) {
            MemorySegment address = symbols.find(name).orElseThrow(() -> new GpuUnavailableException(
                    what + " (" + origin + ") has no function " + name + "; is it the expected version?"));
            return LINKER.downcallHandle(address, descriptor);
        }
        // end::downcall[]

        /** For a function only a fast path needs: empty when this build of the library lacks it. */
        Optional<MethodHandle> optionalFunction(String name, FunctionDescriptor descriptor) {
            return symbols.find(name).map(address -> LINKER.downcallHandle(address, descriptor));
        }

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
     * else through the system loader; for the rest of the process (the same request answers the same library).
     */
    public static synchronized Library load(String what, List<String> fileNames, List<Path> dirs) {
        List<Object> key = List.of(List.copyOf(fileNames), List.copyOf(dirs));
        Library loaded = LOADED.get(key);
        if (loaded == null) {
            loaded = find(what, fileNames, dirs);
            LOADED.put(key, loaded);
        }
        return loaded;
    }

    private static Library find(String what, List<String> fileNames, List<Path> dirs) {
        Arena process = Arena.global();  // never closed: see the class comment
        List<String> looked = new ArrayList<>();
        for (String name : fileNames) {
            for (Path dir : dirs) {
                Path file = dir.resolve(name);
                if (!Files.exists(file)) {
                    looked.add(file + " (absent)");
                    continue;
                }
                try {
                    SymbolLookup symbols = SymbolLookup.libraryLookup(file, process);
                    return new Library(what, file.toString(), realPath(file), symbols);
                } catch (IllegalArgumentException | IllegalCallerException e) {
                    looked.add(file + " (present but did not load: " + e.getMessage() + ")");
                }
            }
        }
        for (String name : fileNames) {
            try {
                SymbolLookup symbols = SymbolLookup.libraryLookup(name, process);
                Optional<Path> file = mappedFile(name);
                return new Library(what, name + " via the system loader" + file.map(f -> " (" + f + ")").orElse(""), file.orElse(null), symbols);
            } catch (IllegalArgumentException | IllegalCallerException e) {
                looked.add(name + " on the system loader path (LD_LIBRARY_PATH=" + orNone(System.getenv("LD_LIBRARY_PATH"))
                        + ", ld.so.cache): " + e.getMessage());
            }
        }
        throw new GpuUnavailableException("no usable GPU: cannot load " + what + " (" + String.join(" or ", fileNames)
                + "). Looked in: " + String.join("; ", looked)
                + ". Name the directories with --cuda-libs DIR:DIR or NIN_CUDA_LIBS.");
    }

    /**
     * The full paths of the files this process has mapped whose names pass {@code name} (from /proc/self/maps;
     * empty where there is none): the libraries really in use, including those a library opened itself, as
     * cuDNN opens its engine libraries and cuBLAS.
     */
    public static List<Path> mappedFiles(Predicate<String> name) {
        Path maps = Path.of("/proc/self/maps");
        LinkedHashSet<Path> files = new LinkedHashSet<>();
        if (!Files.isReadable(maps)) return List.of();
        try {
            for (String line : Files.readAllLines(maps)) {
                int slash = line.indexOf('/');
                if (slash < 0) continue;
                Path file = Path.of(line.substring(slash).replace(" (deleted)", ""));
                if (file.getFileName() != null && name.test(file.getFileName().toString())) files.add(file);
            }
        } catch (IOException | RuntimeException e) {
            return List.copyOf(files);
        }
        return List.copyOf(files);
    }

    /** The mapped file that a load of {@code fileName} brought in: that name, or a file the name links to. */
    private static Optional<Path> mappedFile(String fileName) {
        String stem = fileName.contains(".so") ? fileName.substring(0, fileName.indexOf(".so")) + ".so" : fileName;
        return mappedFiles(n -> n.equals(fileName) || n.startsWith(stem)).stream().findFirst();
    }

    private static Path realPath(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file.toAbsolutePath();
        }
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
