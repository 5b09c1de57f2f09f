package dev.nin.cli;

import dev.nin.data.FashionMnist;
import dev.nin.data.IdxFiles;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's data check ({@code nin_require_fashion_mnist} in ./nin) accepts what the loader reads, and says what is wrong. */
@Tag("data")
class LauncherTest {
    @TempDir
    Path dir;

    record Result(int status, String err) {
    }

    /** Sources ./nin (which then only defines its functions) and runs the check on dir. */
    private Result check(Path data) throws IOException, InterruptedException {
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", "source ./nin && nin_require_fashion_mnist && echo \"ok $FASHION_MNIST_DIR\"");
        bash.environment().put("FASHION_MNIST_DIR", data.toString());
        bash.redirectErrorStream(true);
        Process p = bash.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), said);
    }

    @Test
    void theGzippedAndTheUnpackedFilesAreBothAccepted() throws Exception {
        Path data = IdxFiles.fashionMnist(dir.resolve("data"), 4, 2, 28);
        assertThat(check(data)).isEqualTo(new Result(0, "ok " + data + "\n"));
        // unpack two of the four, as gunzip does: the loader reads such a folder, so the launcher must accept it
        for (String name : new String[]{FashionMnist.TRAIN_IMAGES, FashionMnist.TEST_LABELS}) {
            Path gz = data.resolve(name + ".gz");
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
                Files.write(data.resolve(name), in.readAllBytes());
            }
            Files.delete(gz);
        }
        assertThat(check(data)).isEqualTo(new Result(0, "ok " + data + "\n"));
        assertThat(FashionMnist.load(data).train().count()).isEqualTo(4);
    }

    @Test
    void aDirectoryInPlaceOfAFileIsCalledADirectoryNotMissing() throws Exception {
        Path data = IdxFiles.fashionMnist(dir.resolve("data"), 4, 2, 28);
        Path file = data.resolve(FashionMnist.TRAIN_LABELS + ".gz");
        Files.delete(file);
        Files.createDirectory(file);
        Result r = check(data);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("nin: Fashion-MNIST: " + file + " is a directory, not an IDX file\n");
    }

    @Test
    void aMissingFileIsNamed() throws Exception {
        Path data = IdxFiles.fashionMnist(dir.resolve("data"), 4, 2, 28);
        Files.delete(data.resolve(FashionMnist.TEST_IMAGES + ".gz"));
        Result r = check(data);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("nin: Fashion-MNIST is missing from " + data + ": " + FashionMnist.TEST_IMAGES + ".gz (gzipped or unpacked)\n");
    }

    /**
     * The oneDNN check answers as the loader would, also under .ci/run's {@code set -euo pipefail} (where a pipe into
     * {@code grep -q} once failed although the library was there).
     */
    @Test
    void theOneDnnCheckFindsWhatTheLoaderFindsUnderPipefail() throws Exception {
        ProcessBuilder bash = new ProcessBuilder("bash", "-c", "set -euo pipefail; source ./nin; if nin_has_onednn; then echo yes; else echo no; fi");
        bash.redirectErrorStream(true);
        Process p = bash.start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        boolean installed = Files.exists(Path.of("/lib/x86_64-linux-gnu/libdnnl.so.2")) || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libdnnl.so.2"));
        assertThat(said).isEqualTo(installed ? "yes" : "no");
    }
}
