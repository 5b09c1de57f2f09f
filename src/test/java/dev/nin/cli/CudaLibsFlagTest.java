package dev.nin.cli;

import dev.nin.book.Chapters;
import dev.nin.engine.Backend;
import dev.nin.engine.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --cuda-libs} reaches the GPU backend: {@code ./nin train --device gpu} on a machine where the GPU does
 * not open fails at once (before loading any data) with a message that names the folder it was given.
 */
@Tag(Chapters.GPU)
class CudaLibsFlagTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(CudaLibsFlag.PROPERTY);
    }

    @AfterEach
    void restore() {  // the property is global: leave it as found for the other tests in this JVM
        if (before == null) System.clearProperty(CudaLibsFlag.PROPERTY);
        else System.setProperty(CudaLibsFlag.PROPERTY, before);
    }

    private int nin(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void theFolderGivenIsWhereTheGpuBackendLooksFirstAndTheFailureNamesIt(@TempDir Path noLibraries) throws Exception {
        try (Backend gpu = Backends.open("gpu")) {
            Assumptions.abort("a GPU opens here (" + gpu.device() + "); this test is about a machine without one");
        } catch (Backends.UnavailableException expected) {
            // the case under test
        }
        for (String command : new String[] {"train", "bench"}) {
            err.reset();
            assertThat(nin(command, "--device", "gpu", "--cuda-libs", noLibraries.toString())).as(command + "'s exit status").isEqualTo(3);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(command + "'s error")
                    .startsWith("nin " + command + ": backend 'gpu' failed to open: no usable GPU")
                    .contains(noLibraries.toString());
            assertThat(System.getProperty(CudaLibsFlag.PROPERTY)).isEqualTo(noLibraries.toString());
        }
    }

    @Test
    void aFolderThatDoesNotExistIsRefusedByName() throws Exception {
        assertThat(nin("train", "--device", "gpu", "--cuda-libs", "/no/such/folder")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--cuda-libs: '/no/such/folder' is not a directory");
    }

    @Test
    void autoFallsBackToTheCpuSayingWhy() throws Exception {
        Backends.Selection s = Backends.select("auto");
        try (Backend b = s.backend()) {
            Assumptions.assumeTrue(b.name().equals("cpu"), "a GPU opened here; the fallback is not exercised");
            assertThat(s.reason()).startsWith("auto: took the CPU because the GPU backend did not open: backend 'gpu' failed to open: no usable GPU");
        }
    }
}
