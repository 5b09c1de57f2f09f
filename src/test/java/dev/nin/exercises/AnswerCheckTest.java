package dev.nin.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nin.book.Chapters;
import dev.nin.exercises.AnswerCheck.Report;
import dev.nin.exercises.AnswerCheck.Result;
import dev.nin.exercises.AnswerCheck.Verdict;
import dev.nin.model.ComputeCost;
import dev.nin.model.Nin;
import dev.nin.model.ParameterCount;
import dev.nin.model.Shape;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag(Chapters.EXERCISES)
class AnswerCheckTest {

    static final List<Question> QUESTIONS = Questions.all(Path.of("."));
    static final long PARAMS = ParameterCount.of(Nin.spec());

    static Report check(String text) {
        return AnswerCheck.check("answers.txt", AnswersFile.parse(text), QUESTIONS);
    }

    static Result result(Report report, String key) {
        return report.results().stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow();
    }

    /** A right answer to each question, written from the value the code gives. */
    static String rightAnswer(Question q) {
        return switch (q.expected().get()) {
            case Form.Number(LearnerNumber n) -> switch (q.form()) {
                case BYTES -> String.format(Locale.ROOT, "%.3f MiB", n.value() / (1 << 20));
                default -> String.format(Locale.ROOT, "%.6g", n.value());
            };
            case Form.ShapeGiven(Shape s) -> s.toString();
            case Form.Letter(char c) -> String.valueOf(c);
        };
    }

