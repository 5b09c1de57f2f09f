package dev.nin.exercises;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nin.book.Chapters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag(Chapters.EXERCISES)
class TemplateTest {

    static final Path SHIPPED = Path.of("exercises/answers-template.txt");

    @Test
    void theShippedTemplateIsWhatCheckTemplatePrints() throws Exception {
        String generated = Template.text(Questions.all(Path.of(".")));
        assertThat(Files.readString(SHIPPED)).as("%s is stale: run ./nin check --template > %s", SHIPPED, SHIPPED).isEqualTo(generated);
    }

    @Test
    void theTemplateAsksEveryQuestionOnceAndReadsBackWithEveryQuestionUnanswered() {
        List<Question> questions = Questions.all(Path.of("."));
        AnswersFile file = AnswersFile.parse(Template.text(questions));
        assertThat(file.problems()).isEmpty();
        assertThat(file.answers().keySet()).containsExactlyElementsOf(questions.stream().map(Question::key).toList());
        assertThat(file.answers().values()).allSatisfy(line -> assertThat(line.text()).isEmpty());
    }
}
