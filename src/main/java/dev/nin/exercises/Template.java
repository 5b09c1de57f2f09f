package dev.nin.exercises;

import java.util.List;

/** The answers file a learner fills in: each question in the book's words, the form and unit, the tolerance. */
public final class Template {

    private Template() {
    }

    // tag::template[]
    public static String text(List<Question> questions) {
        StringBuilder sb = new StringBuilder("""
                # NiN exercises: your answers, checked by ./nin check FILE
                # Write each answer after its '=' (leave it empty to skip); '#' starts a comment.
                # Counts: 1,234,567 or 1234567 or 1.23M (k, M, G) or 1.23e6, optionally with the unit: 1.2 GFLOPs.
                # Sizes need a unit: 12.5 MiB or 13,107,200 B; KiB, MiB, GiB are 1024-based, kB, MB, GB 1000-based.
                # Each answer is right within the tolerance its question states; a wrong one gets a hint.
                """);
        for (Question q : questions) {
            sb.append("\n# [exercise ").append(q.exercise()).append("] ")
                    .append(q.text().strip().replace("\n", "\n# ")).append('\n')
                    .append("#   answer: ").append(q.form().description())
                    .append(q.unit().isEmpty() ? "" : "; unit: " + q.unit())
                    .append("; right: ").append(q.tolerance().describe())
                    .append('\n')
                    .append(q.key()).append(" =\n");
        }
        return sb.toString();
    }
    // end::template[]
}
