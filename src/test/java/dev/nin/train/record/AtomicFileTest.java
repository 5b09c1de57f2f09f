package dev.nin.train.record;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A file is written whole or not at all, and a failure names it. */
@Tag("records")
class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryAndNamesTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("run.json"), "old");
        assertThatThrownBy(() -> AtomicFile.write(file, (out, channel) -> {
            out.write("half".getBytes());
            throw new IOException("No space left on device");
        })).isInstanceOf(AtomicFile.WriteException.class).hasMessage("cannot write " + file + ": No space left on device");
        assertThat(Files.readString(file)).isEqualTo("old");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void leftoversOfOneFileAreRemovedAndNothingElse() throws IOException {
        Path file = dir.resolve("check[1].bin");
        Path stale = Files.writeString(dir.resolve("check[1].bin.abc.tmp"), "");
        Path otherFilesTemp = Files.writeString(dir.resolve("check1.bin.abc.tmp"), "");
        assertThat(AtomicFile.removeLeftovers(file)).isEqualTo(1);
        assertThat(stale).doesNotExist();
        assertThat(otherFilesTemp).exists();
    }
}
