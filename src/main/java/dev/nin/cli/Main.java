package dev.nin.cli;

import dev.nin.engine.Backends;

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
            "export", new ExportCommand(),
            "evaluate", new EvaluateCommand()));

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            out.print(help());
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            err.println("nin: unknown command '" + args[0] + "'; the commands are " + String.join(", ", COMMANDS.keySet())
                    + " (./nin --help)");
            return 2;
        }
        try {
            return command.run(List.of(Arrays.copyOfRange(args, 1, args.length)), out);
        } catch (IllegalArgumentException badInput) {
            err.println("nin " + args[0] + ": " + badInput.getMessage());
            return 2;
        } catch (Backends.UnavailableException noBackend) {
            // e.g. --device gpu without a GPU: the message says which libraries were looked for where
            err.println("nin " + args[0] + ": " + noBackend.getMessage());
            return 3;
        }
    }

    /** The text of {@code ./nin --help}. */
    public static String help() {
        StringBuilder sb = new StringBuilder("usage: ./nin <command> [arguments]\n\ncommands:\n");
        COMMANDS.forEach((name, c) -> sb.append(String.format("  %-8s %s%n", name, c.summary())));
        return sb.toString();
    }
}
