package dev.nin.exercises.code;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nin.book.Chapters;
import dev.nin.exercises.code.CodeCheck.ExerciseResult;
import dev.nin.exercises.code.CodeCheck.Report;
import dev.nin.exercises.code.CodeCheck.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker is proved on the reference solutions (all pass) and on wrong ones (each fails with the right words). */
@Tag(Chapters.EXERCISES)
class CodeCheckTest {

    static final Path SOLUTIONS = Path.of("src/test/resources/exercises/solutions"), WRONG = Path.of("src/test/resources/exercises/wrong");

    static Report check(Path dir) throws Exception {
        return CodeCheck.run(LearnerCode.compile(dir), ChapterClaims.all());
    }

    static ExerciseResult exercise(Report report, String className) {
        return report.exercises().stream().filter(e -> e.exercise().className().equals(className)).findFirst().orElseThrow();
    }

    @Test
    void theReferenceSolutionsPassEveryClaim() throws Exception {
        Report report = check(SOLUTIONS);
        assertThat(report.exercises()).hasSize(4).allSatisfy(e -> assertThat(e.verdict()).as(report.text()).isEqualTo(Verdict.PASSED));
        assertThat(report.exitStatus()).isZero();
    }

    @Test
    void theShippedStubsCompileAndAreNotWrittenYet() throws Exception {
        Report report = check(Path.of("exercises/code"));
        assertThat(report.exercises()).allSatisfy(e -> assertThat(e.verdict()).isEqualTo(Verdict.NOT_WRITTEN));
        assertThat(report.text()).contains("MyNinBlock (exercise 2: a NiN block with one 1×1 convolution): not written yet");
        assertThat(report.exitStatus()).isEqualTo(1);
    }

    @Test
    void aBlockWithoutItsReluFailsTheReluClaim() throws Exception {
        Report report = check(WRONG.resolve("no-relus"));
        ExerciseResult block = exercise(report, "MyNinBlock");
        assertThat(block.verdict()).isEqualTo(Verdict.FAILED);
        assertThat(block.claims().getFirst()).satisfies(c -> {
            assertThat(c.sentence()).isEqualTo("every convolution is followed by a ReLU");
            assertThat(c.verdict()).isEqualTo(Verdict.FAILED);
            assertThat(c.message()).contains("is followed by Conv2d(", "not by a ReLU");
        });
        assertThat(exercise(report, "MyHead").verdict()).isEqualTo(Verdict.MISSING);
        assertThat(report.exitStatus()).isEqualTo(1);
    }

    @Test
    void aWrongPaddingFailsTheShapeClaimWithTheFormula() throws Exception {
        ExerciseResult block = exercise(check(WRONG.resolve("wrong-padding")), "MyNinBlock");
        assertThat(block.claims()).filteredOn(c -> c.verdict() == Verdict.FAILED).singleElement().satisfies(c -> {
            assertThat(c.sentence()).startsWith("the block's output has out channels and sides");
            assertThat(c.message()).contains("your block outputs", "⌊(n + 2p − k)/s⌋ + 1 gives");
        });
    }

    @Test
    void aCounterThatForgetsTheBiasesFailsSayingWhatTheLayerLearns() throws Exception {
        ExerciseResult counter = exercise(check(WRONG.resolve("forgets-biases")), "MyParameterCounter");
        assertThat(counter.claims()).extracting(CodeCheck.ClaimResult::verdict).containsExactly(Verdict.FAILED, Verdict.FAILED, Verdict.PASSED);
        // shrinking reaches the smallest convolution: one weight, one bias
        assertThat(counter.claims().getFirst().message()).contains("yours counts 1;", "a bias array [1] (1 number): 2 in all");
    }

    @Test
    void poolingOverTheWrongAxesFailsTheMeanClaim() throws Exception {
        ExerciseResult pooling = exercise(check(WRONG.resolve("wrong-axes")), "MyGlobalPooling");
        assertThat(pooling.claims().get(0).verdict()).as("the length is right").isEqualTo(Verdict.PASSED);
        assertThat(pooling.claims().get(1)).satisfies(c -> {
            assertThat(c.verdict()).isEqualTo(Verdict.FAILED);
            assertThat(c.message()).contains("has mean", "yours gives");
        });
    }

    @Test
    void codeThatDoesNotCompileShowsJavacsMessages(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("MyHead.java"), "public class MyHead { int x = ; }\n");
        Report report = check(dir);
        assertThat(report.exitStatus()).isEqualTo(1);
        assertThat(report.text()).startsWith("your code does not compile:").contains("MyHead.java:1: ");
    }
}
