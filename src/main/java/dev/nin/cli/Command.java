package dev.nin.cli;

import java.io.PrintStream;
import java.util.List;

/** One {@code ./nin} sub-command: thin — parse, call the library, print. */
public interface Command {

    /** One line for {@code ./nin --help}. */
    String summary();

    /** Runs with the arguments after the command's name; returns the process exit status. */
    int run(List<String> args, PrintStream out) throws Exception;
}
