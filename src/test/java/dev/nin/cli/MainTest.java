package dev.nin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nin.book.Chapters;
import dev.nin.model.Nin;
import dev.nin.model.Shape;
import dev.nin.model.ShapeTrace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag(Chapters.NIN_MODEL)
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    private int nin(String... args) throws Exception {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void shapesPrintsTheTraceOfOne224Image() throws Exception {
        assertThat(nin("shapes")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(ShapeTrace.format(Nin.spec(), Shape.of(1, 1, 224, 224)))
                .startsWith("NinBlock output shape:\t [1, 96, 54, 54]\n");
    }

    @Test
    void shapesRejectsAnInputThatIsTooSmallNamingTheMinimum() throws Exception {
        assertThat(nin("shapes", "50")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("at least 67x67").contains("50");
    }

    @Test
    void paramsPrintsEachBlockAndTheTotal() throws Exception {
        assertThat(nin("params")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("30,336", "746,240", "1,180,800", "34,790", "1,992,166");
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        assertThat(nin("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(Main.COMMANDS.keySet());
    }

    @Test
    void anUnknownCommandIsAnErrorThatListsTheCommands() throws Exception {
        assertThat(nin("trian")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'trian'").contains("shapes");
    }
}
