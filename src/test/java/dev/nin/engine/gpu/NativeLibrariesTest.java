package dev.nin.engine.gpu;

import dev.nin.book.Chapters;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Tag(Chapters.GPU)
class NativeLibrariesTest {

    @Test
    void aMissingLibraryIsReportedWithEveryPlaceLookedIn(@TempDir Path empty) {
        Path other = empty.resolve("other");
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> NativeLibraries.load("cuDNN 9", List.of("libnin-absent.so.9"), List.of(empty, other), arena))
                    .isInstanceOf(GpuUnavailableException.class)
                    .hasMessageContaining("no usable GPU: cannot load cuDNN 9 (libnin-absent.so.9)")
                    .hasMessageContaining(empty.resolve("libnin-absent.so.9") + " (absent)")
                    .hasMessageContaining(other.resolve("libnin-absent.so.9") + " (absent)")
                    .hasMessageContaining("libnin-absent.so.9 on the system loader path")
                    .hasMessageContaining("--cuda-libs");
        }
    }

    @Test
    void aFileThatIsNotALibraryIsReportedAsPresentButNotLoaded(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve("libnin-notalibrary.so.1"), "not an ELF file");
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> NativeLibraries.load("a fake library", List.of("libnin-notalibrary.so.1"), List.of(dir), arena))
                    .hasMessageContaining(dir.resolve("libnin-notalibrary.so.1") + " (present but did not load");
        }
    }
}
