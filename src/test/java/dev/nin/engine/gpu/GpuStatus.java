package dev.nin.engine.gpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a GPU test found when it started: that the GPU (or NVRTC) opened, or why it did not. Written into the
 * book's generated folder (system property {@code nin.reports}) as {@code gpu-status-<test class>.txt}, so the
 * GPU chapter shows, beside its test table, why a test was skipped on the machine that built the book.
 */
final class GpuStatus {
    private GpuStatus() {
    }

    static void write(Class<?> test, String status) {
        String dir = System.getProperty("nin.reports");
        if (dir == null) return;  // run outside the build (e.g. by scripts/gpu-run): nothing to show in a book
        try {
            Files.createDirectories(Path.of(dir));
            Files.writeString(Path.of(dir, "gpu-status-" + test.getSimpleName() + ".txt"), status + System.lineSeparator());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the GPU status into " + dir, e);
        }
    }
}
