package dev.nin.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** {@code ./nin <command> [args]}: dispatches to the commands registered in {@link #COMMANDS}. */
public final class Main {

    /** Every command, by name. Add a command with one line here. */
    static final Map<String, Command> COMMANDS = new TreeMap<>(Map.of(
            "shapes", new ShapesCommand(),
            "params", new ParamsCommand(),
            "train", new TrainCommand(),
            "bench", new BenchCommand(),
            "study", new StudyCommand(),
            "check", new CheckCommand(),
            "export", new ExportCommand(),
            "evaluate", new EvaluateCommand()));

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command and returns the exit status: 0 done, 1 a training that did not complete, else {@link Failures}. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, Failures.debugRequested());
    }

    static int run(String[] args, PrintStream out, PrintStream err, boolean debug) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(help());
            return args.length == 0 ? Failures.BAD_INPUT : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("nin: unknown command '" + args[0] + "'; the commands are " + String.join(", ", COMMANDS.keySet())
                    + " (./nin --help)");
            return Failures.BAD_INPUT;
        }
        // tag::errors[]
        try {
            return command.run(List.of(Arrays.copyOfRange(args, 1, args.length)), out);
        } catch (Exception | OutOfMemoryError | StackOverflowError failure) {  // every user error becomes one line here
            return Failures.report(args[0], failure, err, debug);
        }
        // end::errors[]
    }

    /** The text of {@code ./nin --help}. */
    public static String help() {
        StringBuilder sb = new StringBuilder("usage: ./nin <command> [arguments]\n\ncommands:\n");
        COMMANDS.forEach((name, c) -> sb.append(String.format("  %-8s %s%n", name, c.summary())));
        return sb.toString();
    }
}
