package dev.nin.exercises;

import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * One question of the answers file: its key, the question in the book's words, the form and unit of the
 * answer, the value the project's code gives (computed when asked, never typed in), how close an answer
 * must be, and a hint that points to the chapter and the idea, never to the number.
 *
 * @param mistakes answers that come from a known slip (the biases forgotten, MACs given for FLOPs), each
 *                 with a hint of its own
 */
public record Question(String key, String exercise, String text, Form form, String unit,
                       Supplier<Form.Given> expected, Tolerance tolerance, String hint, List<Mistake> mistakes) {

    /** A wrong answer that a known slip produces, recognised within the question's tolerance. */
    public record Mistake(DoubleSupplier value, String hint) {
    }

    public Question {
        mistakes = List.copyOf(mistakes);
    }

    /** A numeric question: expected is a number the code computes. */
    public static Question number(String key, String exercise, String text, Form form, String unit, DoubleSupplier expected,
                                  Tolerance tolerance, String hint, Mistake... mistakes) {
        return new Question(key, exercise, text, form, unit,
                () -> new Form.Number(new LearnerNumber(expected.getAsDouble(), 0)), tolerance, hint, List.of(mistakes));
    }
}
