package dev.nin.train.record;

import dev.nin.testing.Property;
import org.junit.jupiter.api.Tag;
import org.quicktheories.core.Gen;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.nin.testing.Property.forAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

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

    /** File names from letters, dots and the characters a glob or a regular expression would treat specially. */
    static Gen<String> names() {
        String alphabet = "ab.-*?[]{}\\";
        return lists().of(integers().between(0, alphabet.length() - 1)).ofSizeBetween(1, 10)
                .map(chars -> chars.stream().map(i -> String.valueOf(alphabet.charAt(i))).reduce("", String::concat));
    }

    @Test
    void removingTheLeftoversOfOneFileRemovesThemAndNothingElse() {
        // half the time the other name extends the first (run.json beside run.json.bak): the case a pattern gets wrong
        forAll(names(), names(), booleans().all(), longs().all()).tries(200).check((a, other, extend, random) -> {
            String b = extend ? a + "." + other : other;
            Property.discardIf(a.equals(b) || a.matches("\\.+") || b.matches("\\.+"));  // "." and ".." are not file names
            Path here = Files.createTempDirectory(dir, "try");
            Path fileA = Files.writeString(here.resolve(a), "a"), fileB = Files.writeString(here.resolve(b), "b");
            Path leftA = Files.writeString(here.resolve(AtomicFile.temporaryName(a, random)), "");
            Path leftB = Files.writeString(here.resolve(AtomicFile.temporaryName(b, random)), "");

            assertThat(AtomicFile.removeLeftovers(fileA)).isEqualTo(1);
            assertThat(leftA).doesNotExist();
            assertThat(fileA).exists();
            assertThat(fileB).exists();
            assertThat(leftB).exists();
        });
    }
}
