package dev.nin.exercises;

import dev.nin.model.Shape;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Judges an answers file against the questions: each answer right (within the question's tolerance) or
 * wrong with a hint, and every line that could not be used, every unknown key, every unanswered question.
 */
public final class AnswerCheck {

    /** What happened to one question or line. */
    public enum Verdict { RIGHT, WRONG, UNREADABLE, UNKNOWN, UNANSWERED, NOT_CHECKABLE }

    /** One line of the report: a verdict, the key (or null), the line number (or 0) and the words. */
    public record Result(Verdict verdict, String key, int line, String message) {
    }

    /** The whole report, in the order of the questions, then the file's problems. */
    public record Report(String file, List<Result> results, boolean empty) {
        public long count(Verdict v) {
            return results.stream().filter(r -> r.verdict() == v).count();
        }

        /** 0 when every answer given is right (and at least one is given), 1 otherwise. */
        public int exitStatus() {
            boolean anyGiven = count(Verdict.RIGHT) + count(Verdict.WRONG) > 0;
            boolean bad = count(Verdict.WRONG) + count(Verdict.UNREADABLE) + count(Verdict.UNKNOWN) > 0;
            return anyGiven && !bad ? 0 : 1;
        }

        /** The report as the learner reads it. */
        public String text() {
            StringBuilder sb = new StringBuilder();
            if (empty) {
                return sb.append(file).append(" is empty: no answers to check. ./nin check --template > answers.txt writes the questions to answer.\n").toString();
            }
            sb.append("%s: %d right, %d wrong, %d unreadable, %d unknown, %d unanswered%n".formatted(file, count(Verdict.RIGHT),
                    count(Verdict.WRONG), count(Verdict.UNREADABLE), count(Verdict.UNKNOWN), count(Verdict.UNANSWERED)));
            List<String> unanswered = new ArrayList<>();
            for (Result r : results) {
                switch (r.verdict()) {
                    case RIGHT -> sb.append("  right       %s (%s)%n".formatted(r.key(), r.message()));
                    case WRONG -> sb.append("  wrong       %s (line %d): %s%n".formatted(r.key(), r.line(), r.message()));
                    case UNREADABLE -> sb.append("  unreadable  line %d%s: %s%n".formatted(r.line(), r.key() == null ? "" : " (" + r.key() + ")", r.message()));
                    case UNKNOWN -> sb.append("  unknown     line %d: %s%n".formatted(r.line(), r.message()));
                    case NOT_CHECKABLE -> sb.append("  not checked %s: %s%n".formatted(r.key(), r.message()));
                    case UNANSWERED -> unanswered.add(r.key());
                }
            }
            if (!unanswered.isEmpty()) sb.append("  unanswered: ").append(String.join(", ", unanswered)).append('\n');
            return sb.toString();
        }
    }

    private AnswerCheck() {
    }

    public static Report check(String fileName, AnswersFile file, List<Question> questions) {
        List<Result> results = new ArrayList<>();
        Set<String> keys = new TreeSet<>();
        for (Question q : questions) {
            keys.add(q.key());
            AnswersFile.Line answer = file.answers().get(q.key());
            if (answer == null || answer.text().isEmpty()) {
                results.add(new Result(Verdict.UNANSWERED, q.key(), answer == null ? 0 : answer.number(), ""));
            } else {
                results.add(judge(q, answer));
            }
        }
        for (AnswersFile.Problem p : file.problems()) results.add(new Result(Verdict.UNREADABLE, null, p.line(), p.message()));
        for (Map.Entry<String, AnswersFile.Line> e : file.answers().entrySet()) {
            if (!keys.contains(e.getKey())) {
                results.add(new Result(Verdict.UNKNOWN, e.getKey(), e.getValue().number(), "unknown question '" + e.getKey() + "'"
                        + nearest(e.getKey(), keys).map(k -> "; did you mean '" + k + "'?").orElse("; ./nin check --template lists the questions")));
            }
        }
        return new Report(fileName, results, file.isEmpty());
    }

    /** Judges one given answer. */
    static Result judge(Question q, AnswersFile.Line answer) {
        Form.Given given;
        try {
            given = q.form().read(answer.text(), q.unit());
        } catch (LearnerNumber.NotANumber e) {
            return new Result(Verdict.UNREADABLE, q.key(), answer.number(), e.getMessage());
        }
        Form.Given expected;
        try {
            expected = q.expected().get();
        } catch (UncheckedIOException | IllegalStateException e) {
            return new Result(Verdict.NOT_CHECKABLE, q.key(), answer.number(), "the value to compare with is not here: " + e.getMessage());
        }
        String tolerance = q.tolerance().digits() ? "to the digits written" : q.tolerance().describe();
        return switch (expected) {
            case Form.Number(LearnerNumber want) -> {
                LearnerNumber number = ((Form.Number) given).number();
                double value = number.value();
                if (q.tolerance().tooRough(number))
                    yield wrong(q, answer, "too rough to check: write at least " + Tolerance.SIGNIFICANT + " significant digits (e.g. 1.23M)");
                if (q.tolerance().accepts(number, want.value())) yield right(q, answer, tolerance);
                for (Question.Mistake m : q.mistakes()) {
                    if (q.tolerance().accepts(number, m.value().getAsDouble())) yield wrong(q, answer, m.hint() + "; " + q.hint());
                }
                yield wrong(q, answer, (value > want.value() ? "too large" : "too small") + "; " + q.hint());
            }
            case Form.ShapeGiven(Shape want) -> {
                Shape shape = ((Form.ShapeGiven) given).shape();
                boolean withoutBatch = shape.rank() == want.rank() - 1
                        && Arrays.equals(shape.dims(), Arrays.copyOfRange(want.dims(), 1, want.rank()));
                if (shape.equals(want) || withoutBatch) yield right(q, answer, tolerance);
                yield wrong(q, answer, shape.rank() != want.rank() && !withoutBatch
                        ? "a shape here has " + want.rank() + " numbers, N×C×H×W; " + q.hint()
                        : q.hint());
            }
            case Form.Letter(char want) -> ((Form.Letter) given).letter() == want ? right(q, answer, "the right choice")
                    : wrong(q, answer, q.hint());
        };
    }

    private static Result right(Question q, AnswersFile.Line answer, String tolerance) {
        return new Result(Verdict.RIGHT, q.key(), answer.number(), tolerance);
    }

    private static Result wrong(Question q, AnswersFile.Line answer, String hint) {
        return new Result(Verdict.WRONG, q.key(), answer.number(), hint);
    }

    /** The known key closest to a mistyped one, when it is close (a few letters apart). */
    static java.util.Optional<String> nearest(String key, Set<String> keys) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : keys) {
            int d = distance(key, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 4) ? java.util.Optional.ofNullable(best) : java.util.Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
