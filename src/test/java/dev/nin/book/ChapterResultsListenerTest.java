package dev.nin.book;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the book prints about a chapter's tests agrees with itself: one word for a skipped test, counts that add up. */
@Tag("records")
class ChapterResultsListenerTest {

    static final ChapterResultsListener.Result PROPERTY = new ChapterResultsListener.Result("NinBlockProperties",
            "outputShapeIsTheFirstConvolutionsShape", "passed", "200", "180", 0.1);
    static final ChapterResultsListener.Result SKIPPED = new ChapterResultsListener.Result("GpuParityTest",
            "theSameWeightsAndBatchGiveTheSameLogitsLossAndGradients", "skipped", "–", "–", 0.0);

    @Test
    void theSummaryCountsSkippedTestsAsTheTableNamesThem() {
        String table = ChapterResultsListener.table(List.of(PROPERTY, SKIPPED));
        String summary = ChapterResultsListener.summary(List.of(PROPERTY, SKIPPED));

        assertThat(table).contains("|GpuParityTest |`theSameWeightsAndBatchGiveTheSameLogitsLossAndGradients` |skipped |").doesNotContain("aborted");
        assertThat(summary).startsWith("[INFO] Tests run: 2, Failures: 0, Errors: 0, Skipped: 1").contains("tried 200 random cases");
    }

    @Test
    void theLineUnderAClaimSaysTheResultAndTheCases() {
        assertThat(ChapterResultsListener.line(PROPERTY)).isEqualTo("""
                [.proof-result]
                Result when this book was built: *passed* (200 random cases tried, 180 checked; `NinBlockProperties.outputShapeIsTheFirstConvolutionsShape`)
                """);
        assertThat(ChapterResultsListener.line(SKIPPED)).contains("*skipped* (an example test;");
    }
}
