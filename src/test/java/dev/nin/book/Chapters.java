package dev.nin.book;

/** The JUnit tags of the book's chapters: {@code ./mvnw -B test -Dgroups=<tag>} runs one chapter's tests. */
public final class Chapters {
    public static final String NIN_BLOCK = "nin-block";
    public static final String ONE_BY_ONE = "one-by-one";
    public static final String NIN_MODEL = "nin-model";
    public static final String GLOBAL_AVERAGE_POOLING = "global-average-pooling";
    public static final String COUNTING = "counting";
    public static final String EXERCISES = "exercises";
    public static final String GPU = "gpu";

    private Chapters() {
    }
}
