package dev.nin.exercises.code;

import java.util.ArrayList;
import java.util.List;
import org.quicktheories.QuickTheory;

/**
 * Runs the chapter's claims against the learner's classes: each claim passed, or failed with the smallest
 * counter-example the property search found, in words. A class still throwing the stub's
 * UnsupportedOperationException is "not written yet".
 */
public final class CodeCheck {

    /** How many cases each claim tries. */
    public static final int TRIES = 200;

    public enum Verdict { PASSED, FAILED, NOT_WRITTEN, MISSING, UNUSABLE }

    public record ClaimResult(String sentence, Verdict verdict, String message) {
    }

    public record ExerciseResult(CodeExercise<?> exercise, Verdict verdict, String message, List<ClaimResult> claims) {
    }

    public record Report(List<String> compileErrors, List<ExerciseResult> exercises) {
        /** 0 when every written exercise passes every claim (and one at least is written), 1 otherwise. */
        public int exitStatus() {
            if (!compileErrors.isEmpty()) return 1;
            boolean anyWritten = exercises.stream().anyMatch(e -> e.verdict() == Verdict.PASSED || e.verdict() == Verdict.FAILED);
            boolean bad = exercises.stream().anyMatch(e -> e.verdict() == Verdict.FAILED || e.verdict() == Verdict.UNUSABLE);
            return anyWritten && !bad ? 0 : 1;
        }

        public String text() {
            StringBuilder sb = new StringBuilder();
            if (!compileErrors.isEmpty()) {
                sb.append("your code does not compile:\n");
                compileErrors.forEach(e -> sb.append("  ").append(e.replace("\n", "\n  ")).append('\n'));
                return sb.toString();
            }
            for (ExerciseResult e : exercises) {
                sb.append(e.exercise().className()).append(" (").append(e.exercise().title()).append("): ");
                switch (e.verdict()) {
                    case PASSED -> sb.append("passed\n");
                    case FAILED -> sb.append("failed\n");
                    default -> sb.append(e.message()).append('\n');
                }
                for (ClaimResult c : e.claims()) {
                    sb.append(c.verdict() == Verdict.PASSED ? "  passed  " : "  FAILED  ").append(c.sentence());
                    if (c.verdict() == Verdict.PASSED) sb.append(" (").append(TRIES).append(" cases)\n");
                    else sb.append("\n          counter-example: ").append(c.message()).append('\n');
                }
            }
            return sb.toString();
        }
    }

    private CodeCheck() {
    }

    public static Report run(LearnerCode.Compiled compiled, List<CodeExercise<?>> exercises) {
        if (!compiled.ok()) return new Report(compiled.errors(), List.of());
        List<ExerciseResult> results = new ArrayList<>();
        for (CodeExercise<?> e : exercises) results.add(run(compiled.loader(), e));
        return new Report(List.of(), results);
    }

    private static <L> ExerciseResult run(ClassLoader loader, CodeExercise<L> exercise) {
        Class<?> type;
        try {
            type = Class.forName(exercise.className(), true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return new ExerciseResult(exercise, Verdict.MISSING, "no class " + exercise.className() + " (write it in " + exercise.className() + ".java)", List.of());
        }
        if (!exercise.type().isAssignableFrom(type))
            return new ExerciseResult(exercise, Verdict.UNUSABLE, exercise.className() + " must implement " + exercise.type().getName(), List.of());
        L learner;
        try {
            learner = exercise.type().cast(type.getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new ExerciseResult(exercise, Verdict.UNUSABLE, exercise.className() + " needs a public constructor without arguments (" + e + ")", List.of());
        }
        List<ClaimResult> claims = new ArrayList<>();
        for (Claim<L, ?> claim : exercise.claims()) {
            ClaimResult r = check(learner, claim);
            if (r.verdict() == Verdict.NOT_WRITTEN)
                return new ExerciseResult(exercise, Verdict.NOT_WRITTEN, "not written yet (it still throws UnsupportedOperationException)", List.of());
            claims.add(r);
        }
        boolean passed = claims.stream().allMatch(c -> c.verdict() == Verdict.PASSED);
        return new ExerciseResult(exercise, passed ? Verdict.PASSED : Verdict.FAILED, "", claims);
    }

    // tag::search[]
    /**
     * QuickTheories draws the cases and shrinks a failing one; the claim's own words describe the smallest
     * failing case it reached (the last one that failed while shrinking).
     */
    static <L, T> ClaimResult check(L learner, Claim<L, T> claim) {
        String[] smallest = {null};
        boolean[] notWritten = {false};
        try {
            QuickTheory.qt().withExamples(TRIES).withShrinkCycles(500).forAll(claim.cases()).check(c -> {
                String failure;
                try {
                    failure = claim.failure().apply(learner, c);
                } catch (UnsupportedOperationException stub) {
                    notWritten[0] = true;
                    failure = "not written yet";
                } catch (RuntimeException | StackOverflowError e) {
                    failure = "for " + c + " your code threw " + e;
                }
                if (failure != null) smallest[0] = failure;
                return failure == null;
            });
            return new ClaimResult(claim.sentence(), Verdict.PASSED, "");
        } catch (AssertionError falsified) {
            return new ClaimResult(claim.sentence(), notWritten[0] ? Verdict.NOT_WRITTEN : Verdict.FAILED, smallest[0]);
        }
    }
    // end::search[]
}
