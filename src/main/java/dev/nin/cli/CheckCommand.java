package dev.nin.cli;

import dev.nin.exercises.AnswerCheck;
import dev.nin.exercises.AnswersFile;
import dev.nin.exercises.Questions;
import dev.nin.exercises.Template;

import dev.nin.exercises.code.ChapterClaims;
import dev.nin.exercises.code.CodeCheck;
import dev.nin.exercises.code.LearnerCode;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./nin check}: {@code --template} prints the answers file to fill in; {@code check FILE} says for each
 * answer whether it is right, or wrong with a hint. Exit 0 when every answer given is right, 1 when some are
 * wrong, unreadable or none is given, 2 when the file cannot be read.
 */
final class CheckCommand implements Command {

    /** The repository's root, where docs/results/ holds the records some answers are compared with. */
    static Path root() {
        return Path.of(System.getProperty("nin.root", "."));
    }

    @Override
    public String summary() {
        return "check your answers to the exercises (--template prints the file to fill in; --code checks your classes)";
    }

    static String usage() {
        return """
                usage: ./nin check --template        print the answers file (the repository ships it as exercises/answers-template.txt)
                       ./nin check FILE              check the answers in FILE: right, or wrong with a hint
                       ./nin check --code [DIR]      compile your classes in DIR (default exercises/code) and run the chapter's claims on them
                  exit status: 0 every answer given (class written) is right, 1 some are wrong, unreadable or missing, 2 FILE (DIR) cannot be read
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(usage());
            return 0;
        }
        if (args.equals(List.of("--template"))) {
            out.print(Template.text(Questions.all(root())));
            return 0;
        }
        if (!args.isEmpty() && args.getFirst().equals("--code")) {
            if (args.size() > 2) throw new IllegalArgumentException("--code takes at most one folder, got " + String.join(" ", args.subList(1, args.size())));
            return code(args.size() == 2 ? Path.of(args.get(1)) : root().resolve("exercises/code"), out);
        }
        if (args.size() != 1 || args.getFirst().startsWith("--"))
            throw new IllegalArgumentException("expected --template or one answers file, got " + (args.isEmpty() ? "nothing" : String.join(" ", args)) + " (./nin check --help)");
        Path file = Path.of(args.getFirst());
        AnswersFile answers;
        try {
            answers = AnswersFile.read(file);
        } catch (AnswersFile.UnreadableException e) {
            System.err.println("nin check: " + e.getMessage());
            return 2;
        }
        AnswerCheck.Report report = AnswerCheck.check(file.toString(), answers, Questions.all(root()));
        out.print(report.text());
        return report.exitStatus();
    }

    /** Compiles the learner's classes in {@code dir} and runs the chapter's claims against them. */
    static int code(Path dir, PrintStream out) {
        LearnerCode.Compiled compiled;
        try {
            compiled = LearnerCode.compile(dir);
        } catch (LearnerCode.UnusableException e) {
            System.err.println("nin check: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("nin check: " + dir + " cannot be read: " + e.getMessage());
            return 2;
        }
        CodeCheck.Report report = CodeCheck.run(compiled, ChapterClaims.all());
        out.print(report.text());
        return report.exitStatus();
    }
}
