package dev.nin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nin.book.Chapters;
import dev.nin.model.Nin;
import dev.nin.model.ParameterCount;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag(Chapters.EXERCISES)
class CheckCommandTest {

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int nin(String... args) throws Exception {
        PrintStream before = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));  // the command reports unreadable files there
        try {
            return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
        }
    }

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void theTemplateIsPrintedAndAFilledInFileOfRightAnswersExitsZero() throws Exception {
        assertThat(nin("check", "--template")).isZero();
        String template = out.toString(StandardCharsets.UTF_8);
        out.reset();
        Path answers = file("answers.txt", template.replace("params.total =", "params.total = " + ParameterCount.of(Nin.spec())));
        assertThat(nin("check", answers.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 right, 0 wrong").contains("right       params.total");
    }

    @Test
    void aWrongAnswerExitsOneWithAHint() throws Exception {
        assertThat(nin("check", file("a.txt", "params.total = 1,000,000\n").toString())).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("wrong       params.total (line 1): too small; see the counting chapter");
    }

    @Test
    void aFileThatCannotBeReadExitsTwoWithOneLineAndNoStackTrace() throws Exception {
        assertThat(nin("check", dir.resolve("missing.txt").toString())).isEqualTo(2);
        assertThat(nin("check", Files.write(dir.resolve("w.bin"), new byte[]{0, 1, 2}).toString())).isEqualTo(2);
        assertThat(nin("check", dir.toString())).isEqualTo(2);
        String errors = err.toString(StandardCharsets.UTF_8);
        assertThat(errors.lines()).hasSize(3).allSatisfy(l -> assertThat(l).startsWith("nin check: "));
        assertThat(errors).contains("no such file", "is a binary file", "is a folder").doesNotContain("Exception", "\tat ");
    }

    @Test
    void anEmptyFileIsSaidToBeEmpty() throws Exception {
        assertThat(nin("check", file("e.txt", "").toString())).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("is empty: no answers to check");
    }

    @Test
    void codeExercisesAreCheckedWithExitZeroOneOrTwo() throws Exception {
        assertThat(nin("check", "--code", "src/test/resources/exercises/solutions")).isZero();
        assertThat(nin("check", "--code", "src/test/resources/exercises/wrong/no-relus")).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("MyNinBlock (exercise 2: a NiN block with one 1×1 convolution): passed")
                .contains("FAILED  every convolution is followed by a ReLU");
        assertThat(nin("check", "--code", dir.resolve("nowhere").toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("nin check: ").contains("no such folder").doesNotContain("\tat ");
    }

    @Test
    void wrongArgumentsAreOneLine() throws Exception {
        assertThat(nin("check")).isEqualTo(2);
        assertThat(nin("check", "--templat")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("expected --template or one answers file"));
    }
}
