package dev.nin.cli;

import dev.nin.engine.Backends;
import dev.nin.train.RunLock;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What a command throws, as the user sees it: one line {@code nin <command>: <what is wrong>} and an exit status.
 * The library's exceptions already name the file or flag and the problem (DataFileException, RecordFileException,
 * Checkpoint.BrokenException, AtomicFile.WriteException, IllegalArgumentException for flags); this class only
 * chooses the status and keeps Java's stack traces for {@code NIN_DEBUG=1}.
 */
final class Failures {
    /** Bad flags or input files: the user can correct them. */
    static final int BAD_INPUT = 2;
    /** The device asked for cannot be opened. */
    static final int NO_DEVICE = 3;
    /** The machine cannot do it: a write failed (disk full, no permission), memory ran out, another run holds --out. */
    static final int ENVIRONMENT = 4;
    /** A defect of this program (sysexits' EX_SOFTWARE). */
    static final int INTERNAL = 70;

    /** {@code NIN_DEBUG=1} (or {@code -Dnin.debug=true}) prints the stack trace under the line. */
    static boolean debugRequested() {
        String env = System.getenv("NIN_DEBUG");
        return Boolean.getBoolean("nin.debug") || env != null && !env.isBlank() && !env.equals("0");
    }

    private Failures() {
    }

    /** Prints the one line (and the stack trace when debugging) and returns the exit status. */
    static int report(String command, Throwable failure, PrintStream err, boolean debug) {
        Throwable t = failure instanceof UncheckedIOException u ? u.getCause() : failure;
        int status = status(t);
        String line = "nin " + command + ": " + describe(t);
        if (status == INTERNAL && !debug) line += " (a defect of nin; NIN_DEBUG=1 shows where)";
        err.println(line);
        if (debug) failure.printStackTrace(err);
        return status;
    }

    static int status(Throwable t) {
        return switch (t) {
            case IllegalArgumentException e -> BAD_INPUT;
            case Backends.UnavailableException e -> NO_DEVICE;
            case RunLock.HeldException e -> ENVIRONMENT;
            case dev.nin.train.record.AtomicFile.WriteException e -> ENVIRONMENT;
            case OutOfMemoryError e -> ENVIRONMENT;
            case IOException e when isAboutTheMachine(e) -> ENVIRONMENT;
            case IOException e -> BAD_INPUT;  // a file named by the user is missing, unreadable or malformed
            default -> INTERNAL;
        };
    }

    /** Out of disk or of file handles: nothing the user named was wrong. */
    private static boolean isAboutTheMachine(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("No space left") || m.contains("Disk quota") || m.contains("Too many open files");
    }

    /** The failure in words, naming the file where the exception knows it. */
    static String describe(Throwable t) {
        return switch (t) {
            case NoSuchFileException e -> e.getFile() + ": " + (e.getReason() != null ? e.getReason() : "no such file or directory");
            case AccessDeniedException e -> e.getFile() + ": permission denied";
            case NotDirectoryException e -> e.getFile() + ": not a directory";
            case FileAlreadyExistsException e -> e.getFile() + ": is in the way (a file of that name exists)";
            case DirectoryNotEmptyException e -> e.getFile() + ": directory not empty";
            case FileSystemException e -> e.getFile() + (e.getOtherFile() == null ? "" : " → " + e.getOtherFile()) + ": "
                    + (e.getReason() != null ? e.getReason() : e.getClass().getSimpleName());
            case OutOfMemoryError e -> "out of memory (" + e.getMessage() + "); try a smaller --resize or --batch-size, "
                    + "or give Java more with NIN_JAVA_OPTS=-Xmx<size>";
            case IllegalArgumentException e -> e.getMessage();
            case IOException e when e.getMessage() != null -> e.getMessage();
            case Backends.UnavailableException e -> e.getMessage();
            case RunLock.HeldException e -> e.getMessage();
            default -> t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        };
    }
}
