package dev.nin.exercises.code;

import java.util.List;

/**
 * A code exercise: the class the learner writes (in the default package, in a file of the same name), the
 * interface it implements, and the chapter's claims it must satisfy.
 */
public record CodeExercise<L>(String className, String title, Class<L> type, List<Claim<L, ?>> claims) {
}
