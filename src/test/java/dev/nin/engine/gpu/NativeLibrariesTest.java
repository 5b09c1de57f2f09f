package dev.nin.engine.gpu;

import dev.nin.book.Chapters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the GPU backend finds and keeps NVIDIA's libraries, tried on libraries every Linux machine has (the C
 * math library stands in for libcudart: what matters is where it is found and how long it stays loaded).
 */
@Tag(Chapters.GPU)
class NativeLibrariesTest {
    /** The directories that hold libm.so.6 here (Debian: /usr/lib/x86_64-linux-gnu; merged /usr: /lib too). */
    private static List<Path> libmDirectories() {
        return NativeLibraries.mappedFiles(n -> n.startsWith("libc.so")).stream().map(Path::getParent)
                .filter(d -> Files.exists(d.resolve("libm.so.6"))).distinct().toList();
    }

    @Test
    void aMissingLibraryIsReportedWithEveryPlaceLookedIn(@TempDir Path empty) {
        Path other = empty.resolve("other");
        assertThatThrownBy(() -> NativeLibraries.load("cuDNN 9", List.of("libnin-absent.so.9"), List.of(empty, other)))
                .isInstanceOf(GpuUnavailableException.class)
                .hasMessageContaining("no usable GPU: cannot load cuDNN 9 (libnin-absent.so.9)")
                .hasMessageContaining(empty.resolve("libnin-absent.so.9") + " (absent)")
                .hasMessageContaining(other.resolve("libnin-absent.so.9") + " (absent)")
                .hasMessageContaining("libnin-absent.so.9 on the system loader path")
                .hasMessageContaining("--cuda-libs");
    }

    @Test
    void aFileThatIsNotALibraryIsReportedAsPresentButNotLoaded(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("libnin-notalibrary.so.1"), "not an ELF file");
        assertThatThrownBy(() -> NativeLibraries.load("a fake library", List.of("libnin-notalibrary.so.1"), List.of(dir)))
                .hasMessageContaining(dir.resolve("libnin-notalibrary.so.1") + " (present but did not load");
    }

    // tag::once-per-process[]
    @Test
    void aLibraryIsLoadedOncePerProcessAndOutlivesEveryBackendArena() throws Throwable {
        List<Path> dirs = libmDirectories();
        assertThat(dirs).as("a folder holding libm.so.6").isNotEmpty();
        NativeLibraries.Library first, second;
        try (Arena _ = Arena.ofShared()) {  // what a backend holds: its memory, not its libraries
            first = NativeLibraries.load("the C math library", List.of("libm.so.6"), dirs);
        }
        try (Arena _ = Arena.ofShared()) {
            second = NativeLibraries.load("the C math library", List.of("libm.so.6"), dirs);
        }
        assertThat(second).isSameAs(first);
        MemorySegment cos = first.symbols().find("cos").orElseThrow();
        assertThat(cos.scope().isAlive()).isTrue();
        assertThat(cos.scope()).as("bound to the process, not to a backend's arena").isEqualTo(Arena.global().scope());
        MethodHandle call = first.function("cos", FunctionDescriptor.of(JAVA_DOUBLE, JAVA_DOUBLE));
        assertThat((double) call.invokeExact(0.0)).isEqualTo(1.0);
    }
    // end::once-per-process[]

    @Test
    void aLoadedLibraryIsRecordedByItsFullPath() {
        List<Path> dirs = libmDirectories();
        NativeLibraries.Library libm = NativeLibraries.load("the C math library", List.of("libm.so.6"), dirs);
        assertThat(libm.file()).isAbsolute();
        assertThat(libm.file().getFileName().toString()).startsWith("libm");
        assertThat(NativeLibraries.mappedFiles(n -> n.startsWith("libm"))).contains(libm.file());
        NativeLibraries.Library viaLoader = NativeLibraries.load("zlib", List.of("libz.so.1"), List.of());
        assertThat(viaLoader.origin()).startsWith("libz.so.1 via the system loader (/");
        assertThat(viaLoader.file()).isAbsolute();
    }

    @Test
    void theCudaFilePatternNamesTheCudaStackAndNothingElse() {
        assertThat(List.of("libcudart.so.13", "libcuda.so.1", "libcudnn.so.9", "libcudnn_engines_precompiled.so.9.19.0",
                "libcublasLt.so.13", "libnvrtc.so.13", "libnvrtc-builtins.so.13.0", "libnvJitLink.so.13"))
                .allMatch(NativeLibraries.CUDA_FILES);
        assertThat(List.of("libc.so.6", "libm.so.6", "libz.so.1", "libjava.so", "libcuda_stub.a")).noneMatch(NativeLibraries.CUDA_FILES);
    }
}
