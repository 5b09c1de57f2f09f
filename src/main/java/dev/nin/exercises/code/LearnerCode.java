package dev.nin.exercises.code;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles the learner's .java files against this project's classes and loads them. */
public final class LearnerCode {

    /** The learner's folder cannot be used: missing, or no compiler here. Exit status 2. */
    public static final class UnusableException extends Exception {
        UnusableException(String message) {
            super(message);
        }
    }

    /** The result of compiling: a class loader for what compiled, or javac's messages. */
    public record Compiled(ClassLoader loader, List<String> errors) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private LearnerCode() {
    }

    /** Compiles every .java file directly in {@code dir} into a fresh temporary folder. */
    public static Compiled compile(Path dir) throws UnusableException, IOException {
        if (!Files.isDirectory(dir)) throw new UnusableException(dir + ": no such folder (the exercises are in exercises/code/)");
        List<Path> sources;
        try (Stream<Path> files = Files.list(dir)) {
            sources = files.filter(f -> f.getFileName().toString().endsWith(".java")).sorted().toList();
        }
        if (sources.isEmpty()) throw new UnusableException(dir + " holds no .java files (the stubs are in exercises/code/)");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) throw new UnusableException("this Java has no compiler (javax.tools): run ./nin with a JDK, not a JRE");
        Path out = Files.createTempDirectory("nin-exercises-");
        out.toFile().deleteOnExit();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
            List<String> options = List.of("-d", out.toString(), "-classpath", projectClasses(), "-proc:none", "-Xlint:none");
            boolean ok = javac.getTask(new StringWriter(), files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
            List<String> errors = diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> (d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ": ")
                            + d.getMessage(Locale.ROOT)).toList();
            if (!ok && errors.isEmpty()) errors = List.of("javac failed without a message");
            return new Compiled(new URLClassLoader(new URL[]{out.toUri().toURL()}, LearnerCode.class.getClassLoader()), errors);
        }
    }

    /** Where this project's classes are (target/classes, or the jar): the learner's code compiles against them. */
    static String projectClasses() throws UnusableException {
        try {
            return Path.of(LearnerCode.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | NullPointerException e) {
            throw new UnusableException("cannot find this project's classes to compile against: " + e.getMessage());
        }
    }
}