    @Test
    void everyQuestionAnsweredWithTheCodesValueIsRightAndExitsZero() {
        String answers = QUESTIONS.stream().map(q -> q.key() + " = " + rightAnswer(q)).collect(Collectors.joining("\n"));
        Report report = check(answers);
        assertThat(report.results()).allSatisfy(r -> assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.RIGHT));
        assertThat(report.exitStatus()).isZero();
    }

    @Test
    void aCountIsRightInEveryFormALearnerWritesItWithinTheTolerance() {
        for (String written : List.of(String.format(Locale.ROOT, "%,d", PARAMS), Long.toString(PARAMS),
                String.format(Locale.ROOT, "%.2fM", PARAMS / 1e6), String.format(Locale.ROOT, "%.2e", (double) PARAMS),
                String.format(Locale.ROOT, "%.3f million parameters", PARAMS / 1e6))) {
            assertThat(result(check("params.total = " + written), "params.total").verdict()).as(written).isEqualTo(Verdict.RIGHT);
        }
        // right to the digits written: one off is wrong, and two significant digits are too rough to judge
        assertThat(result(check("params.total = " + (PARAMS + 1)), "params.total").verdict()).isEqualTo(Verdict.WRONG);
        assertThat(result(check("params.total = 2M"), "params.total").message()).startsWith("too rough to check");
    }

    @Test
    void aWrongAnswerGetsAHintToTheChapterAndNeverTheNumber() {
        Report report = check("params.total = 1,000,000\nflops.image = 5.00G\n");
        Result params = result(report, "params.total");
        assertThat(params.verdict()).isEqualTo(Verdict.WRONG);
        assertThat(params.line()).isEqualTo(1);
        assertThat(params.message()).contains("counting chapter", "too small")
                .doesNotContain(String.format(Locale.ROOT, "%,d", PARAMS), Long.toString(PARAMS), "1.99");
        long flops = 2 * ComputeCost.total(Nin.spec(), Questions.IMAGE);
        assertThat(result(report, "flops.image").message()).contains("FLOPs = 2 · MACs")
                .doesNotContain(String.format(Locale.ROOT, "%,d", flops), Long.toString(flops));
        assertThat(report.exitStatus()).isEqualTo(1);
    }

    @Test
    void noHintOfAnyQuestionContainsItsAnswer() {
        for (Question q : QUESTIONS) {
            if (!(q.expected().get() instanceof Form.Number(LearnerNumber n)) || n.value() < 100) continue;
            String hints = q.hint() + q.mistakes().stream().map(Question.Mistake::hint).collect(Collectors.joining());
            for (String form : List.of(String.format(Locale.ROOT, "%,d", Math.round(n.value())), Long.toString(Math.round(n.value())),
                    String.format(Locale.ROOT, "%.2f", n.value() / 1e6), String.format(Locale.ROOT, "%.1f", n.value() / (1 << 20))))
                assertThat(hints).as(q.key()).doesNotContain(form);
        }
    }

    @Test
    void aKnownSlipGetsItsOwnHint() {
        long macs = ComputeCost.total(Nin.spec(), Questions.IMAGE);
        Report report = check("flops.image = " + macs + "\nmacs.image = " + 2 * macs + "\nparams.total = " + (PARAMS - biases()) + "\n");
        assertThat(result(report, "flops.image").message()).startsWith("that is the number of MACs");
        assertThat(result(report, "macs.image").message()).startsWith("that is the number of FLOPs");
        assertThat(result(report, "params.total").message()).contains("biases");
    }

    private static long biases() {
        return Nin.spec().layers().stream().mapToLong(l -> l instanceof dev.nin.model.LayerSpec.Conv2d c ? c.outChannels() : 0).sum();
    }

    @Test
    void aMalformedLineIsNamedWithItsNumberAndTheExpectedForm() {
        Report report = check("# my answers\nparams.total 1992166\nmacs.image = lots\nshape.block2.r224 = 1 by 256\nmemory.predict.b1 = 12\n");
        assertThat(report.results()).filteredOn(r -> r.verdict() == Verdict.UNREADABLE).extracting(Result::line).containsExactlyInAnyOrder(2, 3, 4, 5);
        assertThat(report.text()).contains("line 2: expected 'key = answer'")
                .contains("line 3 (macs.image): 'lots' is not a number: expected a count")
                .contains("line 4 (shape.block2.r224): '1 by 256' is not a shape")
                .contains("line 5 (memory.predict.b1): '12' is not a size: expected a unit");
        assertThat(report.exitStatus()).isEqualTo(1);
    }

    @Test
    void anUnknownQuestionIsNamedWithTheNearestKnownOne() {
        Report report = check("params.totl = 5\nfavourite.colour = blue\n");
        assertThat(report.text()).contains("line 1: unknown question 'params.totl'; did you mean 'params.total'?")
                .contains("line 2: unknown question 'favourite.colour'; ./nin check --template lists the questions");
        assertThat(report.exitStatus()).isEqualTo(1);
    }

    @Test
    void unansweredQuestionsAreListedAndAnsweredOnesStillCount() {
        Report report = check("params.total = " + PARAMS + "\nmacs.image =\n");
        assertThat(report.count(Verdict.UNANSWERED)).isEqualTo(QUESTIONS.size() - 1);
        assertThat(report.text()).contains("unanswered: params.block1, ").contains("macs.image");
        assertThat(report.exitStatus()).as("every answer given is right").isZero();
    }

    @Test
    void aQuestionAnsweredTwiceIsAProblemNamingBothLines() {
        Report report = check("params.total = 1\nparams.total = " + PARAMS + "\n");
        assertThat(report.text()).contains("line 2: params.total is answered twice (first on line 1)");
    }

    @Test
    void anEmptyFileOrOneWithoutAnswersIsSaidToBeEmpty() throws Exception {
        Report report = AnswerCheck.check("a.txt", AnswersFile.parse("a.txt", "\n  \n".getBytes(StandardCharsets.UTF_8)), QUESTIONS);
        assertThat(report.text()).startsWith("a.txt is empty: no answers to check");
        assertThat(report.exitStatus()).isEqualTo(1);
        assertThat(check(Template.text(QUESTIONS)).exitStatus()).as("the template, unfilled").isEqualTo(1);
    }

    @Test
    void aBinaryFileIsRefusedAsOne() {
        assertThatThrownBy(() -> AnswersFile.parse("model.bin", new byte[]{1, 0, 2, 3}))
                .isInstanceOf(AnswersFile.UnreadableException.class).hasMessage("model.bin is a binary file, not an answers file (./nin check --template writes one)");
        assertThatThrownBy(() -> AnswersFile.parse("latin1.txt", new byte[]{'a', (byte) 0xE9, '\n'}))
                .isInstanceOf(AnswersFile.UnreadableException.class).hasMessageContaining("not UTF-8 text");
    }

    @Test
    void aShapeMayBeWrittenInSeveralWaysAndWithoutTheBatch() {
        Shape want = ((Form.ShapeGiven) QUESTIONS.stream().filter(q -> q.key().equals("shape.block2.r224")).findFirst().orElseThrow().expected().get()).shape();
        int[] d = want.dims();
        for (String written : List.of(want.toString(), "%dx%dx%dx%d".formatted(d[0], d[1], d[2], d[3]),
                "(%d, %d, %d, %d)".formatted(d[0], d[1], d[2], d[3]), "%d×%d×%d".formatted(d[1], d[2], d[3])))
            assertThat(result(check("shape.block2.r224 = " + written), "shape.block2.r224").verdict()).as(written).isEqualTo(Verdict.RIGHT);
        assertThat(result(check("shape.block2.r224 = [1, %d, %d, %d]".formatted(d[1], d[2] + 1, d[3])), "shape.block2.r224").verdict())
                .isEqualTo(Verdict.WRONG);
    }

    @Test
    void aTrailingCommentAndWindowsLineEndsAreFine() {
        Report report = check("params.total = " + PARAMS + "   # from ./nin params\r\nmin.input = " + Nin.minimumInputSize() + "\r\n");
        assertThat(result(report, "params.total").verdict()).isEqualTo(Verdict.RIGHT);
        assertThat(result(report, "min.input").verdict()).isEqualTo(Verdict.RIGHT);
    }
}
