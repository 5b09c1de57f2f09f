package dev.nin.exercises.code;

import java.util.function.BiFunction;
import org.quicktheories.core.Gen;

/**
 * One of the chapter's claims about a learner's class: the sentence, the cases to search, and what is wrong
 * with one case in words (null when the claim holds for it).
 *
 * @param <L> the exercise's interface, which the learner's class implements
 * @param <T> a case
 */
public record Claim<L, T>(String sentence, Gen<T> cases, BiFunction<L, T, String> failure) {
}
